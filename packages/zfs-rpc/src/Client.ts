/**
 * `makeClient`: the `ZfsApi` over JSON-RPC 2.0 / HTTP. Each method names its params as the API expects,
 * decodes the reply with its codec and says whether it may be retried:
 * - reads are idempotent;
 * - snapshot mutations retry, and after an ambiguous failure (timeout, 500) treat the "already done" error
 *   of a later attempt as success (create → already exists, destroy → gone, hold → tag exists, …);
 * - `migration_create` is retried only when the error proves nothing ran (a second task would send twice).
 *
 * @since 0.1.0
 */
import crossFetch from 'cross-fetch'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { Credentials } from './Auth.js'
import { type Clock, systemClock } from './Clock.js'
import { firstFailure } from './DecodeFailure.js'
import type { FetchLike } from './HttpTransport.js'
import type { Call } from './JsonRpc.js'
import * as M from './MigrationCodecs.js'
import type { Mutation, MutationReply } from './Mutation.js'
import { holdExists, snapshotExists, tagMissing } from './RemoteFailure.js'
import * as C from './ReplyCodecs.js'
import { defaultRetryPolicy, type RetryPolicy } from './Retry.js'
import { type CallOptions, type ClientEvent, makeChannel } from './RpcChannel.js'
import * as R from './RpcError.js'
import type { ZfsApi } from './ZfsApi.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface ClientOptions {
  /** e.g. `http://localhost:8545` */
  readonly url: string
  /** Per HTTP round trip (a batch is one). Default 30 s, the seed's `zfs_api.timeout`. */
  readonly timeoutMs?: number
  /** Default cross-fetch. */
  readonly fetch?: FetchLike
  /** Default the system clock. Timeouts and retry delays run on it. */
  readonly clock?: Clock
  readonly retry?: Partial<RetryPolicy>
  /** Needed unless the API is on this host (localhost is let in without credentials). */
  readonly auth?: Credentials
  /**
   * Most calls the API host runs for this client at once: the cap of one JSON-RPC batch and of all round
   * trips in flight together. The API starts one `zfs` process per call of a batch, all at once, so this
   * bounds the processes we put on its CPUs. Default `DEFAULT_MAX_CALLS_IN_FLIGHT`.
   */
  readonly maxCallsInFlight?: number
  readonly logger?: (event: ClientEvent) => void
}

export const DEFAULT_TIMEOUT_MS = 30_000
/**
 * 8: the API host is CPU-bound (on real ZFS with 2 cores, 111 holds calls took ~7 s one at a time and ~25 s
 * as one batch), so a few calls at once keep its cores busy, and more only add processes and latency; a
 * round trip of 8 stays far below the timeout. See docs/performance.md.
 */
export const DEFAULT_MAX_CALLS_IN_FLIGHT = 8
/** `migration_list` applies `limit` before sorting, so ask for everything by default. */
export const DEFAULT_MIGRATION_LIST_LIMIT = 100_000
/**
 * Per status for `migrationsInFlight`. Far above what runs at once (the API has 4 workers; a queue of
 * more than a thousand is itself a fault), and a page this full counts as truncated.
 */
export const IN_FLIGHT_LIMIT = 1000
const IN_FLIGHT_STATUSES = ['pending', 'running'] as const

// -------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------

const READ = { idempotent: true } as const

/** `recursive: true` only when asked for: the API's default is false. */
const recursively = (m: { readonly recursive?: boolean }) => (m.recursive === true ? { recursive: true } : {})

/** Each mutation's params, reply codec and retry rules: the one place they are written. */
const callOf = (
  m: Mutation,
): { readonly call: Call; readonly codec: t.Decoder<unknown, unknown>; readonly opts: CallOptions } => {
  switch (m._tag) {
    case 'SnapshotCreate': {
      const { dataset, name, recursive } = m
      return {
        call: { method: 'snapshot_create', params: { dataset, name, recursive } },
        codec: C.SnapshotCreate,
        opts: { idempotent: false, doneIf: snapshotExists(dataset, name) },
      }
    }
    // Explicitly non-recursive: the API maps `recursive` to `zfs destroy -R` (dependents and clones too).
    case 'SnapshotDestroy':
      return {
        call: {
          method: 'snapshot_destroy',
          params: { dataset: m.dataset, snapshot: m.snapshot, recursive: false },
        },
        codec: C.SnapshotDestroy,
        opts: { idempotent: false, doneIf: 'SnapshotNotFound' },
      }
    // A recursive hold or release is done after a lost reply only when zfs names the top snapshot: when it
    // names a descendant, that one refused the whole (atomic) call, and nothing was held or released.
    case 'SnapshotHold':
      return {
        call: {
          method: 'snapshot_hold',
          params: { dataset: m.dataset, snapshot: m.snapshot, tag: m.tag, ...recursively(m) },
        },
        codec: C.SnapshotHold,
        opts: {
          idempotent: false,
          doneIf: m.recursive === true ? holdExists(m.dataset, m.snapshot) : 'TagExists',
        },
      }
    case 'SnapshotRelease':
      return {
        call: {
          method: 'snapshot_release',
          params: { dataset: m.dataset, snapshot: m.snapshot, tag: m.tag, ...recursively(m) },
        },
        codec: C.SnapshotRelease,
        opts: {
          idempotent: false,
          doneIf: m.recursive === true ? tagMissing(m.dataset, m.snapshot) : 'NoSuchTag',
        },
      }
    case 'MigrationCreate': {
      const req = m.request
      return {
        call: {
          method: 'migration_create',
          params: {
            source: req.source,
            destination: req.destination,
            remote: req.remote,
            recursive: req.recursive ?? false,
            // Sync holds are how we (and the API's own cleanup) know what the destination has.
            sync: true,
            ...(req.limit === undefined ? {} : { limit: req.limit }),
            ...(req.compression === undefined ? {} : { compression: req.compression }),
          },
        },
        codec: C.MigrationCreated,
        opts: { idempotent: false },
      }
    }
  }
}

export const makeClient = (options: ClientOptions): ZfsApi => {
  const clock = options.clock ?? systemClock
  const ch = makeChannel({
    url: options.url,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fetch: options.fetch ?? (crossFetch as unknown as FetchLike),
    clock,
    retry: { ...defaultRetryPolicy, ...options.retry },
    maxCallsInFlight: Math.max(1, Math.floor(options.maxCallsInFlight ?? DEFAULT_MAX_CALLS_IN_FLIGHT)),
    credentials: options.auth,
    logger: options.logger ?? (() => undefined),
  })

  const health: ZfsApi['health'] = () => async () => {
    const label = 'GET /health'
    const r = await ch.get('health', label)
    if (E.isLeft(r)) return r
    if (r.right.status !== 200) return E.left(R.http(label, r.right.status, r.right.text))
    let body: unknown
    try {
      body = JSON.parse(r.right.text)
    } catch {
      return E.left(R.decode(label, 'body', `not JSON: ${r.right.text.slice(0, 60)}`))
    }
    return E.mapLeft((errs: Parameters<typeof firstFailure>[1]) => {
      const f = firstFailure('body', errs)
      return R.decode(label, f.path, f.message)
    })(C.HealthReply.decode(body))
  }

  const holdsListEach: ZfsApi['holdsListEach'] = (dataset, snapshots) => async () =>
    snapshots.length === 0
      ? E.right([])
      : ch.batch(
          snapshots.map((snapshot) => ({ method: 'snapshot_holds_list', params: { dataset, snapshot } })),
          C.SnapshotHoldsList,
        )

  const holdsList: ZfsApi['holdsList'] = (dataset, snapshots) => async () => {
    const r = await holdsListEach(dataset, snapshots)()
    if (E.isLeft(r)) return r
    const holds = new Map<string, ReadonlyArray<string>>()
    for (const [i, item] of r.right.entries()) {
      // Partial hold knowledge must not be used to destroy: any failure fails the whole listing.
      if (E.isLeft(item)) return item
      holds.set(snapshots[i]!, item.right)
    }
    return E.right(holds)
  }

  /** One mutation, sent alone; typed by the codec of its single method. */
  const one = <A>(m: Mutation, codec: t.Decoder<unknown, A>) => {
    const c = callOf(m)
    return ch.call(c.call, codec, c.opts)
  }

  const api: ZfsApi = {
    health,
    poolList: () => () => ch.call({ method: 'pool_list' }, C.PoolList, READ),
    datasetList: (dataset) => () =>
      ch.call(
        { method: 'dataset_list', ...(dataset === undefined ? {} : { params: { dataset } }) },
        C.DatasetList,
        READ,
      ),
    datasetGetProperties: (dataset, property) => () =>
      ch.call(
        { method: 'dataset_get_properties', params: { dataset, property } },
        C.DatasetGetProperties,
        READ,
      ),
    snapshotList: (dataset) => () =>
      ch.call({ method: 'snapshot_list', params: { dataset } }, C.SnapshotList, READ),
    snapshotLists: (datasets) => () =>
      ch.batch(
        datasets.map((dataset) => ({ method: 'snapshot_list', params: { dataset } })),
        C.SnapshotList,
      ),
    snapshotCreate: (dataset, name, recursive) => () =>
      one({ _tag: 'SnapshotCreate', dataset, name, recursive }, C.SnapshotCreate),
    snapshotDestroy: (dataset, snapshot) => () =>
      one({ _tag: 'SnapshotDestroy', dataset, snapshot }, C.SnapshotDestroy),
    snapshotHold: (dataset, snapshot, tag, recursive) => () =>
      one({ _tag: 'SnapshotHold', dataset, snapshot, tag, recursive: recursive ?? false }, C.SnapshotHold),
    snapshotRelease: (dataset, snapshot, tag, recursive) => () =>
      one(
        { _tag: 'SnapshotRelease', dataset, snapshot, tag, recursive: recursive ?? false },
        C.SnapshotRelease,
      ),
    holdsList,
    holdsListEach,
    migrationCreate: (request) => () => one({ _tag: 'MigrationCreate', request }, C.MigrationCreated),
    mutate: (ms) => () =>
      ch.callMany(ms.map(callOf)) as Promise<ReadonlyArray<E.Either<R.RpcError, MutationReply>>>,
    migrationGet: (taskId) => () =>
      ch.call({ method: 'migration_get', params: { task_id: taskId } }, M.MigrationGet, READ),
    migrationList: (opts) => () =>
      ch.call(
        {
          method: 'migration_list',
          params: {
            ...(opts?.status === undefined ? {} : { status: opts.status }),
            limit: opts?.limit ?? DEFAULT_MIGRATION_LIST_LIMIT,
          },
        },
        M.MigrationList,
        READ,
      ),
    migrationsInFlight: () => async () => {
      const pages = await ch.batch(
        IN_FLIGHT_STATUSES.map((status) => ({
          method: 'migration_list',
          params: { status, limit: IN_FLIGHT_LIMIT },
        })),
        M.TaskPage,
      )
      if (E.isLeft(pages)) return pages
      const read: M.TaskPage[] = []
      for (const p of pages.right) {
        if (E.isLeft(p)) return p
        read.push(p.right)
      }
      return E.right(M.inFlightOf(read, IN_FLIGHT_LIMIT))
    },
    migrationCancel: (taskId) => () =>
      ch.call({ method: 'migration_cancel', params: { task_id: taskId } }, C.MigrationCancel, {
        idempotent: false,
        doneIf: 'CancelFailed',
      }),
    stats: ch.stats,
  }
  return api
}
