/**
 * Which snapshots no plan may destroy, whatever retention says: held ones (any tag, §5: as observed), those
 * an in-flight migration may be sending (§8), and the newest of the dataset (§13).
 *
 * @since 0.1.0
 */
import type { InFlightMigration } from './Observation.js'
import type { HostSyncState } from './SyncHold.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An in-flight migration protects every snapshot from `fromIndex` (its host's base, or 0) to the newest. */
export interface InFlightRange {
  readonly taskId: string
  readonly fromIndex: number
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The protected range of each in-flight migration of the dataset (§8): from the base of the migration's
 * host to the newest; with no base, everything (the API may pick any snapshot as the common one).
 */
export const inFlightRanges = (
  inFlight: ReadonlyArray<InFlightMigration>,
  hosts: ReadonlyMap<string, HostSyncState>,
): ReadonlyArray<InFlightRange> =>
  inFlight.map((m) => ({ taskId: m.taskId, fromIndex: hosts.get(m.remoteHost)?.baseIndex ?? 0 }))

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Lowest index any in-flight range protects (`Infinity` when none). */
export const lowestProtectedIndex = (ranges: ReadonlyArray<InFlightRange>): number =>
  ranges.reduce((lo, r) => Math.min(lo, r.fromIndex), Number.POSITIVE_INFINITY)

/** Task ids whose range covers `index`. */
export const tasksCovering = (ranges: ReadonlyArray<InFlightRange>, index: number): ReadonlyArray<string> =>
  ranges.filter((r) => r.fromIndex <= index).map((r) => r.taskId)
