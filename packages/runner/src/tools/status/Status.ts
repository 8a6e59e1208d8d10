/**
 * The health of one dataset as an operator asks about it: newest snapshot and count per type against
 * retention, and per destination the last sync (verified through the destination's own API where it has
 * one, else the base the core reads from the holds), its lag against the threshold, the migrations in
 * flight with their progress, and back-off. Pure: computed from a fresh observation (and arrival checks).
 *
 * @since 0.1.0
 */
import {
  type DatasetPolicy,
  type Policy,
  replicationOf,
  SnapshotName,
  SnapshotType,
  SyncDecision,
  type SyncFailures,
} from '@zfs-autobackup/core'
import type { MigrationProgress, MigrationTask } from '@zfs-autobackup/zfs-rpc'
import type * as ArrivalCheck from '../../daemon/ArrivalCheck.js'
import * as MigrationMonitor from '../../daemon/MigrationMonitor.js'
import { type DatasetState, destinationOf } from '../../daemon/StateReader.js'
import * as Freshness from '../../health/Freshness.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface TypeStatus {
  readonly type: SnapshotType.SnapshotType
  readonly count: number
  readonly retention: number
  readonly newest: { readonly name: string; readonly at: number } | undefined
}

export type Health =
  /** Synced within the threshold (or a first sync is running). */
  | 'ok'
  /** The last sync is older than the threshold. */
  | 'lagging'
  /** No sync hold of this host and no migration running. */
  | 'never-synced'
  /** Not checked: the destination or remote sync is disabled. */
  | 'disabled'
  /** The holds could not be read: the last sync is unknown. */
  | 'unknown'
  /** The destination's own API shows no incremental can run there (no common snapshot, or diverged). */
  | 'frozen'

export interface DestinationStatus {
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly health: Health
  /**
   * The destination's last sync: with a destination API that verified it, the snapshot it has (same guid on
   * both ends); otherwise as the core reads it: its base snapshot (or the host's sync hold).
   */
  readonly lastSync: { readonly snapshot: string; readonly label: string; readonly at: number } | undefined
  /** Whether `lastSync` (and so the lag) was verified on the destination through its own API. */
  readonly lagVerified: boolean
  /** The destination's base: held by its own base hold, or (before the first base hold) the sync hold's. */
  readonly base: { readonly snapshot: string; readonly from: 'BaseHold' | 'SyncHold' } | undefined
  readonly lagSeconds: number | undefined
  readonly intervalSeconds: number
  readonly thresholdSeconds: number
  /**
   * What is known about arrival (core-decisions.md §15): `unverified` without the backup host's API;
   * otherwise the verdict of listing the destination (`verified`, `diverged`, `frozen`: no common
   * snapshot) or `unknown` when that listing failed.
   */
  readonly arrival: Arrival
  readonly inFlight: ReadonlyArray<{
    readonly taskId: string
    readonly status: string
    readonly progress: MigrationProgress | null
    /** Running without progress since this time (API clock), past the daemon's stale bound. */
    readonly staleSince: number | undefined
  }>
  readonly backOff:
    | { readonly failures: number; readonly lastFailureAt: number; readonly until: number }
    | undefined
}

export type Arrival =
  | { readonly _tag: 'Unverified' }
  /** `at`: the time in the verified snapshot's name (undefined when it is not one of ours). */
  | { readonly _tag: 'Verified'; readonly snapshot: string; readonly at: number | undefined }
  | { readonly _tag: 'Diverged'; readonly snapshot: string }
  | { readonly _tag: 'Frozen' }
  /** The destination's API lists no snapshot there: nothing has arrived yet. */
  | { readonly _tag: 'Empty' }
  | { readonly _tag: 'Unknown'; readonly why: string }

export interface DatasetStatus {
  readonly dataset: string
  readonly snapshots: number
  readonly foreign: number
  readonly types: ReadonlyArray<TypeStatus>
  readonly destinations: ReadonlyArray<DestinationStatus>
  /** Why the holds are unknown, if they are. */
  readonly holdsUnknown: string | undefined
  /**
   * What the daemon would report as degraded about this dataset (`health/Freshness.ts`): stale snapshots
   * and clock faults (a lagging destination is its `health`).
   */
  readonly troubles: ReadonlyArray<{ readonly kind: string; readonly why: string }>
}

export interface StatusInput {
  readonly now: number
  readonly zone: string
  readonly policy: Policy
  readonly dataset: DatasetPolicy
  readonly state: DatasetState
  /** Every task the API lists. */
  readonly tasks: ReadonlyArray<MigrationTask>
  /** Lag threshold in seconds; `auto` = 2 × remote_sync.interval. */
  readonly maxLag: number | 'auto'
  /** What the backup host's API said about each destination (`arrivalOf`); absent: it has none (unverified). */
  readonly arrival?: (d: {
    readonly remoteHost: string
    readonly remoteDataset: string
  }) => Arrival | undefined
}

// -------------------------------------------------------------------------------------
// computation
// -------------------------------------------------------------------------------------

const types = (snapshots: ReadonlyArray<string>, policy: Policy): ReadonlyArray<TypeStatus> =>
  SnapshotType.all.map((type) => {
    let count = 0
    let newest: TypeStatus['newest']
    for (const name of snapshots) {
      const p = SnapshotName.parseOrUndefined(name)
      if (p === undefined || p.type !== type) continue
      count++
      newest = { name, at: p.at }
    }
    return { type, count, retention: policy.retention[type], newest }
  })

/**
 * A running task whose last pv tick (or start, before the first) is older than the daemon's stale bound:
 * pv reports every 10 s while it sends; an API restart leaves a task `running` with no progress for 7 days.
 */
const staleSince = (t: MigrationTask, now: number): number | undefined => {
  if (t.status !== 'running') return undefined
  const last = Date.parse(t.progress?.timestamp ?? t.startedAt ?? '')
  return Number.isFinite(last) && now - last >= MigrationMonitor.defaults.staleAfterMs ? last : undefined
}

export const datasetStatus = (i: StatusInput): DatasetStatus => {
  const { observed } = i.state
  const holds = observed.holds._tag === 'Known' ? observed.holds.bySnapshot : undefined
  const replication = replicationOf({
    now: i.now,
    zone: i.zone,
    policy: i.policy,
    dataset: i.dataset,
    observed,
  })
  const intervalSeconds = i.policy.remoteSync.intervalSeconds
  const thresholdSeconds = i.maxLag === 'auto' ? 2 * intervalSeconds : i.maxLag
  const destinations = i.dataset.destinations.map((d): DestinationStatus => {
    const mine = i.tasks.filter((t) => {
      const to = destinationOf(t)
      const source = t.params.source.split('@')[0]
      return (
        source === i.dataset.dataset && to.remoteHost === d.remoteHost && to.remoteDataset === d.remoteDataset
      )
    })
    const inFlight = mine
      .filter((t) => t.status === 'pending' || t.status === 'running')
      .map((t) => ({
        taskId: t.id,
        status: t.status,
        progress: t.progress,
        staleSince: staleSince(t, i.now),
      }))
    const f: SyncFailures | undefined = observed.failures.find(
      (x) => x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset,
    )
    const backOff =
      f === undefined
        ? undefined
        : {
            failures: f.consecutive,
            lastFailureAt: f.lastFailureAt,
            until: f.lastFailureAt + SyncDecision.backOffMs(i.policy.backupIntervalSeconds, f.consecutive),
          }
    const r = replication?.find((x) => x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset)
    const arrival = i.arrival?.(d) ?? { _tag: 'Unverified' }
    const verifiedAt = arrival._tag === 'Verified' ? arrival.at : undefined
    // A verified name from the future is no last sync (§3 as amended), as in the core.
    const verified =
      arrival._tag === 'Verified' &&
      verifiedAt !== undefined &&
      verifiedAt <= i.now + i.policy.backupIntervalSeconds * 1000
        ? { snapshot: arrival.snapshot, label: arrival.snapshot, at: verifiedAt }
        : undefined
    const lastSync =
      verified ??
      (r?.lastSync === undefined || r.base === undefined
        ? undefined
        : { snapshot: r.base.snapshot, label: r.lastSync.label, at: r.lastSync.at })
    const base = r?.base === undefined ? undefined : { snapshot: r.base.snapshot, from: r.base.from }
    const lagSeconds =
      // Never clamped: a base named after `now` (within backup_interval) shows as a negative lag.
      lastSync === undefined ? undefined : Math.floor((i.now - lastSync.at) / 1000)
    const health: Health =
      !d.enabled || !i.policy.remoteSync.enabled
        ? 'disabled'
        : arrival._tag === 'Frozen' || arrival._tag === 'Diverged'
          ? 'frozen'
          : holds === undefined
            ? 'unknown'
            : lagSeconds === undefined
              ? inFlight.length > 0
                ? 'ok'
                : 'never-synced'
              : lagSeconds > thresholdSeconds
                ? 'lagging'
                : 'ok'
    return {
      remoteHost: d.remoteHost,
      remoteDataset: d.remoteDataset,
      health,
      lastSync,
      base,
      arrival,
      lagVerified: verified !== undefined,
      lagSeconds,
      intervalSeconds,
      thresholdSeconds,
      inFlight,
      backOff,
    }
  })
  const ts = types(observed.snapshots, i.policy)
  const ours = ts.reduce((n, t) => n + t.count, 0)
  return {
    dataset: i.dataset.dataset,
    snapshots: observed.snapshots.length,
    foreign: observed.snapshots.length - ours,
    types: ts,
    destinations,
    holdsUnknown: observed.holds._tag === 'Unknown' ? observed.holds.why : undefined,
    troubles: Freshness.judge({
      now: i.now,
      zone: i.zone,
      policy: i.policy,
      dataset: i.dataset,
      observed,
      replication,
    })
      .filter((j) => j.kind !== 'sync-lag')
      .flatMap((j) => (j.verdict._tag === 'Bad' ? [{ kind: j.kind, why: j.verdict.why }] : [])),
  }
}

/** A destination needs attention (the exit code 1 of `status`). */
export const needsAttention = (d: DestinationStatus): boolean =>
  d.health === 'lagging' ||
  d.health === 'never-synced' ||
  d.health === 'unknown' ||
  d.health === 'frozen' ||
  (d.health !== 'disabled' && d.arrival._tag === 'Unknown') ||
  d.inFlight.some((m) => m.staleSince !== undefined)

/** An arrival check's verdict as `status` shows it. */
export const arrivalOf = (v: ArrivalCheck.Verdict): Arrival => {
  switch (v._tag) {
    case 'Arrived':
      return { _tag: 'Verified', snapshot: v.snapshot, at: SnapshotName.parseOrUndefined(v.snapshot)?.at }
    case 'Diverged':
      return { _tag: 'Diverged', snapshot: v.snapshot }
    case 'NoCommon':
      return { _tag: 'Frozen' }
    case 'Empty':
      return { _tag: 'Empty' }
    case 'Unknown':
      return { _tag: 'Unknown', why: v.why }
  }
}
