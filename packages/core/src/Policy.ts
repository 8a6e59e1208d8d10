/**
 * What the user configured, in the shape the core decides on. The runner decodes YAML into these values
 * (validation, defaults, line numbers); the core trusts them.
 *
 * @since 0.1.0
 */
import type { Retention } from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A weekly schedule: `days` is 7 characters Mon..Sun, `hours` 24 characters 00..23, each `'1'` (open) or
 * `'0'` (closed). Evaluated in the configured zone.
 */
export interface ScheduleWindow {
  readonly days: string
  readonly hours: string
}

export interface RemoteSyncPolicy {
  readonly enabled: boolean
  /** Minimum time between two syncs of one destination, in seconds. */
  readonly intervalSeconds: number
  readonly window: ScheduleWindow
}

/** Server-wide policy (`server.*` in the YAML). */
export interface Policy {
  /** Minimum time between two `frequent` snapshots, in seconds (`server.backup_interval`). */
  readonly backupIntervalSeconds: number
  /** When snapshots may be taken (`server.schedule`). Retention runs regardless. */
  readonly snapshotWindow: ScheduleWindow
  readonly retention: Retention
  readonly remoteSync: RemoteSyncPolicy
}

/** One replication target of a dataset (`datasets[].destinations[]`). */
export interface Destination {
  /** Host as the API's migration gets it; it is also the suffix of the sync hold tags. */
  readonly remoteHost: string
  /** Dataset on the remote host; defaults to the local dataset name at config time. */
  readonly remoteDataset: string
  readonly enabled: boolean
}

/** One configured dataset (`datasets[]`). */
export interface DatasetPolicy {
  /** Full ZFS dataset name, e.g. `tank/data`. */
  readonly dataset: string
  /**
   * A tree: one atomic `zfs snapshot -r` of the dataset, and every descendant pruned on its own listing
   * (`TreeMember`). Replicated as a whole: recursive migrations (`zfs send -R -I`) and base holds placed
   * and released with `-r`; a descendant never destroys a base of the root (`TreeMember.rootBasesOf`).
   */
  readonly recursive: boolean
  /**
   * Descendants of a tree left out of its retention (full names; their own descendants too): `-r` still
   * snapshots them (zfs cannot skip one), so they keep none of the tree's snapshots beyond what is
   * protected. Absent: none. Read by the runner only.
   */
  readonly exclude?: ReadonlyArray<string>
  readonly destinations: ReadonlyArray<Destination>
}
