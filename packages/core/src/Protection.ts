/**
 * Which snapshots no plan may destroy, whatever retention says: held ones (any tag, §5: as observed), those
 * an in-flight migration may be sending (§8 as amended, docs/core-decisions.md), and the newest of the
 * dataset (§13).
 *
 * @since 0.1.0
 */
import type { InFlightMigration } from './Observation.js'
import type { HostSyncState } from './SyncHold.js'

/** The lowest list position carrying a migration's destination's own base hold, if it has one. */
export type OwnBase = (m: InFlightMigration) => number | undefined

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An in-flight migration protects every snapshot from `fromIndex` to the newest. */
export interface InFlightRange {
  readonly taskId: string
  readonly fromIndex: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Hosts that more than one remote dataset of this dataset uses (configured or in flight). The API keeps
 * one sync hold per host, so there the host's base says nothing about one destination's common snapshot.
 * Cost: O(destinations + in-flight).
 */
export const sharedHosts = (
  destinations: ReadonlyArray<{ readonly remoteHost: string; readonly remoteDataset: string }>,
  inFlight: ReadonlyArray<InFlightMigration>,
): ReadonlySet<string> => {
  const first = new Map<string, string>()
  const shared = new Set<string>()
  for (const d of [...destinations, ...inFlight]) {
    const seen = first.get(d.remoteHost)
    if (seen === undefined) first.set(d.remoteHost, d.remoteDataset)
    else if (seen !== d.remoteDataset) shared.add(d.remoteHost)
  }
  return shared
}

/**
 * The protected range of each in-flight migration of the dataset (§8 as amended): it may send `-I` from
 * the base its destination had when it started, which the base may since have left behind, so it protects
 * from the older of that base and the current one to the newest. The current base is the oldest snapshot
 * carrying the destination's own base hold (§15); without one, the host's `sync_*` base, which says
 * nothing about one destination when the host is shared by several remote datasets (`sharedHosts`).
 * Everything is protected when that start is unknown (`baseAtStart` absent: not started by this runner),
 * was no base (`null`), is no longer listed, when there is no current base, or when the host is shared and
 * the destination has no base hold of its own. Cost: O(snapshots + in-flight).
 */
export const inFlightRanges = (
  inFlight: ReadonlyArray<InFlightMigration>,
  hosts: ReadonlyMap<string, HostSyncState>,
  snapshots: ReadonlyArray<string>,
  shared: ReadonlySet<string>,
  ownBase: OwnBase = () => undefined,
): ReadonlyArray<InFlightRange> => {
  let indexOf: Map<string, number> | undefined
  const startIndex = (name: string): number | undefined => {
    if (indexOf === undefined) indexOf = new Map(snapshots.map((s, i) => [s, i]))
    return indexOf.get(name)
  }
  return inFlight.map((m) => {
    const own = ownBase(m)
    const base = own ?? hosts.get(m.remoteHost)?.baseIndex
    const start = typeof m.baseAtStart === 'string' ? startIndex(m.baseAtStart) : undefined
    const fromIndex =
      base === undefined || start === undefined || (own === undefined && shared.has(m.remoteHost))
        ? 0
        : Math.min(base, start)
    return { taskId: m.taskId, fromIndex }
  })
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Lowest index any in-flight range protects (`Infinity` when none). */
export const lowestProtectedIndex = (ranges: ReadonlyArray<InFlightRange>): number =>
  ranges.reduce((lo, r) => Math.min(lo, r.fromIndex), Number.POSITIVE_INFINITY)

/** Task ids whose range covers `index`. */
export const tasksCovering = (ranges: ReadonlyArray<InFlightRange>, index: number): ReadonlyArray<string> =>
  ranges.filter((r) => r.fromIndex <= index).map((r) => r.taskId)
