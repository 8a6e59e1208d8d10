/**
 * One human line per action and decision, for logs, `plan` and `status`. Every reason variant has a
 * rendering (the `switch`es are exhaustive, so a new variant fails the build until it is explained).
 *
 * @since 0.1.0
 */
import * as CivilTime from './CivilTime.js'
import type {
  Action,
  CreateReason,
  Decision,
  DestroyReason,
  FutureReason,
  HoldReason,
  KeepReason,
  NoSnapshotReason,
  NoSyncReason,
  Plan,
  ReleaseReason,
  StaleEvidenceReason,
  TargetDestroy,
  TargetPlan,
} from './Plan.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Epoch ms as a UTC ISO minute, e.g. `2026-11-27T10:00Z`. */
const iso = (ms: number): string => {
  const stamp = CivilTime.formatStamp(ms) // YYYY-MM-DD-HH-MM
  return `${stamp.slice(0, 10)}T${stamp.slice(11, 13)}:${stamp.slice(14, 16)}Z`
}

const duration = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172_800)
    return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`
  return `${Math.floor(s / 86400)}d`
}

// -------------------------------------------------------------------------------------
// reasons
// -------------------------------------------------------------------------------------

export const createReason = (r: CreateReason): string => {
  switch (r._tag) {
    case 'FirstSnapshot':
      return 'none of ours exists yet'
    case 'BoundaryCrossed':
      return `${r.type} boundary crossed since ${r.since}`
    case 'IntervalElapsed':
      return `${duration(r.elapsedSeconds)} since ${r.since}`
  }
}

export const noSnapshotReason = (r: NoSnapshotReason): string => {
  switch (r._tag) {
    case 'OutsideWindow':
      return `outside snapshot window (${r.localTime})`
    case 'AllTypesDisabled':
      return 'every retention count is 0'
    case 'NotDue':
      return `not due: ${duration(r.elapsedSeconds)} since ${r.since}`
    case 'ClockBehind':
      return `clock is behind the newest snapshot ${r.newest}`
    case 'NameExists':
      return `${r.name} already exists`
    case 'InvalidZone':
      return `invalid time zone ${JSON.stringify(r.zone)}: nothing planned`
  }
}

export const keepReason = (r: KeepReason): string => {
  switch (r._tag) {
    case 'NotOurs':
      return 'not ours'
    case 'AmongNewest':
      return `among newest ${r.count} ${r.type} (rank ${r.rank})`
    case 'Held':
      return `held by ${r.tags.join(', ')}`
    case 'InFlight':
      return `a migration in flight may send it (${r.taskIds.join(', ')})`
    case 'NewestOfDataset':
      return 'newest snapshot of the dataset'
    case 'HoldsUnknown':
      return `holds unknown (${r.why}), destroying nothing`
    case 'ReplicationBase':
      return `replication base of ${r.remoteHost}:${r.remoteDataset}`
    case 'NewestCommon':
      return 'newest snapshot in common with the source (the next incremental starts there)'
    case 'FromTheFuture':
      return `named ${duration(r.aheadSeconds)} after now (a clock fault or a hand-made name)`
  }
}

export const holdReason = (r: HoldReason): string => {
  switch (r._tag) {
    case 'SeedFromSyncHold':
      return `no base yet: starts where the host's sync hold ${r.syncTag} is`
    case 'Sent':
      return 'sent there (arrival not verified: the previous base stays held too)'
    case 'Arrived':
      return `arrived there, guid ${r.guid} on both ends`
  }
}

export const releaseReason = (r: ReleaseReason): string => {
  switch (r._tag) {
    case 'SupersededSyncHold':
      return `superseded by ${r.newer} on ${r.newerOn}`
    case 'BaseMoved':
      return `base of ${r.remoteHost}:${r.remoteDataset} moved on to ${r.to}`
  }
}

export const staleEvidenceReason = (r: StaleEvidenceReason): string => {
  switch (r._tag) {
    case 'NotListed':
      return 'that snapshot is no longer listed'
    case 'BehindBase':
      return `it lies before the base ${r.base} (a base only moves forward)`
  }
}

export const noSyncReason = (r: NoSyncReason): string => {
  switch (r._tag) {
    case 'RemoteSyncDisabled':
      return 'remote sync disabled'
    case 'DestinationDisabled':
      return 'destination disabled'
    case 'OutsideWindow':
      return `outside window (${r.localTime})`
    case 'NotDue':
      return `not due until ${iso(r.dueAt)} (last ${r.lastSync})`
    case 'InFlight':
      return `migration ${r.taskId} in flight`
    case 'NoSnapshot':
      return 'no snapshot to send'
    case 'BackingOff':
      return `backing off after ${r.failures} failure${r.failures === 1 ? '' : 's'} until ${iso(r.until)}`
    case 'HoldsUnknown':
      return `holds unknown (${r.why})`
  }
}

export const futureReason = (r: FutureReason): string => {
  switch (r._tag) {
    case 'FutureSnapshot':
      return `${r.snapshot} is named ${duration(r.aheadSeconds)} after now (a clock fault or a hand-made name): ignored for what is due, still counted by retention`
    case 'FutureSyncTag':
      return `sync tag ${r.tag} on ${r.snapshot} is ${duration(r.aheadSeconds)} after now (a clock fault): not counted as the last sync`
  }
}

// -------------------------------------------------------------------------------------
// lines
// -------------------------------------------------------------------------------------

/** Why a snapshot is destroyed, on the source or on a backup host. */
export const destroyReason = (r: DestroyReason): string =>
  `beyond newest ${r.count} ${r.type} (rank ${r.rank})`

/** Why an action was chosen, without the action itself (the tail of a log line, a report column). */
export const actionReason = (a: Action): string => {
  switch (a._tag) {
    case 'CreateSnapshot':
      return createReason(a.reason)
    case 'DestroySnapshot':
      return destroyReason(a.reason)
    case 'HoldSnapshot':
      return holdReason(a.reason)
    case 'ReleaseHold':
      return releaseReason(a.reason)
    case 'StartSync':
      return a.reason._tag === 'NeverSynced'
        ? 'never synced'
        : `${duration(a.reason.elapsedSeconds)} since ${a.reason.lastSync}`
  }
}

/** Why nothing was done (or a snapshot kept), without naming the decision. */
export const decisionReason = (d: Decision): string => {
  switch (d._tag) {
    case 'NoSnapshot':
      return noSnapshotReason(d.reason)
    case 'Keep':
      return d.reasons.map(keepReason).join('; ')
    case 'NoSync':
      return noSyncReason(d.reason)
    case 'StaleEvidence':
      return staleEvidenceReason(d.reason)
    case 'FromTheFuture':
      return futureReason(d.reason)
  }
}

/** A tree root's hold, release or sync covers every descendant (`-r`, `-R`). */
const tree = (recursive: boolean | undefined): string => (recursive === true ? ' (recursive)' : '')

export const action = (a: Action): string => {
  switch (a._tag) {
    case 'CreateSnapshot':
      return `create ${a.dataset}@${a.snapshot}${a.recursive ? ' (recursive)' : ''}: ${actionReason(a)}`
    case 'DestroySnapshot':
      return `destroy ${a.snapshot}: ${actionReason(a)}`
    case 'HoldSnapshot':
      return `hold ${a.snapshot}${tree(a.recursive)} as base of ${a.remoteHost}:${a.remoteDataset} (${a.tag}): ${actionReason(a)}`
    case 'ReleaseHold':
      return `release ${a.tag} on ${a.snapshot}${tree(a.recursive)}: ${actionReason(a)}`
    case 'StartSync':
      return `sync ${a.dataset}@${a.snapshot}${tree(a.recursive)} to ${a.remoteHost}:${a.remoteDataset}: ${actionReason(a)}`
  }
}

export const decision = (d: Decision): string => {
  switch (d._tag) {
    case 'NoSnapshot':
      return `no snapshot: ${decisionReason(d)}`
    case 'Keep':
      return `kept ${d.snapshot}: ${decisionReason(d)}`
    case 'NoSync':
      return `sync to ${d.remoteHost}:${d.remoteDataset} skipped: ${decisionReason(d)}`
    case 'StaleEvidence':
      return `base of ${d.remoteHost}:${d.remoteDataset} not moved to ${d.snapshot}: ${decisionReason(d)}`
    case 'FromTheFuture':
      return `from the future: ${decisionReason(d)}`
  }
}

/** The whole plan, actions first, one line each. */
export const plan = (p: Plan): ReadonlyArray<string> => [
  ...p.actions.map(action),
  ...p.decisions.map(decision),
]

/** A destroy on a backup host, naming it: `destroy host:pool/ds@snap: beyond newest …`. */
export const targetDestroy = (d: TargetDestroy): string =>
  `destroy ${d.remoteHost}:${d.remoteDataset}@${d.snapshot}: ${destroyReason(d.reason)}`

/** Retention on a backup host, destroys first, one line each (keeps name the host too). */
export const targetPlan = (p: TargetPlan): ReadonlyArray<string> => [
  ...p.destroy.map(targetDestroy),
  ...p.keep.map((k) => `kept ${p.remoteHost}:${p.remoteDataset}@${k.snapshot}: ${decisionReason(k)}`),
]
