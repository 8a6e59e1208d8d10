/**
 * A dry-run plan as a table (one line per snapshot, creation, release and sync, each with its reason) or as
 * JSON (the core's plan values, each with its reason text). Reasons are the core's `Explain` texts.
 *
 * @since 0.1.0
 */
import { type Action, type Decision, Explain, type Plan, type TargetPlan } from '@zfs-autobackup/core'
import { DateTime } from 'luxon'
import * as Table from '../Table.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Retention on one destination's backup host (decisions §17). */
export type TargetResult =
  | { readonly _tag: 'Planned'; readonly snapshots: ReadonlyArray<string>; readonly plan: TargetPlan }
  | {
      readonly _tag: 'Unreadable'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly why: string
    }

export type DatasetResult =
  | {
      readonly _tag: 'Planned'
      readonly dataset: string
      readonly snapshots: ReadonlyArray<string>
      readonly plan: Plan
      /** Destinations with `target_retention`; absent: none. */
      readonly targets?: ReadonlyArray<TargetResult>
    }
  | { readonly _tag: 'Unreadable'; readonly dataset: string; readonly why: string }

export interface PlanReport {
  readonly at: number
  readonly zone: string
  readonly datasets: ReadonlyArray<DatasetResult>
}

// -------------------------------------------------------------------------------------
// text
// -------------------------------------------------------------------------------------

const iso = (ms: number): string => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z')

/** ACTION / WHAT / WHY rows of one planned dataset (the status page shows the same rows). */
export const rows = (r: Extract<DatasetResult, { _tag: 'Planned' }>): string[][] => {
  const { actions, decisions } = r.plan
  const out: string[][] = []
  for (const a of actions)
    if (a._tag === 'CreateSnapshot')
      out.push(['create', `${a.snapshot} (${a.type})`, Explain.actionReason(a)])
  for (const d of decisions)
    if (d._tag === 'NoSnapshot') out.push(['no snapshot', '-', Explain.decisionReason(d)])
  for (const d of decisions)
    if (d._tag === 'FromTheFuture') out.push(['future', d.reason.snapshot, Explain.decisionReason(d)])
  // Every existing snapshot, in list order, with its fate: the operator sees the whole list at once.
  const fate = new Map<string, string[]>()
  for (const a of actions)
    if (a._tag === 'DestroySnapshot') fate.set(a.snapshot, ['DESTROY', a.snapshot, Explain.actionReason(a)])
  for (const d of decisions)
    if (d._tag === 'Keep') fate.set(d.snapshot, ['keep', d.snapshot, Explain.decisionReason(d)])
  for (const s of r.snapshots) out.push(fate.get(s) ?? ['keep', s, 'no decision reported'])
  // Base holds (decisions §15): placed before the old base of the same destination is released.
  for (const a of actions)
    if (a._tag === 'HoldSnapshot')
      out.push([
        'hold',
        `${a.tag} on ${a.snapshot}`,
        `base of ${a.remoteHost}:${a.remoteDataset}: ${Explain.actionReason(a)}`,
      ])
  for (const d of decisions)
    if (d._tag === 'StaleEvidence')
      out.push([
        'base kept',
        `${d.remoteHost}:${d.remoteDataset}`,
        `not moved to ${d.snapshot}: ${Explain.decisionReason(d)}`,
      ])
  for (const a of actions)
    if (a._tag === 'ReleaseHold') out.push(['release', `${a.tag} on ${a.snapshot}`, Explain.actionReason(a)])
  for (const a of actions)
    if (a._tag === 'StartSync')
      out.push(['sync', `${a.remoteHost}:${a.remoteDataset} ← ${a.snapshot}`, Explain.actionReason(a)])
  for (const d of decisions)
    if (d._tag === 'NoSync')
      out.push(['no sync', `${d.remoteHost}:${d.remoteDataset}`, Explain.decisionReason(d)])
  for (const t of r.targets ?? []) out.push(...targetRows(t))
  return out
}

/** Every snapshot of a backup host, in list order, with its fate there. */
const targetRows = (t: TargetResult): string[][] => {
  if (t._tag === 'Unreadable')
    return [['backup host', `${t.remoteHost}:${t.remoteDataset}`, `not pruned: ${t.why}`]]
  const { plan } = t
  const where = (s: string) => `${plan.remoteHost}:${plan.remoteDataset}@${s}`
  const fate = new Map<string, string[]>()
  for (const d of plan.destroy)
    fate.set(d.snapshot, ['DESTROY', where(d.snapshot), Explain.destroyReason(d.reason)])
  for (const k of plan.keep) fate.set(k.snapshot, ['keep', where(k.snapshot), Explain.decisionReason(k)])
  return t.snapshots.map((s) => fate.get(s) ?? ['keep', where(s), 'no decision reported'])
}

const targetDestroys = (r: Extract<DatasetResult, { _tag: 'Planned' }>): number =>
  (r.targets ?? []).reduce((n, t) => n + (t._tag === 'Planned' ? t.plan.destroy.length : 0), 0)

const count = (p: Plan, tag: Action['_tag'] | Decision['_tag']): number =>
  p.actions.filter((a) => a._tag === tag).length + p.decisions.filter((d) => d._tag === tag).length

export const text = (report: PlanReport): string => {
  const local = DateTime.fromMillis(report.at, { zone: report.zone }).toFormat('ccc yyyy-MM-dd HH:mm ZZ')
  const lines = [`Plan at ${iso(report.at)} (${local} ${report.zone}); nothing is changed.`]
  for (const r of report.datasets) {
    lines.push('')
    if (r._tag === 'Unreadable') {
      lines.push(`${r.dataset}: cannot read its state (${r.why}); nothing would be done`)
      continue
    }
    const p = r.plan
    lines.push(
      `${r.dataset}: ${count(p, 'CreateSnapshot')} create, ${count(p, 'DestroySnapshot')} destroy, ` +
        `${count(p, 'Keep')} keep, ${count(p, 'HoldSnapshot')} hold, ${count(p, 'ReleaseHold')} release, ` +
        `${count(p, 'StartSync')} sync, ` +
        `${count(p, 'NoSync')} sync skipped` +
        (r.targets === undefined ? '' : `, ${targetDestroys(r)} destroy on backup hosts`),
    )
    lines.push(...Table.render(['ACTION', 'WHAT', 'WHY'], rows(r)).map((l) => `  ${l}`))
  }
  return lines.join('\n') + '\n'
}

// -------------------------------------------------------------------------------------
// json
// -------------------------------------------------------------------------------------

export const json = (report: PlanReport, extra: Readonly<Record<string, unknown>> = {}): string =>
  JSON.stringify(
    {
      at: new Date(report.at).toISOString(),
      zone: report.zone,
      ...extra,
      datasets: report.datasets.map((r) =>
        r._tag === 'Unreadable'
          ? { dataset: r.dataset, error: r.why }
          : {
              dataset: r.dataset,
              snapshots: r.snapshots,
              actions: r.plan.actions.map((a) => ({ ...a, why: Explain.actionReason(a) })),
              decisions: r.plan.decisions.map((d) => ({ ...d, why: Explain.decisionReason(d) })),
              ...(r.targets === undefined
                ? {}
                : {
                    targets: r.targets.map((t) =>
                      t._tag === 'Unreadable'
                        ? { remoteHost: t.remoteHost, remoteDataset: t.remoteDataset, error: t.why }
                        : {
                            remoteHost: t.plan.remoteHost,
                            remoteDataset: t.plan.remoteDataset,
                            snapshots: t.snapshots,
                            destroy: t.plan.destroy.map((d) => ({ ...d, why: Explain.targetDestroy(d) })),
                            keep: t.plan.keep.map((k) => ({ ...k, why: Explain.decisionReason(k) })),
                          },
                    ),
                  }),
            },
      ),
    },
    null,
    2,
  ) + '\n'
