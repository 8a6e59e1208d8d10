/**
 * Which snapshot type is due now (core-decisions.md §2, §3): the highest calendar boundary in the zone crossed
 * since the newest of our snapshots, among the types whose retention count is > 0; else `frequent` when
 * `backup_interval` elapsed. The name is `<type>_backup_<UTC minute of now>` and is never one that exists.
 *
 * @since 0.1.0
 */
import type { LocalCalendar } from './LocalCalendar.js'
import type { CreateReason, NoSnapshotReason } from './Plan.js'
import type { Policy } from './Policy.js'
import * as Schedule from './Schedule.js'
import * as SnapshotName from './SnapshotName.js'
import type { SnapshotType } from './SnapshotType.js'
import * as ST from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The newest (last in list order) of our snapshots whose type is enabled (count > 0), if any. */
export interface Newest {
  readonly name: string
  readonly at: number
}

export type Due =
  | {
      readonly _tag: 'Due'
      readonly type: SnapshotType
      readonly name: string
      readonly reason: CreateReason
    }
  | { readonly _tag: 'NotDue'; readonly reason: NoSnapshotReason }

// -------------------------------------------------------------------------------------
// decision
// -------------------------------------------------------------------------------------

/** Boundary types from the highest down: the first crossed and enabled wins. */
const boundariesHighFirst = ['yearly', 'monthly', 'weekly', 'daily', 'hourly'] as const

const notDue = (reason: NoSnapshotReason): Due => ({ _tag: 'NotDue', reason })

const typeAndReason = (
  policy: Policy,
  calendar: LocalCalendar,
  newest: Newest | undefined,
): { readonly type: SnapshotType; readonly reason: CreateReason } | NoSnapshotReason => {
  const enabled = ST.all.filter((t) => policy.retention[t] > 0)
  const lowest = enabled[0]
  if (lowest === undefined) return { _tag: 'AllTypesDisabled' }
  if (newest === undefined) return { type: lowest, reason: { _tag: 'FirstSnapshot' } }
  const now = calendar.now
  if (now < newest.at) return { _tag: 'ClockBehind', newest: newest.name }
  for (const type of boundariesHighFirst) {
    if (policy.retention[type] > 0 && newest.at < calendar.startOf[type]) {
      return { type, reason: { _tag: 'BoundaryCrossed', type, since: newest.name } }
    }
  }
  const elapsedSeconds = Math.floor((now - newest.at) / 1000)
  // Names have minute resolution: a second snapshot in the newest one's minute (interval < 60 s) would make
  // re-planning the same instant create again, so the minute must also have advanced.
  const minuteAdvanced = Math.floor(now / 60_000) * 60_000 > newest.at
  if (
    policy.retention.frequent > 0 &&
    minuteAdvanced &&
    now - newest.at >= policy.backupIntervalSeconds * 1000
  ) {
    return { type: 'frequent', reason: { _tag: 'IntervalElapsed', since: newest.name, elapsedSeconds } }
  }
  return { _tag: 'NotDue', since: newest.name, elapsedSeconds }
}

/**
 * The snapshot to create now, or why none. `exists` answers whether a name is already taken on the dataset
 * (ours or foreign), so two runs in one minute or a clock stepped back never plan a duplicate.
 */
export const due = (
  policy: Policy,
  calendar: LocalCalendar,
  newest: Newest | undefined,
  exists: (name: string) => boolean,
): Due => {
  if (!Schedule.isOpen(policy.snapshotWindow, calendar)) {
    return notDue({ _tag: 'OutsideWindow', localTime: calendar.localTime })
  }
  const decided = typeAndReason(policy, calendar, newest)
  if ('_tag' in decided) return notDue(decided)
  const name = SnapshotName.format(decided.type, calendar.now)
  if (exists(name)) return notDue({ _tag: 'NameExists', name })
  return { _tag: 'Due', type: decided.type, name, reason: decided.reason }
}
