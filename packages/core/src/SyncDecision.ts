/**
 * Whether to start a sync to one destination now (seed "Remote Replication", core-decisions.md §7, §9, §10, §12,
 * §15). Checks, first failing wins: remote sync enabled, destination enabled, sync window open, a snapshot
 * exists, holds known, no migration of this dataset in flight to the same host (§9 as amended: the API's
 * one sync tag per host makes two concurrent migrations to one host indistinguishable), not in failure
 * back-off, interval elapsed since the destination's last sync (`Replication`), or never synced. A sync
 * tag from the future is not a last sync (§7 as amended).
 *
 * @since 0.1.0
 */
import type { HoldsObservation, InFlightMigration, SyncFailures } from './Observation.js'
import type { Action, Decision } from './Plan.js'
import type { Destination, Policy } from './Policy.js'
import type { DestinationState } from './Replication.js'
import * as Schedule from './Schedule.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type StartSync = Extract<Action, { _tag: 'StartSync' }>
export type NoSync = Extract<Decision, { _tag: 'NoSync' }>

export interface SyncContext {
  readonly dataset: string
  readonly now: number
  readonly policy: Policy
  /** Weekday/hour of now in the zone and its rendering. */
  readonly calendar: { readonly weekdayIndex: number; readonly hour: number; readonly localTime: string }
  /** The newest snapshot after this plan's creation (§12), ours or foreign. */
  readonly source: string | undefined
  readonly holds: HoldsObservation
  /** Replication state per configured destination (`Replication.plan`). */
  readonly replication: ReadonlyArray<DestinationState>
  readonly inFlight: ReadonlyArray<InFlightMigration>
  readonly failures: ReadonlyArray<SyncFailures>
  /** A tree's root: its syncs are recursive migrations (`zfs send -R`). Default: false. */
  readonly recursive?: boolean
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const sixHoursMs = 6 * 3600_000

/** Back-off after k > 0 consecutive failures (§10): min(backup_interval × 2^(k−1), 6 h), in ms. */
export const backOffMs = (backupIntervalSeconds: number, consecutive: number): number =>
  consecutive <= 0
    ? 0
    : Math.min(backupIntervalSeconds * 1000 * 2 ** Math.min(consecutive - 1, 40), sixHoursMs)

const same = (d: Destination) => (x: { readonly remoteHost: string; readonly remoteDataset: string }) =>
  x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset

// -------------------------------------------------------------------------------------
// decision
// -------------------------------------------------------------------------------------

export const decide = (ctx: SyncContext, d: Destination): StartSync | NoSync => {
  const noSync = (reason: NoSync['reason']): NoSync => ({
    _tag: 'NoSync',
    remoteHost: d.remoteHost,
    remoteDataset: d.remoteDataset,
    reason,
  })
  const { policy, now } = ctx
  if (!policy.remoteSync.enabled) return noSync({ _tag: 'RemoteSyncDisabled' })
  if (!d.enabled) return noSync({ _tag: 'DestinationDisabled' })
  if (!Schedule.isOpen(policy.remoteSync.window, ctx.calendar)) {
    return noSync({ _tag: 'OutsideWindow', localTime: ctx.calendar.localTime })
  }
  if (ctx.source === undefined) return noSync({ _tag: 'NoSnapshot' })
  if (ctx.holds._tag === 'Unknown') return noSync({ _tag: 'HoldsUnknown', why: ctx.holds.why })
  const running = ctx.inFlight.find(same(d)) ?? ctx.inFlight.find((m) => m.remoteHost === d.remoteHost)
  if (running !== undefined) return noSync({ _tag: 'InFlight', taskId: running.taskId })
  const failed = ctx.failures.find(same(d))
  if (failed !== undefined && failed.consecutive > 0) {
    const until = failed.lastFailureAt + backOffMs(policy.backupIntervalSeconds, failed.consecutive)
    if (now < until) return noSync({ _tag: 'BackingOff', failures: failed.consecutive, until })
  }
  // A tag from the future is no last sync (§7 as amended): `Replication` leaves it out.
  const last = ctx.replication.find(same(d))?.lastSync
  const start = (reason: StartSync['reason']): StartSync => ({
    _tag: 'StartSync',
    dataset: ctx.dataset,
    snapshot: ctx.source!,
    remoteHost: d.remoteHost,
    remoteDataset: d.remoteDataset,
    reason,
    ...(ctx.recursive === true ? { recursive: true } : {}),
  })
  if (last === undefined) return start({ _tag: 'NeverSynced' })
  const dueAt = last.at + policy.remoteSync.intervalSeconds * 1000
  if (now < dueAt) return noSync({ _tag: 'NotDue', lastSync: last.label, dueAt })
  return start({
    _tag: 'IntervalElapsed',
    lastSync: last.label,
    elapsedSeconds: Math.floor((now - last.at) / 1000),
  })
}
