/**
 * The six snapshot types, from the most to the least frequent.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A snapshot type; also the prefix of the names we create: `<type>_backup_YYYY-MM-DD-HH-MM`. */
export type SnapshotType = 'frequent' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly'

/** All types in ascending order of the calendar boundary they mark (frequent < hourly < … < yearly). */
export const all: ReadonlyArray<SnapshotType> = ['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly']

/** Retention counts: keep the newest `N` snapshots of each type. `0` disables the type (core-decisions.md §2). */
export type Retention = { readonly [K in SnapshotType]: number }

/** Zero of every type: keeps nothing by count (what is protected stays), and each type's count before the first. */
export const noCounts: Retention = { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }
