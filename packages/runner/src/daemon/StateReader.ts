/**
 * Gathers what the core needs for every configured dataset, in as few HTTP round trips as the API allows:
 * one batched `snapshot_list` for all datasets, one `migration_list`, and `snapshot_holds_list` only for
 * the snapshots the `HoldsCache` says must be read (a steady cycle reads none).
 *
 * Never guesses: a holds read that failed, or a migration listing that failed, makes that dataset's holds
 * `Unknown`, so the core destroys and releases nothing there this cycle.
 *
 * @since 0.1.0
 */
import type { DatasetObservation, HoldsObservation, InFlightMigration } from '@zfs-autobackup/core'
import type { MigrationTask, RpcError } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Capabilities } from './Capabilities.js'
import type { HoldsCache } from './HoldsCache.js'
import * as Rpc from './RpcText.js'
import type { SyncFailures } from './SyncFailures.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface DatasetState {
  readonly observed: DatasetObservation
  /** False when `migration_list` failed: no sync may start (it could duplicate a running one). */
  readonly inFlightKnown: boolean
  /** In-flight migrations of this dataset as the API listed them (for adoption after a restart). */
  readonly listedTasks: ReadonlyArray<MigrationTask>
}

export interface CycleState {
  readonly byDataset: ReadonlyMap<string, E.Either<RpcError, DatasetState>>
  /** Holds reads issued this cycle (snapshots), for logs and the RPC budget. */
  readonly holdsRead: number
}

export interface StateReader {
  /** Left when the API did not answer the snapshot listing at all (down). */
  readonly read: (datasets: ReadonlyArray<string>) => Promise<E.Either<RpcError, CycleState>>
}

/** Migrations the daemon itself tracks (started or adopted, not yet ended). */
export type Tracked = (dataset: string) => ReadonlyArray<InFlightMigration>

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Large enough to list every task the API keeps (7 days): `migration_list` truncates before sorting. */
export const MIGRATION_LIST_LIMIT = 100_000
const HOLDS_CONCURRENCY = 4

export const make = (
  caps: Pick<Capabilities, 'api' | 'clock'>,
  cache: HoldsCache,
  failures: SyncFailures,
  tracked: Tracked,
): StateReader => {
  /** Task ids in flight per dataset at the previous read: one that vanished has ended (maybe not ours). */
  let previous = new Map<string, ReadonlySet<string>>()

  const read = async (datasets: ReadonlyArray<string>): Promise<E.Either<RpcError, CycleState>> => {
    const lists = await caps.api.snapshotLists(datasets)()
    if (E.isLeft(lists)) return lists
    const tasks = await caps.api.migrationList({ limit: MIGRATION_LIST_LIMIT })()
    const listed = E.isRight(tasks) ? tasks.right.filter(isInFlight) : []

    const bySource = groupBySource(listed)
    const current = new Map<string, ReadonlySet<string>>()
    for (const d of datasets) {
      const ids = new Set((bySource.get(d) ?? []).map((t) => t.id))
      for (const id of previous.get(d) ?? []) if (!ids.has(id)) cache.invalidateDataset(d)
      current.set(d, ids)
    }
    if (E.isRight(tasks)) previous = current

    const now = caps.clock.now()
    const holds = new Map<string, HoldsObservation>()
    let holdsRead = 0
    const readHolds = async (d: string, snapshots: ReadonlyArray<string>): Promise<void> => {
      const toRead = cache.toRead(d, snapshots, now)
      const generation = cache.generation(d)
      let failed: { readonly count: number; readonly first: RpcError } | undefined
      if (toRead.length > 0) {
        holdsRead += toRead.length
        const got = await caps.api.holdsListEach(d, toRead)()
        if (E.isLeft(got)) {
          cache.readFailed(d)
          holds.set(d, { _tag: 'Unknown', why: `holds listing failed: ${Rpc.describe(got.left)}` })
          return
        }
        // Keep what was read; the failed items stay missing and are the only ones read next cycle.
        const read = new Map<string, ReadonlyArray<string>>()
        got.right.forEach((item, i) => {
          if (E.isRight(item)) read.set(toRead[i]!, item.right)
          else failed = { count: (failed?.count ?? 0) + 1, first: failed?.first ?? item.left }
        })
        cache.store(d, read, generation)
      }
      const known = cache.holdsOf(d, snapshots)
      holds.set(
        d,
        known !== undefined
          ? { _tag: 'Known', bySnapshot: known }
          : {
              _tag: 'Unknown',
              why:
                failed === undefined
                  ? 'holds listing incomplete: some snapshots not read yet'
                  : `holds listing failed for ${failed.count} of ${toRead.length} snapshots: ${Rpc.describe(failed.first)}`,
            },
      )
    }
    const work = datasets.flatMap((d, i) => {
      const l = lists.right[i]
      return l !== undefined && E.isRight(l) ? [() => readHolds(d, l.right)] : []
    })
    await pool(work, HOLDS_CONCURRENCY)

    const byDataset = new Map<string, E.Either<RpcError, DatasetState>>()
    datasets.forEach((d, i) => {
      const l = lists.right[i]
      if (l === undefined || E.isLeft(l)) {
        byDataset.set(d, l ?? E.left(missing(d)))
        return
      }
      const mine = bySource.get(d) ?? []
      const inFlight = union(mine.map(toInFlight), tracked(d))
      const h = holds.get(d) ?? { _tag: 'Unknown', why: 'holds not read' }
      byDataset.set(
        d,
        E.right({
          observed: {
            snapshots: l.right,
            holds: E.isLeft(tasks)
              ? { _tag: 'Unknown', why: `migration listing failed: ${Rpc.describe(tasks.left)}` }
              : h,
            inFlight,
            failures: failures.of(d),
          },
          inFlightKnown: E.isRight(tasks),
          listedTasks: mine,
        }),
      )
    })
    return E.right({ byDataset, holdsRead })
  }
  return { read }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const isInFlight = (t: MigrationTask): boolean => t.status === 'pending' || t.status === 'running'

/**
 * In-flight tasks by the dataset they push: `source` is `dataset` or `dataset@snap` (the API sends the
 * newest snapshot anyway), so `tank/a` never matches a task of `tank/ab`. One pass, O(tasks).
 */
const groupBySource = (
  tasks: ReadonlyArray<MigrationTask>,
): ReadonlyMap<string, ReadonlyArray<MigrationTask>> => {
  const out = new Map<string, MigrationTask[]>()
  for (const t of tasks) {
    const at = t.params.source.indexOf('@')
    const dataset = at < 0 ? t.params.source : t.params.source.slice(0, at)
    const list = out.get(dataset)
    if (list === undefined) out.set(dataset, [t])
    else list.push(t)
  }
  return out
}

/** The destination as the task names it: `remote` + `destination`, or `destination` = `host:pool/ds`. */
export const destinationOf = (
  t: MigrationTask,
): { readonly remoteHost: string; readonly remoteDataset: string } => {
  if (t.params.remote !== undefined)
    return { remoteHost: t.params.remote, remoteDataset: t.params.destination }
  const colon = t.params.destination.indexOf(':')
  return colon < 0
    ? { remoteHost: '', remoteDataset: t.params.destination }
    : {
        remoteHost: t.params.destination.slice(0, colon),
        remoteDataset: t.params.destination.slice(colon + 1),
      }
}

const toInFlight = (t: MigrationTask): InFlightMigration => ({
  taskId: t.id,
  ...destinationOf(t),
  status: t.status === 'running' ? 'running' : 'pending',
})

/**
 * Listed tasks (fresh status) plus tracked ones not listed (yet). A listed task the daemon started keeps
 * the base it started from (`baseAtStart`, §8 as amended); one it did not start has none: it protects all.
 */
const union = (
  listed: ReadonlyArray<InFlightMigration>,
  tracked: ReadonlyArray<InFlightMigration>,
): ReadonlyArray<InFlightMigration> => {
  const byId = new Map(tracked.map((m) => [m.taskId, m]))
  const merged = listed.map((m) => {
    const start = byId.get(m.taskId)?.baseAtStart
    return start === undefined ? m : { ...m, baseAtStart: start }
  })
  const ids = new Set(listed.map((m) => m.taskId))
  return [...merged, ...tracked.filter((m) => !ids.has(m.taskId))]
}

const missing = (dataset: string): RpcError => ({
  _tag: 'Decode',
  method: 'snapshot_list',
  path: dataset,
  message: 'no reply for this dataset in the batch',
})

/** Runs thunks with at most `n` in flight. */
const pool = async (work: ReadonlyArray<() => Promise<void>>, n: number): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const job = work[next++]
      if (job !== undefined) await job()
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, work.length) }, worker))
}
