/**
 * The ZFS API as the product uses it: typed, decoded, batched. `Client.ts` implements it over JSON-RPC;
 * tests may implement it in memory. Every method returns a `TaskEither` and never throws.
 *
 * Wire contract: docs/api-contract.md (the API's real behaviour, quirks included).
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/lib/Either.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import type { Mutate } from './Mutation.js'
import type { RpcError } from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type MigrationStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled'

/** A pv tick. `rateMiBps` is the wire's `rate_mbps` (which really is MiB/s). */
export interface MigrationProgress {
  readonly timestamp: string
  readonly bytesTransferred: number
  readonly bytesTotal: number | null
  readonly percentage: number
  readonly rateMiBps: number
  readonly etaSeconds: number
  readonly elapsedSeconds: number
}

export interface MigrationParams {
  /** `pool/ds@snap` (push) */
  readonly source: string
  readonly destination: string
  readonly remote?: string
  readonly recursive: boolean
  readonly sync: boolean
  readonly limit?: number
  readonly compression?: string
}

export interface MigrationResult {
  readonly returnCode: number
  readonly elapsedSeconds: number
  /** A cancel ends `completed` with `result.cancelled = true` on the real API. */
  readonly cancelled: boolean
}

export interface MigrationTask {
  readonly id: string
  readonly status: MigrationStatus
  readonly createdAt: string | null
  readonly startedAt: string | null
  readonly completedAt: string | null
  readonly error: string | null
  /** Absent in `migration_list` entries; present (maybe null) in `migration_get`. */
  readonly result: MigrationResult | null
  /** Null (or `{}` on the wire) until the first pv tick. */
  readonly progress: MigrationProgress | null
  readonly params: MigrationParams
}

/** The migrations in flight (`pending` and `running`), as `migrationsInFlight` read them. */
export interface InFlightListing {
  readonly tasks: ReadonlyArray<MigrationTask>
  /** Listed tasks that did not decode, with their id and source dataset when those could be read. */
  readonly undecodable: ReadonlyArray<{
    readonly id?: string
    readonly source?: string
    readonly error: RpcError
  }>
  /** The API may have left tasks out (a full page, or its `total` above what it returned). */
  readonly truncated: boolean
}

export interface Health {
  readonly status: string
  readonly pools: number
  readonly timestamp: string
}

/** Counts of HTTP round trips and JSON-RPC calls, per method, since the client was made. */
export interface RpcStats {
  readonly httpRequests: number
  readonly rpcCalls: number
  readonly callsByMethod: Readonly<Record<string, number>>
}

export interface CreateMigration {
  /** `pool/ds@snap` */
  readonly source: string
  readonly destination: string
  readonly remote: string
  readonly recursive?: boolean
  readonly limit?: number
  readonly compression?: string
}

// -------------------------------------------------------------------------------------
// capability
// -------------------------------------------------------------------------------------

export type { Mutate, Mutation, MutationReply } from './Mutation.js'

export interface ZfsApi {
  readonly health: () => TaskEither<RpcError, Health>
  readonly poolList: () => TaskEither<RpcError, ReadonlyArray<string>>
  readonly datasetList: (dataset?: string) => TaskEither<RpcError, ReadonlyArray<string>>
  /**
   * `zfs get <property>` of a dataset or `ds@snap` (comma list allowed): values in zfs's human form; an
   * unknown name gives `{}` (API quirk).
   */
  readonly datasetGetProperties: (
    dataset: string,
    property: string,
  ) => TaskEither<RpcError, Readonly<Record<string, string>>>
  /** Short names, oldest first. Unknown dataset → `[]` (API quirk). */
  readonly snapshotList: (dataset: string) => TaskEither<RpcError, ReadonlyArray<string>>
  /**
   * `snapshot_list` for many datasets in batched HTTP round trips, in input order; one dataset's error does
   * not fail the others.
   */
  readonly snapshotLists: (
    datasets: ReadonlyArray<string>,
  ) => TaskEither<RpcError, ReadonlyArray<Either<RpcError, ReadonlyArray<string>>>>
  readonly snapshotCreate: (dataset: string, name: string, recursive: boolean) => TaskEither<RpcError, void>
  /** Always non-recursive (`recursive` maps to `zfs destroy -R` on the API). */
  readonly snapshotDestroy: (dataset: string, snapshot: string) => TaskEither<RpcError, void>
  /**
   * `recursive` (`zfs hold -r`): the same-named snapshot of every descendant that has one is held too, in
   * one transaction (all or nothing). Absent: false.
   */
  readonly snapshotHold: (
    dataset: string,
    snapshot: string,
    tag: string,
    recursive?: boolean,
  ) => TaskEither<RpcError, void>
  /**
   * `recursive` (`zfs release -r`): released on every descendant that has the snapshot, all or nothing;
   * zfs refuses the whole release when one of them lacks the tag. Absent: false.
   */
  readonly snapshotRelease: (
    dataset: string,
    snapshot: string,
    tag: string,
    recursive?: boolean,
  ) => TaskEither<RpcError, void>
  /**
   * Hold tags of many snapshots of one dataset, batched (one HTTP round trip per batch cap). Any failed
   * item fails the whole call: partial hold knowledge must not be used to destroy.
   */
  readonly holdsList: (
    dataset: string,
    snapshots: ReadonlyArray<string>,
  ) => TaskEither<RpcError, ReadonlyMap<string, ReadonlyArray<string>>>
  /**
   * Hold tags of many snapshots of one dataset, one result per snapshot in input order, batched like
   * `holdsList`. Left as a whole only when a round trip failed (transport, HTTP, batch); an item's JSON-RPC
   * error or undecodable reply is that item's Left. Lets a caller keep what it could read and ask again
   * for the rest, instead of losing a whole dataset's reads to one failed item.
   */
  readonly holdsListEach: (
    dataset: string,
    snapshots: ReadonlyArray<string>,
  ) => TaskEither<RpcError, ReadonlyArray<Either<RpcError, ReadonlyArray<string>>>>
  /** Not retried unless the error proves nothing was created. */
  readonly migrationCreate: (req: CreateMigration) => TaskEither<RpcError, { readonly taskId: string }>
  readonly migrationGet: (taskId: string) => TaskEither<RpcError, MigrationTask>
  /** Beware: the API applies `limit` before sorting, so ask for a large limit. */
  readonly migrationList: (opts?: {
    readonly status?: MigrationStatus
    readonly limit?: number
  }) => TaskEither<RpcError, ReadonlyArray<MigrationTask>>
  /**
   * The `pending` and `running` tasks (`migration_list` with its `status` filter, both in one round trip):
   * a few tasks, not the whole 7-day history. Decoded item by item; `truncated` when a page may be cut.
   */
  readonly migrationsInFlight: () => TaskEither<RpcError, InFlightListing>
  readonly migrationCancel: (taskId: string) => TaskEither<RpcError, void>
  /**
   * Many mutations at once, one result per mutation in input order, each with the retry and "already
   * done" rules of its single method. The client sends them as batches of the cap (one round trip each
   * while they fit); an API without batches runs them one by one (`Mutation.oneByOne`). A wrapper that
   * overrides a single mutating method must override this one too, or it would be bypassed.
   */
  readonly mutate: Mutate
  readonly stats: () => RpcStats
}
