/**
 * Retention on one backup host, carried out through that host's own API (core-decisions.md §17): list the
 * destination's snapshots, read the holds of the ones retention would destroy, plan with the core
 * (`TargetRetention.plan`), destroy one at a time.
 *
 * - Holds are read only for the destroy candidates (a plan on "no holds"): a hold never changes a rank, it
 *   only forbids a destroy, so that plan's destroys are a superset of the real one's and the snapshots
 *   left out would be kept anyway. A backup host of thousands of snapshots costs one `zfs holds` per
 *   snapshot actually due, not per snapshot. The reads are batched by the client (`holdsList`, within its
 *   `max_calls_in_flight`); any failed read → holds unknown → nothing destroyed.
 * - Destroys follow the source's `Executor`: one gone already is done; one zfs refused (held, clones) did
 *   nothing and is reported once (`Refusals`, keyed `<host>:<remote dataset>`), not as an error each time;
 *   one whose reply never came may still run on the backup host, so the run stops there (the next run
 *   lists again and sees what happened).
 * - `Schedule`: a destination is pruned after each migration to it that ended having sent something (its
 *   verified arrival where the destination API confirms it), and otherwise at most once per sync
 *   interval — its listing costs the backup host, and nothing there changes between syncs — and never
 *   while a migration to it is in flight.
 *
 * @since 0.2.0
 */
import {
  BaseTag,
  type DatasetObservation,
  type DatasetPolicy,
  Explain,
  type HoldsObservation,
  type Plan,
  type Policy,
  type SnapshotType,
  type TargetPlan,
  TargetRetention,
} from '@zfs-autobackup/core'
import type { ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Arrivals } from './Arrivals.js'
import type { Capabilities } from './Capabilities.js'
import type { Settings } from './Cycle.js'
import type { DestinationApis } from './DestinationApis.js'
import * as Refusals from './Refusals.js'
import * as Rpc from './RpcText.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One destination to prune, with what the source knows about it now. */
export interface Job {
  /** The local dataset (log field). */
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly retention: SnapshotType.Retention
  /** The source's snapshot names (the destination's newest common one is kept). */
  readonly source: ReadonlyArray<string>
  /** Names the source holds as this destination's base. */
  readonly bases: ReadonlyArray<string>
  readonly inFlight: ReadonlyArray<TargetRetention.TargetInFlight>
}

export type Outcome =
  /** The destination could not be listed: nothing planned, nothing destroyed. */
  | { readonly _tag: 'Unreadable'; readonly why: string }
  | {
      readonly _tag: 'Pruned'
      readonly plan: TargetPlan
      readonly destroyed: number
      /** zfs said no: nothing happened. */
      readonly refused: number
      /** No reply: it may still run on the backup host; the run stopped there. */
      readonly unanswered: number
    }

/** What a destination's own API shows of it. */
export interface TargetView {
  readonly snapshots: ReadonlyArray<string>
  readonly holds: HoldsObservation
}

// -------------------------------------------------------------------------------------
// reading and planning
// -------------------------------------------------------------------------------------

const input = (
  job: Job,
  now: number,
  policy: Pick<Policy, 'backupIntervalSeconds'>,
  view: TargetView,
): TargetRetention.TargetInput => ({
  now,
  policy,
  remoteHost: job.remoteHost,
  remoteDataset: job.remoteDataset,
  retention: job.retention,
  snapshots: view.snapshots,
  holds: view.holds,
  source: job.source,
  bases: job.bases,
  inFlight: job.inFlight,
})

const holdsOf = async (
  api: ZfsApi,
  dataset: string,
  names: ReadonlyArray<string>,
): Promise<HoldsObservation> => {
  if (names.length === 0) return { _tag: 'Known', bySnapshot: new Map() }
  const r = await api.holdsList(dataset, names)()
  return E.isLeft(r)
    ? { _tag: 'Unknown', why: `holds on the backup host could not be read: ${Rpc.describe(r.left)}` }
    : { _tag: 'Known', bySnapshot: r.right }
}

/**
 * The plan for `job` as the destination's API shows it now. `holds: 'all'` reads every snapshot's holds
 * (the `plan` command, so that every kept snapshot shows its hold); `'candidates'` only those retention
 * would destroy (the daemon: the same destroys, see the header).
 */
export const planFor = async (
  api: ZfsApi,
  job: Job,
  now: number,
  policy: Pick<Policy, 'backupIntervalSeconds'>,
  holds: 'all' | 'candidates',
): Promise<E.Either<string, { readonly snapshots: ReadonlyArray<string>; readonly plan: TargetPlan }>> => {
  const listed = await api.snapshotList(job.remoteDataset)()
  if (E.isLeft(listed)) return E.left(`cannot list the backup host: ${Rpc.describe(listed.left)}`)
  const snapshots = listed.right
  const names =
    holds === 'all'
      ? snapshots
      : TargetRetention.plan(
          input(job, now, policy, { snapshots, holds: { _tag: 'Known', bySnapshot: new Map() } }),
        ).destroy.map((d) => d.snapshot)
  const observed = await holdsOf(api, job.remoteDataset, names)
  return E.right({
    snapshots,
    plan: TargetRetention.plan(input(job, now, policy, { snapshots, holds: observed })),
  })
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (
  caps: Pick<Capabilities, 'log' | 'metrics' | 'clock'>,
  refusals: Refusals.Refusals = Refusals.make(),
) => {
  const prune = async (
    api: ZfsApi,
    job: Job,
    policy: Pick<Policy, 'backupIntervalSeconds'>,
  ): Promise<Outcome> => {
    const target = `${job.remoteHost}:${job.remoteDataset}`
    const fields = { dataset: job.dataset, destination: target }
    const planned = await planFor(api, job, caps.clock.now(), policy, 'candidates')
    if (E.isLeft(planned)) {
      caps.metrics.countError('target_list')
      caps.log.warn(`${planned.left}; nothing pruned there`, fields)
      return { _tag: 'Unreadable', why: planned.left }
    }
    const { plan } = planned.right
    refusals.retain(target, plan.keep.map((k) => k.snapshot).concat(plan.destroy.map((d) => d.snapshot)))
    for (const k of plan.keep)
      caps.log.debug(`kept ${target}@${k.snapshot}: ${Explain.decisionReason(k)}`, fields)
    let destroyed = 0
    let refused = 0
    let unanswered = 0
    for (const d of plan.destroy) {
      const r = await api.snapshotDestroy(d.remoteDataset, d.snapshot)()
      if (E.isRight(r) || Rpc.isAlreadyGone(r.left)) {
        destroyed += 1
        caps.metrics.countAction('target_destroy', 'ok')
        if (refusals.cleared(target, d.snapshot) !== undefined)
          caps.log.info(`${target}@${d.snapshot} is no longer refused`, fields)
        caps.log.info(Explain.targetDestroy(d), fields)
        continue
      }
      caps.metrics.countAction('target_destroy', 'failed')
      if (Refusals.isDefinite(r.left)) {
        refused += 1
        caps.metrics.countError('target_destroy_refused')
        const why = Refusals.reasonOf(r.left)
        if (refusals.refused(target, d.snapshot, why, caps.clock.now()))
          caps.log.warn(
            `${target}@${d.snapshot} cannot be destroyed: ${why}; kept, and tried again at each pruning without another line until it works`,
            fields,
          )
        continue
      }
      unanswered += 1
      caps.metrics.countError(Rpc.kind(r.left))
      caps.log.warn(
        `destroy ${target}@${d.snapshot} got no answer (${Rpc.describe(r.left)}): it may still run on the backup host; pruning stops here until the next run lists it again`,
        fields,
      )
      break
    }
    return { _tag: 'Pruned', plan, destroyed, refused, unanswered }
  }
  const schedule = makeSchedule()

  /**
   * After a dataset's plan ran: prunes each of its enabled destinations that has a destination API and
   * `target_retention` and is due (`Schedule`). Skipped when the source's holds are unknown (its bases
   * are then unknown) and while a migration to that destination is in flight or just started (it is
   * pruned once the receive ended, so what arrived is pruned in the same interval).
   */
  const afterPlan = async (ctx: {
    readonly settings: Settings
    readonly dataset: DatasetPolicy
    readonly observed: DatasetObservation
    readonly plan: Plan
    readonly apis: DestinationApis | undefined
    readonly arrivals: Arrivals | undefined
    readonly stopRequested: () => boolean
  }): Promise<void> => {
    const { settings, dataset, observed, plan } = ctx
    const holds = observed.holds
    if (holds._tag !== 'Known') return
    for (const d of dataset.destinations) {
      if (!d.enabled || ctx.stopRequested()) continue
      const retention = settings.targets?.find(same(d))?.retention
      const api = ctx.apis?.forDestination(d)
      if (retention === undefined || api === undefined) continue
      // A receive is running (or about to): prune once it ended, when what it brought can be counted too.
      if (observed.inFlight.some(same(d))) continue
      if (plan.actions.some((a) => a._tag === 'StartSync' && same(d)(a))) continue
      const key = { dataset: dataset.dataset, ...d }
      const check = ctx.arrivals?.check(key)
      const now = caps.clock.now()
      const intervalMs = settings.policy.remoteSync.intervalSeconds * 1000
      const sentAt = check?._tag === 'Verified' || check?._tag === 'SentUnverified' ? check.at : undefined
      if (!schedule.due(key, now, intervalMs, sentAt)) continue
      schedule.ran(key, now)
      await prune(api, jobOf(dataset.dataset, d, retention, observed, plan, holds), settings.policy)
    }
  }

  return { prune, afterPlan, refusals }
}

/**
 * The job for destination `d` of `dataset` from the source's observation and this cycle's plan: its bases
 * are the snapshots carrying its base tag and the one this plan holds as its new base; its in-flight
 * migrations start where the runner recorded them to (`baseAtStart`).
 */
export const jobOf = (
  dataset: string,
  d: { readonly remoteHost: string; readonly remoteDataset: string },
  retention: SnapshotType.Retention,
  observed: DatasetObservation,
  plan: Plan,
  holds: Extract<HoldsObservation, { _tag: 'Known' }>,
): Job => {
  const tag = BaseTag.of(d)
  const bases = observed.snapshots.filter((s) => holds.bySnapshot.get(s)?.includes(tag) === true)
  for (const a of plan.actions) if (a._tag === 'HoldSnapshot' && a.tag === tag) bases.push(a.snapshot)
  return {
    dataset,
    remoteHost: d.remoteHost,
    remoteDataset: d.remoteDataset,
    retention,
    source: observed.snapshots,
    bases,
    inFlight: observed.inFlight.filter(same(d)).map((m) => ({ taskId: m.taskId, from: m.baseAtStart })),
  }
}

const same =
  (a: { readonly remoteHost: string; readonly remoteDataset: string }) =>
  (b: { readonly remoteHost: string; readonly remoteDataset: string }): boolean =>
    a.remoteHost === b.remoteHost && a.remoteDataset === b.remoteDataset

export type TargetPruner = ReturnType<typeof make>

// -------------------------------------------------------------------------------------
// schedule
// -------------------------------------------------------------------------------------

export interface Schedule {
  /** Whether the destination is due: never pruned yet, something arrived since the last run, or an interval passed. */
  readonly due: (key: TargetKey, now: number, intervalMs: number, arrivedAt: number | undefined) => boolean
  readonly ran: (key: TargetKey, now: number) => void
}

export interface TargetKey {
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

export const makeSchedule = (): Schedule => {
  const last = new Map<string, number>()
  const k = (t: TargetKey) => JSON.stringify([t.dataset, t.remoteHost, t.remoteDataset])
  return {
    due: (key, now, intervalMs, arrivedAt) => {
      const at = last.get(k(key))
      return at === undefined || now - at >= intervalMs || (arrivedAt !== undefined && arrivedAt > at)
    },
    ran: (key, now) => void last.set(k(key), now),
  }
}
