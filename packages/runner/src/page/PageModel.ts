/**
 * The status page's data, from the daemon's facts: pure, so every state and every sentence is
 * table-tested. The same value is served as `GET /status.json` (schema in docs/status-page.md) and
 * rendered as HTML by `PageHtml.ts`; texts are ready to show, so the page's script only copies them.
 *
 * A destination's state, first match wins:
 * `disabled` → `frozen` → `behind` (never synced, or the last sync older than 2 × remote_sync.interval) →
 * `back-off` → `unverified` (holds unreadable, or arrival not proven) → `window-closed` → `current`.
 * `behind` comes before `back-off` and `window-closed`: the operator asks whether the backup is there; the
 * reason then says why it is not (failures, closed window).
 *
 * @since 0.1.0
 */
import { type NoSyncReason, SnapshotName, SnapshotType } from '@zfs-autobackup/core'
import { DateTime } from 'luxon'
import * as Progress from '../daemon/ProgressText.js'
import * as PlanReport from '../tools/plan/PlanReport.js'
import type * as Timeline from '../tools/svg/Timeline.js'
import type { DatasetFacts, DestinationFacts, PageFacts } from './Facts.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type DestinationState =
  | 'current'
  | 'behind'
  | 'unverified'
  | 'frozen'
  | 'back-off'
  | 'window-closed'
  | 'disabled'

/** An instant as ISO UTC (for scripts) and as text in the configured zone with its age (for people). */
export interface When {
  readonly at: string
  readonly text: string
}

export interface TroubleView {
  /** What it is about: `daemon`, a dataset, or `dataset → host:remote_dataset`. */
  readonly subject: string
  readonly what: string
  readonly since: When
  /** `health`: makes `/health` unhealthy; `dataset`, `destination`: needs attention on the page. */
  readonly kind: 'health' | 'dataset' | 'destination'
}

export interface TransferView {
  readonly taskId: string
  readonly status: 'pending' | 'running'
  /** 0 … 1, for the progress bar; 0 before the first progress report. */
  readonly fraction: number
  readonly bytes: string
  readonly rate: string
  readonly eta: string
  /** One line: `42.5% at 12.3 MiB/s, ETA 1m 20s, 1.2 GiB of 2.0 GiB sent`. */
  readonly text: string
}

export interface DestinationView {
  readonly name: string
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly state: DestinationState
  /** The reason for the state, in words. */
  readonly reason: string
  /** Time since the base was synced, and whether its arrival is verified. */
  readonly lag: { readonly seconds: number; readonly text: string; readonly verified: boolean } | null
  readonly base: { readonly snapshot: string; readonly synced: When } | null
  readonly transfer: TransferView | null
}

export interface TypeCount {
  readonly type: SnapshotType.SnapshotType
  readonly count: number
  readonly retention: number
}

export interface PlanRow {
  readonly action: string
  readonly what: string
  readonly why: string
}

export interface DatasetView {
  readonly name: string
  readonly error: string | null
  readonly read: When | null
  readonly newest: { readonly snapshot: string; readonly taken: When } | null
  readonly nextDue: { readonly type: SnapshotType.SnapshotType; readonly due: When } | null
  readonly counts: ReadonlyArray<TypeCount>
  readonly foreign: number
  readonly destinations: ReadonlyArray<DestinationView>
  /** When the next cycle is due (its plan assumes nothing changes on the API host meanwhile). */
  readonly nextCycle: When | null
  /** The next cycle's plan, as `plan` prints it, without the keep rows (counted in `kept`). */
  readonly plan: ReadonlyArray<PlanRow>
  readonly kept: number
  /** The snapshots that exist now, for the `simulate --svg` renderer; null before the first read. */
  readonly timeline: Timeline.Timeline | null
}

export interface PageData {
  readonly schema: 1
  /** Changes when datasets or destinations are added or removed (the page reloads). */
  readonly shape: string
  /** Changes when a cycle completed or the troubles changed (the page re-reads its parts). */
  readonly version: string
  readonly generatedAt: string
  readonly zone: string
  /** `/health`'s status word: `ok`, or what it answers when something is wrong. */
  readonly health: string
  readonly lastCycle: When | null
  /** Health troubles first, then what needs attention, oldest first within each. */
  readonly troubles: ReadonlyArray<TroubleView>
  readonly datasets: ReadonlyArray<DatasetView>
}

// -------------------------------------------------------------------------------------
// texts
// -------------------------------------------------------------------------------------

const local = (ms: number, zone: string): string =>
  DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ')

/** `2026-12-02 13:05 UTC (4m 0s ago)` or `(in 4m 0s)`. */
export const when = (ms: number, now: number, zone: string): When => {
  const s = Math.round((now - ms) / 1000)
  const rel = s === 0 ? 'now' : s > 0 ? `${Progress.duration(s)} ago` : `in ${Progress.duration(-s)}`
  return { at: new Date(ms).toISOString(), text: `${local(ms, zone)} (${rel})` }
}

const LEGEND: Partial<Record<Timeline.MarkKind, string>> = {
  snap: 'snapshot',
  held: 'snapshot with a hold',
  hold: 'replication base of the destination',
  sync: 'last sync',
}

// -------------------------------------------------------------------------------------
// destinations
// -------------------------------------------------------------------------------------

const noSyncOf = (d: DatasetFacts, x: DestinationFacts): NoSyncReason | undefined => {
  for (const dec of d.plan?.plan.decisions ?? [])
    if (dec._tag === 'NoSync' && dec.remoteHost === x.remoteHost && dec.remoteDataset === x.remoteDataset)
      return dec.reason
  return undefined
}

const transferView = (x: DestinationFacts): TransferView | null => {
  const t = x.transfer
  if (t === undefined) return null
  const p = t.progress
  if (p === null)
    return {
      taskId: t.taskId,
      status: t.status,
      fraction: 0,
      bytes: '-',
      rate: '-',
      eta: '-',
      text: t.status === 'pending' ? 'waiting to start' : 'started, no progress reported yet',
    }
  const eta = p.bytesTotal === null && p.percentage === 0 ? 'unknown' : Progress.duration(p.etaSeconds)
  return {
    taskId: t.taskId,
    status: t.status,
    fraction: Math.min(1, Math.max(0, p.percentage / 100)),
    bytes: `${Progress.bytes(p.bytesTransferred)}${p.bytesTotal === null ? '' : ` of ${Progress.bytes(p.bytesTotal)}`}`,
    rate: `${p.rateMiBps.toFixed(1)} MiB/s`,
    eta,
    text: Progress.render(p),
  }
}

/** Threshold of `behind`: 2 × remote_sync.interval, as `status --max-lag auto`. */
export const behindAfterSeconds = (f: PageFacts): number => 2 * f.policy.remoteSync.intervalSeconds

const destinationView = (f: PageFacts, d: DatasetFacts, x: DestinationFacts): DestinationView => {
  // Never clamped: a base named after `now` (within backup_interval) shows as a negative lag.
  const lagSeconds = x.base === undefined ? undefined : Math.floor((f.now - x.base.at) / 1000)
  const limit = behindAfterSeconds(f)
  const noSync = noSyncOf(d, x)
  const running = x.transfer !== undefined
  const backOff = x.backOff !== undefined && f.now < x.backOff.until ? x.backOff : undefined
  const backOffText =
    backOff === undefined
      ? undefined
      : `the last ${backOff.failures === 1 ? 'sync' : `${backOff.failures} syncs`} failed (last at ${local(backOff.lastFailureAt, f.zone)}); next try after ${local(backOff.until, f.zone)}`
  const windowText =
    noSync?._tag === 'OutsideWindow' ? `outside the sync window (${noSync.localTime})` : undefined
  const holdsUnknown = d.holds?._tag === 'Unknown' ? d.holds.why : undefined
  const why = (...parts: ReadonlyArray<string | undefined>): string =>
    parts.filter((p): p is string => p !== undefined).join('; ')

  const [state, reason]: readonly [DestinationState, string] = !x.enabled
    ? [
        'disabled',
        f.policy.remoteSync.enabled
          ? 'destination disabled in the config'
          : 'remote sync disabled in the config',
      ]
    : x.frozen !== undefined
      ? ['frozen', `${x.frozen.why} (since ${local(x.frozen.since, f.zone)})`]
      : holdsUnknown === undefined && x.base === undefined
        ? [
            'behind',
            why('never synced', running ? 'the first sync is running' : undefined, backOffText, windowText),
          ]
        : lagSeconds !== undefined && lagSeconds > limit
          ? [
              'behind',
              why(
                `last sync ${Progress.duration(lagSeconds)} ago, more than 2 × remote_sync.interval (${Progress.duration(limit)})`,
                running ? 'a sync is running' : undefined,
                backOffText,
                windowText,
              ),
            ]
          : backOffText !== undefined
            ? ['back-off', backOffText]
            : holdsUnknown !== undefined
              ? ['unverified', `holds could not be read (${holdsUnknown}): the last sync is unknown`]
              : windowText !== undefined
                ? ['window-closed', windowText]
                : x.arrival._tag === 'NotVerified'
                  ? ['unverified', x.arrival.why]
                  : [
                      'current',
                      `last sync ${Progress.duration(lagSeconds ?? 0)} ago, within ${Progress.duration(limit)}`,
                    ]
  return {
    name: `${x.remoteHost}:${x.remoteDataset}`,
    remoteHost: x.remoteHost,
    remoteDataset: x.remoteDataset,
    state,
    reason,
    lag:
      lagSeconds === undefined
        ? null
        : {
            seconds: lagSeconds,
            text: `${Progress.duration(lagSeconds)}${x.arrival._tag === 'Verified' ? '' : ' (not verified)'}`,
            verified: x.arrival._tag === 'Verified',
          },
    base: x.base === undefined ? null : { snapshot: x.base.snapshot, synced: when(x.base.at, f.now, f.zone) },
    transfer: transferView(x),
  }
}

// -------------------------------------------------------------------------------------
// datasets
// -------------------------------------------------------------------------------------

const timeline = (f: PageFacts, d: DatasetFacts, dests: ReadonlyArray<DestinationView>) => {
  if (d.readAt === undefined) return null
  const holds = d.holds?._tag === 'Known' ? d.holds.bySnapshot : new Map<string, ReadonlyArray<string>>()
  const parsed = d.snapshots.map((name) => ({ name, p: SnapshotName.parseOrUndefined(name) }))
  const times = parsed.flatMap((s) => (s.p === undefined ? [] : [s.p.at]))
  const from = Math.min(f.now - 3_600_000, ...times)
  const mark = (name: string, at: number): Timeline.Mark => {
    const tags = holds.get(name) ?? []
    return {
      at,
      kind: tags.length > 0 ? 'held' : 'snap',
      label: tags.length > 0 ? `${name} (held: ${tags.join(', ')})` : name,
    }
  }
  const typeRows = SnapshotType.all
    .filter((t) => f.policy.retention[t] > 0 || parsed.some((s) => s.p?.type === t))
    .map(
      (t): Timeline.Row => ({
        label: t,
        note: `${parsed.filter((s) => s.p?.type === t).length} / ${f.policy.retention[t]}`,
        marks: parsed.flatMap((s) => (s.p?.type === t ? [mark(s.name, s.p.at)] : [])),
      }),
    )
  const destRows = d.destinations.map((x, i): Timeline.Row => {
    const baseAt = x.base === undefined ? undefined : SnapshotName.parseOrUndefined(x.base.snapshot)?.at
    return {
      label: `→ ${x.remoteHost}:${x.remoteDataset}`,
      note: dests[i]?.state ?? '',
      marks: [
        ...(x.base === undefined
          ? []
          : [{ at: x.base.at, kind: 'sync' as const, label: `last sync: ${x.base.snapshot}` }]),
        ...(x.base === undefined || baseAt === undefined
          ? []
          : [{ at: baseAt, kind: 'hold' as const, label: `base: ${x.base.snapshot}` }]),
      ],
    }
  })
  return {
    title: `${d.dataset}: the snapshots that exist now`,
    from,
    to: f.now,
    zone: f.zone,
    rows: [...typeRows, ...destRows],
    legend: LEGEND,
  }
}

const planRows = (d: DatasetFacts): { readonly rows: ReadonlyArray<PlanRow>; readonly kept: number } => {
  if (d.plan === undefined) return { rows: [], kept: 0 }
  const all = PlanReport.rows({
    _tag: 'Planned',
    dataset: d.dataset,
    snapshots: d.snapshots,
    plan: d.plan.plan,
  })
  const rows = all
    .filter((r) => r[0] !== 'keep')
    .map(([action = '', what = '', why = '']) => ({ action, what, why }))
  return { rows, kept: all.length - rows.length }
}

const datasetView = (f: PageFacts, d: DatasetFacts): DatasetView => {
  let newest: { readonly name: string; readonly at: number } | undefined
  const counts = new Map<string, number>()
  let ours = 0
  for (const name of d.snapshots) {
    const p = SnapshotName.parseOrUndefined(name)
    if (p === undefined) continue
    ours++
    counts.set(p.type, (counts.get(p.type) ?? 0) + 1)
    if (newest === undefined || p.at >= newest.at) newest = { name, at: p.at }
  }
  const destinations = d.destinations.map((x) => destinationView(f, d, x))
  const { rows, kept } = planRows(d)
  return {
    name: d.dataset,
    error: d.error?.why ?? null,
    read: d.readAt === undefined ? null : when(d.readAt, f.now, f.zone),
    newest: newest === undefined ? null : { snapshot: newest.name, taken: when(newest.at, f.now, f.zone) },
    nextDue:
      d.nextDue === undefined ? null : { type: d.nextDue.type, due: when(d.nextDue.at, f.now, f.zone) },
    counts: SnapshotType.all.map((type) => ({
      type,
      count: counts.get(type) ?? 0,
      retention: f.policy.retention[type],
    })),
    foreign: d.snapshots.length - ours,
    destinations,
    nextCycle: d.plan === undefined ? null : when(d.plan.at, f.now, f.zone),
    plan: rows,
    kept,
    timeline: timeline(f, d, destinations),
  }
}

// -------------------------------------------------------------------------------------
// page
// -------------------------------------------------------------------------------------

/** States that need the operator (listed under the troubles). */
const attention: ReadonlySet<DestinationState> = new Set(['behind', 'frozen', 'back-off'])

export const pageData = (f: PageFacts): PageData => {
  const datasets = f.datasets.map((d) => datasetView(f, d))
  const health = f.troubles
    .map(
      (t): TroubleView => ({
        subject: t.subject ?? 'daemon',
        what: t.subject === undefined ? t.why : `${t.subject}: ${t.why}`,
        since: when(t.since, f.now, f.zone),
        kind: 'health',
      }),
    )
    .sort((a, b) => a.since.at.localeCompare(b.since.at))
  const other: Array<TroubleView & { readonly ms: number }> = []
  f.datasets.forEach((d, i) => {
    const view = datasets[i]!
    if (d.error !== undefined)
      other.push({
        subject: d.dataset,
        what: `${d.dataset}: ${d.error.why}`,
        since: when(d.error.since, f.now, f.zone),
        kind: 'dataset',
        ms: d.error.since,
      })
    d.destinations.forEach((x, j) => {
      const v = view.destinations[j]!
      if (!attention.has(v.state)) return
      const since =
        v.state === 'frozen'
          ? (x.frozen?.since ?? f.now)
          : v.state === 'back-off'
            ? (x.backOff?.lastFailureAt ?? f.now)
            : x.base === undefined
              ? f.startedAt
              : x.base.at + behindAfterSeconds(f) * 1000
      other.push({
        subject: `${d.dataset} → ${v.name}`,
        what: `${d.dataset} → ${v.name} is ${v.state}: ${v.reason}`,
        since: when(since, f.now, f.zone),
        kind: 'destination',
        ms: since,
      })
    })
  })
  other.sort((a, b) => a.ms - b.ms)
  // What /health already names is not said twice.
  const named = new Set(health.map((t) => t.subject))
  const troubles = [...health, ...other.filter((t) => !named.has(t.subject)).map(({ ms: _ms, ...t }) => t)]
  return {
    schema: 1,
    shape: JSON.stringify(datasets.map((x) => [x.name, x.destinations.map((y) => y.name)])),
    version: JSON.stringify([
      f.lastCycleAt ?? null,
      f.health,
      troubles.map((t) => [t.kind, t.subject, t.since.at]),
    ]),
    generatedAt: new Date(f.now).toISOString(),
    zone: f.zone,
    health: f.health,
    lastCycle: f.lastCycleAt === undefined ? null : when(f.lastCycleAt, f.now, f.zone),
    troubles,
    datasets,
  }
}
