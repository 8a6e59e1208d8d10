/**
 * What the runner observed about one dataset through the API, just before planning.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A migration of this dataset that is `pending` or `running` (status as the API reports it). */
export interface InFlightMigration {
  readonly taskId: string
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly status: 'pending' | 'running'
  /**
   * The host's base (§7) when this runner started the migration: `null` when the host had none,
   * absent when the runner did not start it (adopted after a restart, or a create whose reply was lost).
   * It is where the migration's `-I` range may begin even after the base moved on (§8 as amended).
   */
  readonly baseAtStart?: string | null
}

/** Consecutive failed syncs of one destination, newest failure at `lastFailureAt` (epoch ms). */
export interface SyncFailures {
  readonly remoteHost: string
  readonly remoteDataset: string
  /** k > 0 consecutive failures (core-decisions.md §10). */
  readonly consecutive: number
  readonly lastFailureAt: number
}

/**
 * Hold tags per snapshot short name. `Unknown` means the listing failed or is incomplete: the core then
 * destroys nothing and releases nothing for this dataset (never act on partial information).
 */
export type HoldsObservation =
  | { readonly _tag: 'Known'; readonly bySnapshot: ReadonlyMap<string, ReadonlyArray<string>> }
  | { readonly _tag: 'Unknown'; readonly why: string }

/**
 * What the runner learned about one destination after a migration ended (core-decisions.md §15). The core moves
 * that destination's base hold only on this evidence, only forward, and never because a new `sync_*` hold
 * appeared by itself (the API places one even when the receive failed).
 * - `Sent`: no destination API: the migration ended `completed` and the API's new sync hold of the host
 *   sits on `snapshot`, so that is what was sent; whether it arrived is unknown. The base hold then stays
 *   on the snapshots sent lately (the last two, and those named within `Replication.unverifiedKeepMs`), so
 *   receives failing for less than that heal at the next sync.
 * - `Arrived`: the destination API listed `snapshot` as the destination's newest common snapshot and its
 *   `guid` is equal on both ends. The base hold moves to it alone.
 */
export type ArrivalEvidence =
  | {
      readonly _tag: 'Sent'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly snapshot: string
    }
  | {
      readonly _tag: 'Arrived'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly snapshot: string
      readonly guid: string
    }

export interface DatasetObservation {
  /** Snapshot short names exactly as `snapshot_list` returned them: creation order, oldest first. */
  readonly snapshots: ReadonlyArray<string>
  /** Snapshots absent from the map have no holds. */
  readonly holds: HoldsObservation
  readonly inFlight: ReadonlyArray<InFlightMigration>
  readonly failures: ReadonlyArray<SyncFailures>
  /** At most one per destination, the newest the runner has not yet seen applied (absent: none). */
  readonly evidence?: ReadonlyArray<ArrivalEvidence>
}
