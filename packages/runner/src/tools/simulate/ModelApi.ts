/**
 * The `ZfsApi` capability bound straight to the simulator's in-memory model and migration service: no HTTP,
 * no JSON, no decoding. Same state machine and quirks as the simulator's server (it is the same model), at
 * a few microseconds per call, which is what lets `simulate` run a year of 10-minute cycles in seconds.
 * Failures carry the real API's method names, codes and `Failed to …: <zfs stderr>` messages.
 *
 * @since 0.1.0
 */
import {
  type MigrationProgress,
  type MigrationTask,
  mutateOneByOne,
  type RpcError,
  type RpcStats,
  type ZfsApi,
} from '@zfs-autobackup/zfs-rpc'
import type { Simulator } from '@zfs-autobackup/zfs-rpc/testing'
import * as E from 'fp-ts/lib/Either.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'

type SimTask = NonNullable<ReturnType<Simulator['migrations']['get']>>

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const ok =
  <A>(a: A): TaskEither<RpcError, A> =>
  () =>
    Promise.resolve(E.right(a))

const remote =
  (method: string, code: number, message: string): TaskEither<RpcError, never> =>
  () =>
    Promise.resolve(E.left({ _tag: 'Remote', method, code, message }))

/** Wire task (snake_case, as the simulator stores it) → domain task, as the client's codec maps it. */
const toDomain = (t: SimTask): MigrationTask => {
  const p = t.progress
  const progress: MigrationProgress | null =
    p === null
      ? null
      : {
          timestamp: p.timestamp,
          bytesTransferred: p.bytes_transferred,
          bytesTotal: p.bytes_total,
          percentage: p.percentage,
          rateMiBps: p.rate_mbps,
          etaSeconds: p.eta_seconds,
          elapsedSeconds: p.elapsed_seconds,
        }
  return {
    id: t.id,
    status: t.status,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    completedAt: t.completedAt,
    error: t.error,
    result:
      t.result === null
        ? null
        : {
            returnCode: t.result.return_code,
            elapsedSeconds: t.result.elapsed_seconds,
            cancelled: t.result.cancelled === true,
          },
    progress,
    params: {
      source: t.params.source,
      destination: t.params.destination,
      recursive: t.params.recursive,
      sync: t.params.sync,
      ...(t.params.remote === null ? {} : { remote: t.params.remote }),
      ...(typeof t.params.limit === 'number' ? { limit: t.params.limit } : {}),
      ...(t.params.compression === null ? {} : { compression: t.params.compression }),
    },
  }
}

// -------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------

/**
 * Binds the simulator's model and migration service. Of the simulator's faults only `failMigration` on
 * `migration_create` applies here (the others concern the wire, which this path skips).
 */
export const make = (sim: Simulator): ZfsApi => {
  const host = sim.model.local
  const now = sim.clock.now
  /**
   * Finished tasks never change again: each is converted once and kept in `finished` (in creation order of
   * finishing), so listing a year of syncs every cycle costs a copy, not a conversion per task.
   */
  const finished: MigrationTask[] = []
  const finishedById = new Map<string, MigrationTask>()
  let open: SimTask[] = []
  const refresh = (): void => {
    const still: SimTask[] = []
    for (const t of open) {
      if (t.status === 'pending' || t.status === 'running') still.push(t)
      else {
        const d = toDomain(t)
        finished.push(d)
        finishedById.set(t.id, d)
      }
    }
    open = still
  }
  const domain = (t: SimTask): MigrationTask => finishedById.get(t.id) ?? toDomain(t)

  const byMethod: Record<string, number> = {}
  let calls = 0
  const count = (method: string, n = 1): void => {
    calls += n
    byMethod[method] = (byMethod[method] ?? 0) + n
  }
  /** One counted model change, failing as the API does: the method's error code and message prefix. */
  const mutation = (
    method: string,
    code: number,
    failure: string,
    change: () => E.Either<string, void>,
  ): TaskEither<RpcError, void> => {
    count(method)
    const r = change()
    return E.isRight(r) ? ok(undefined) : remote(method, code, `${failure}: ${r.left}`)
  }
  const stats = (): RpcStats => ({ httpRequests: 0, rpcCalls: calls, callsByMethod: { ...byMethod } })

  const api: ZfsApi = {
    health: () =>
      ok({ status: 'healthy', pools: host.pools().length, timestamp: new Date(now()).toISOString() }),
    poolList: () => {
      count('pool_list')
      return ok(host.pools())
    },
    datasetList: (dataset) => {
      count('dataset_list')
      return ok(host.listDatasets(dataset))
    },
    // The model keeps no guids: arrival cannot be verified against it (the simulate tool runs without a
    // destination API, as most installs do).
    datasetGetProperties: () => {
      count('dataset_get_properties')
      return remote('dataset_get_properties', -32601, 'Method not found')
    },
    snapshotList: (dataset) => {
      count('snapshot_list')
      return ok(host.snapshots(dataset).map((s) => s.name))
    },
    snapshotLists: (datasets) => {
      count('snapshot_list', datasets.length)
      return ok(datasets.map((d) => E.right(host.snapshots(d).map((s) => s.name))))
    },
    snapshotCreate: (dataset, name, recursive) =>
      mutation('snapshot_create', -32021, 'Failed to create snapshot', () =>
        host.createSnapshot(dataset, name, recursive, now()),
      ),
    snapshotDestroy: (dataset, snapshot) =>
      mutation('snapshot_destroy', -32026, 'Failed to destroy snapshot', () =>
        host.destroySnapshot(dataset, snapshot, false),
      ),
    snapshotHold: (dataset, snapshot, tag, recursive) =>
      mutation('snapshot_hold', -32030, 'Failed to hold snapshot', () =>
        host.hold(dataset, snapshot, tag, recursive ?? false),
      ),
    snapshotRelease: (dataset, snapshot, tag, recursive) =>
      mutation('snapshot_release', -32032, 'Failed to release hold', () =>
        host.release(dataset, snapshot, tag, recursive ?? false),
      ),
    holdsList: (dataset, snapshots) => {
      count('snapshot_holds_list', snapshots.length)
      const out = new Map<string, ReadonlyArray<string>>()
      for (const s of snapshots) out.set(s, host.holds(dataset, s, false))
      return ok(out)
    },
    holdsListEach: (dataset, snapshots) => {
      count('snapshot_holds_list', snapshots.length)
      return ok(snapshots.map((s) => E.right(host.holds(dataset, s, false))))
    },
    migrationCreate: (req) => {
      count('migration_create')
      const task = sim.migrations.create(
        {
          source: req.source,
          destination: req.destination,
          remote: req.remote,
          limit: req.limit ?? null,
          compression: req.compression ?? null,
          recursive: req.recursive ?? false,
          sync: true,
        },
        sim.faults.next('migration_create')?.kind === 'failMigration',
      )
      open.push(task)
      return ok({ taskId: task.id })
    },
    migrationGet: (taskId) => {
      count('migration_get')
      const t = sim.migrations.get(taskId)
      return t === undefined ? remote('migration_get', -32105, 'Task not found') : ok(domain(t))
    },
    migrationList: (opts) => {
      count('migration_list')
      refresh()
      const all = [...finished, ...open.map(toDomain)].filter(
        (t) => opts?.status === undefined || t.status === opts.status,
      )
      return ok(all.slice(0, opts?.limit ?? 100))
    },
    migrationsInFlight: () => {
      count('migration_list', 2)
      refresh()
      const tasks = open.map(toDomain).filter((t) => t.status === 'pending' || t.status === 'running')
      return ok({ tasks, undecodable: [], truncated: false })
    },
    migrationCancel: (taskId) => {
      count('migration_cancel')
      const t = sim.migrations.get(taskId)
      if (t === undefined) return remote('migration_cancel', -32114, 'Task not found')
      return sim.migrations.cancel(t)
        ? ok(undefined)
        : remote('migration_cancel', -32111, 'Failed to cancel task - may have already completed')
    },
    mutate: (ms) => mutateOneByOne(api)(ms),
    stats,
  }
  return api
}
