/**
 * An in-memory `ZfsApi` for the daemon's unit tests: datasets with ordered snapshots, holds, migration tasks
 * the test moves along by hand, RPC counting as the real client counts (a batch is one HTTP round trip),
 * and switches to fail methods or the whole API.
 */
import { type MigrationTask, mutateOneByOne, type RpcError, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'

type Result<A> = Promise<E.Either<RpcError, A>>

export interface FakeApi extends ZfsApi {
  readonly snapshots: Map<string, string[]>
  readonly holds: Map<string, string[]>
  readonly tasks: Map<string, MigrationTask>
  /** Every method call, in order, by wire name. */
  readonly calls: string[]
  down: boolean
  /** Wire method name → error to return (once per entry, or always with `sticky`). */
  readonly failing: Map<string, { readonly error: RpcError; readonly sticky: boolean }>
  readonly setTask: (id: string, patch: Partial<MigrationTask>) => void
  readonly hold: (dataset: string, snapshot: string, tag: string) => void
  /**
   * `guid` per `ds@snap` for `dataset_get_properties`; a listed snapshot without an entry has the guid
   * `guid-of-<short name>`, so a snapshot received under the same name matches unless a test diverges it.
   */
  readonly guids: Map<string, string>
}

const key = (dataset: string, snapshot: string) => `${dataset}@${snapshot}`

/** A push task as the API lists it before its first progress line (non-recursive, `--sync`). */
export const pushTask = (
  id: string,
  push: { readonly source: string; readonly destination: string; readonly remote: string },
  status: MigrationTask['status'] = 'pending',
): MigrationTask => ({
  id,
  status,
  createdAt: null,
  startedAt: null,
  completedAt: null,
  error: null,
  result: null,
  progress: null,
  params: {
    source: push.source,
    destination: push.destination,
    remote: push.remote,
    recursive: false,
    sync: true,
  },
})

export const remote = (method: string, code: number, message: string): RpcError => ({
  _tag: 'Remote',
  method,
  code,
  message,
})

export const make = (initial: Readonly<Record<string, ReadonlyArray<string>>> = {}): FakeApi => {
  const snapshots = new Map(Object.entries(initial).map(([d, s]) => [d, [...s]]))
  const holds = new Map<string, string[]>()
  const guids = new Map<string, string>()
  const tasks = new Map<string, MigrationTask>()
  const calls: string[] = []
  const failing = new Map<string, { readonly error: RpcError; readonly sticky: boolean }>()
  let http = 0
  let seq = 0

  const guard = (method: string, n = 1): RpcError | undefined => {
    if (fake.down)
      return { _tag: 'Transport', method, message: 'connect ECONNREFUSED 127.0.0.1:8545', timedOut: false }
    http += 1
    for (let i = 0; i < n; i++) calls.push(method)
    const f = failing.get(method)
    if (f === undefined) return undefined
    if (!f.sticky) failing.delete(method)
    return f.error
  }
  const run =
    <A>(method: string, body: () => E.Either<RpcError, A>, n = 1) =>
    (): Result<A> =>
      Promise.resolve().then(() => {
        const e = guard(method, n)
        return e === undefined ? body() : E.left(e)
      })

  const list = (d: string) => snapshots.get(d) ?? []

  const fake: FakeApi = {
    snapshots,
    holds,
    guids,
    tasks,
    calls,
    down: false,
    failing,
    setTask: (id, patch) => {
      const t = tasks.get(id)
      if (t === undefined) throw new Error(`no task ${id}`)
      tasks.set(id, { ...t, ...patch })
    },
    hold: (d, s, tag) => holds.set(key(d, s), [...(holds.get(key(d, s)) ?? []), tag]),
    health: () => run('health', () => E.right({ status: 'healthy', pools: 1, timestamp: '' })),
    poolList: () => run('pool_list', () => E.right(['tank'])),
    datasetList: () => run('dataset_list', () => E.right([...snapshots.keys()])),
    snapshotList: (d) => run('snapshot_list', () => E.right(list(d))),
    datasetGetProperties: (name, property) =>
      run('dataset_get_properties', () => {
        const [d = '', s] = name.split('@')
        if (s === undefined || !list(d).includes(s) || property !== 'guid') return E.right({})
        return E.right({ guid: guids.get(name) ?? `guid-of-${s}` })
      }),
    snapshotLists: (ds) => run('snapshot_list', () => E.right(ds.map((d) => E.right(list(d)))), ds.length),
    snapshotCreate: (d, name) =>
      run('snapshot_create', () => {
        if (list(d).includes(name))
          return E.left(
            remote(
              'snapshot_create',
              -32021,
              `Failed to create snapshot: cannot create snapshot '${d}@${name}': dataset already exists\n`,
            ),
          )
        snapshots.set(d, [...list(d), name])
        return E.right(undefined)
      }),
    snapshotDestroy: (d, s) =>
      run('snapshot_destroy', () => {
        if (!list(d).includes(s))
          return E.left(
            remote(
              'snapshot_destroy',
              -32026,
              `Failed to destroy snapshot: could not find any snapshots to destroy; check snapshot names.\ncannot open '${d}@${s}': dataset does not exist\n`,
            ),
          )
        if ((holds.get(key(d, s)) ?? []).length > 0)
          return E.left(
            remote(
              'snapshot_destroy',
              -32026,
              `Failed to destroy snapshot: cannot destroy snapshot ${d}@${s}: dataset is busy\n`,
            ),
          )
        snapshots.set(
          d,
          list(d).filter((x) => x !== s),
        )
        return E.right(undefined)
      }),
    snapshotHold: (d, s, tag) => run('snapshot_hold', () => E.right(void fake.hold(d, s, tag))),
    snapshotRelease: (d, s, tag) =>
      run('snapshot_release', () => {
        const tags = holds.get(key(d, s)) ?? []
        if (!tags.includes(tag))
          return E.left(
            remote('snapshot_release', -32032, 'Failed to release hold: no such tag on this dataset\n'),
          )
        holds.set(
          key(d, s),
          tags.filter((t) => t !== tag),
        )
        return E.right(undefined)
      }),
    holdsList: (d, ss) =>
      ss.length === 0
        ? () => Promise.resolve(E.right(new Map()))
        : run(
            'snapshot_holds_list',
            () => E.right(new Map(ss.map((s) => [s, holds.get(key(d, s)) ?? []]))),
            ss.length,
          ),
    holdsListEach: (d, ss) =>
      ss.length === 0
        ? () => Promise.resolve(E.right([]))
        : run(
            'snapshot_holds_list',
            () => E.right(ss.map((s) => E.right(holds.get(key(d, s)) ?? []))),
            ss.length,
          ),
    migrationCreate: (req) =>
      run('migration_create', () => {
        const id = `task-${++seq}`
        tasks.set(id, pushTask(id, req))
        return E.right({ taskId: id })
      }),
    migrationGet: (id) =>
      run('migration_get', () => {
        const t = tasks.get(id)
        return t === undefined ? E.left(remote('migration_get', -32105, 'Task not found')) : E.right(t)
      }),
    migrationList: () => run('migration_list', () => E.right([...tasks.values()])),
    migrationsInFlight: () =>
      run(
        'migration_list',
        () =>
          E.right({
            tasks: [...tasks.values()].filter((t) => t.status === 'pending' || t.status === 'running'),
            undecodable: [],
            truncated: false,
          }),
        2,
      ),
    migrationCancel: () => run('migration_cancel', () => E.right(undefined)),
    mutate: (ms) => mutateOneByOne(fake)(ms),
    stats: () => {
      const byMethod: Record<string, number> = {}
      for (const c of calls) byMethod[c] = (byMethod[c] ?? 0) + 1
      return { httpRequests: http, rpcCalls: calls.length, callsByMethod: byMethod }
    },
  }
  return fake
}
