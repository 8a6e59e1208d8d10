/**
 * Sync hold tags `sync_YYYY-MM-DD-HH-MM-SS_<host>` that the API's migration places on the snapshot it sent
 * (core-decisions.md §6, §7). The time is the API host's local time (the configured zone); everything after the
 * second `_` is the host, which may itself contain `_`. The older `sync_YYYY-MM-DD-HH-MM_<host>` (no seconds)
 * of the original parsers is accepted too. A tag that does not parse is an ordinary hold.
 *
 * @since 0.1.0
 */
import type { IANAZone } from 'luxon'
import * as CivilTime from './CivilTime.js'
import { type CalendarMemo, instantOfWallTime } from './LocalCalendar.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface SyncTag {
  readonly tag: string
  readonly host: string
  /** The local wall time of the tag read as if it were UTC (civil ms); zone-free, cheap to compare. */
  readonly wall: number
}

/** One sync tag found on a snapshot of the dataset. */
export interface SyncPoint extends SyncTag {
  readonly snapshot: string
  /** Position of the snapshot in list order (0 = oldest). */
  readonly index: number
  /** The tag's instant in the zone (epoch ms). */
  readonly at: number
}

/** What the sync tags of one host say (§7, §11). */
export interface HostSyncState {
  readonly host: string
  /**
   * The tag hold hygiene keeps: the newest timestamp, ties → later list position, then larger tag text
   * (§11), where a tag from the future ranks below every tag that is not (§7 as amended).
   */
  readonly newest: SyncPoint
  /** The last sync (§7 as amended): `newest` unless it is from the future, when every tag of the host is. */
  readonly lastSync: SyncPoint | undefined
  /** The last snapshot in list order that carries a tag of this host: the incremental base (§7). */
  readonly baseIndex: number
  readonly points: ReadonlyArray<SyncPoint>
}

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/** The host and local time of a sync tag, or `undefined` when the tag is an ordinary hold. */
export const parseTag = (tag: string): SyncTag | undefined => {
  if (!tag.startsWith('sync_')) return undefined
  const end = tag.indexOf('_', 5)
  if (end < 0 || end === tag.length - 1) return undefined
  const stamp = tag.slice(5, end)
  const withSeconds = stamp.length === 19
  const wall = CivilTime.readStamp(stamp, 0, withSeconds)
  return Number.isNaN(wall) ? undefined : { tag, host: tag.slice(end + 1), wall }
}

/** `sync_YYYY-MM-DD-HH-MM-SS_<host>` for a local wall time given as civil ms (used by tests and fakes). */
export const formatTag = (wall: number, host: string): string => {
  const f = CivilTime.fromEpochMs(wall)
  return `sync_${CivilTime.formatStamp(wall)}-${String(f.second).padStart(2, '0')}_${host}`
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const isNewer = (a: SyncPoint, b: SyncPoint, futureAfter: number): boolean => {
  const aFuture = a.at > futureAfter
  if (aFuture !== b.at > futureAfter) return !aFuture
  return a.at !== b.at ? a.at > b.at : a.index !== b.index ? a.index > b.index : a.tag > b.tag
}

/**
 * Sync state per host from the hold tags of the dataset's snapshots, keyed by list position (holds on names
 * no longer listed are already gone). A tag whose instant is after `futureAfter` (now + backup_interval)
 * is from the future (§7 as amended): never the last sync, and kept by hygiene only when the host has no
 * other. Cost: O(hold tags); with the caller's `memo`, each tag's wall time is converted once across calls.
 */
export const byHost = (
  heldByIndex: ReadonlyMap<number, ReadonlyArray<string>>,
  snapshots: ReadonlyArray<string>,
  zone: IANAZone,
  memo?: CalendarMemo,
  futureAfter: number = Number.POSITIVE_INFINITY,
): ReadonlyMap<string, HostSyncState> => {
  const result = new Map<
    string,
    {
      host: string
      newest: SyncPoint
      lastSync: SyncPoint | undefined
      baseIndex: number
      points: SyncPoint[]
    }
  >()
  for (const [index, tags] of heldByIndex) {
    const snapshot = snapshots[index]!
    for (const tag of tags) {
      const parsed = parseTag(tag)
      if (parsed === undefined) continue
      const point: SyncPoint = { ...parsed, snapshot, index, at: instantOfWallTime(zone, parsed.wall, memo) }
      const state = result.get(parsed.host)
      if (state === undefined) {
        result.set(parsed.host, {
          host: parsed.host,
          newest: point,
          lastSync: undefined,
          baseIndex: index,
          points: [point],
        })
      } else {
        state.points.push(point)
        if (isNewer(point, state.newest, futureAfter)) state.newest = point
        if (index > state.baseIndex) state.baseIndex = index
      }
    }
  }
  for (const state of result.values())
    state.lastSync = state.newest.at > futureAfter ? undefined : state.newest
  return result
}

/**
 * The base of `host` (§7): the last snapshot in list order carrying a sync tag of that host; `null` when
 * none does. The runner records it when it starts a migration (`InFlightMigration.baseAtStart`).
 * Cost: O(snapshots) lookups, from the newest down.
 */
export const baseOf = (
  snapshots: ReadonlyArray<string>,
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  host: string,
): string | null => {
  for (let i = snapshots.length - 1; i >= 0; i--) {
    const tags = bySnapshot.get(snapshots[i]!)
    if (tags?.some((t) => parseTag(t)?.host === host)) return snapshots[i]!
  }
  return null
}
