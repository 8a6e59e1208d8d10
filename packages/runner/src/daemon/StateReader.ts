/**
 * Gathers what the core needs for every configured dataset, in as few HTTP round trips as the API allows:
 * one batched `snapshot_list` for all datasets, one batch of `migration_list` for the pending and the
 * running tasks (not the 7-day history), and `snapshot_holds_list` only for
 * the snapshots the `HoldsCache` says must be read (a steady cycle reads none).
 *
 * Never guesses: a holds read that failed, or a migration listing that failed, makes that dataset's holds
 * `Unknown`, so the core destroys and releases nothing there this cycle.
 *
 * Paced: the client never has more than its cap of calls in flight (the API runs each in its own `zfs`
 * process), and once a holds read got no answer in time (the API host may still be working on it) or was
 * refused by the rate limit, no further holds read starts this cycle; the rest waits for the next one
 * instead of piling onto a host that is already too slow or a limit that is already spent.
 *
 * @since 0.1.0
 */
import type { DatasetObservation, HoldsObservation, InFlightMigration } from '@zfs-autobackup/core'
import {
  type InFlightListing,
  isRemoteFailure,
  type MigrationTask,
  mayStillRun,
  type RpcError,
} from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Arrivals } from './Arrivals.js'
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
  /** Listed tasks that did not decode (the cycle reports them). */
  readonly undecodableTasks: InFlightListing['undecodable']
}

export interface StateReader {
  /**
   * Left when the API did not answer the snapshot listing at all (down). `descendants`: those of
   * `datasets` that are descendants of a recursive tree; a recursive migration of an ancestor (`zfs send
   * -R`) counts as in flight on them too.
   */
  readonly read: (
    datasets: ReadonlyArray<string>,
    descendants?: ReadonlySet<string>,
  ) => Promise<E.Either<RpcError, CycleState>>
}

/** Migrations the daemon itself tracks (started or adopted, not yet ended). */
export type Tracked = (dataset: string) => ReadonlyArray<InFlightMigration>

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * For the operator tools' look at the task history (back-off, outcomes): large enough to list every task
 * the API keeps (7 days), since `migration_list` truncates before sorting. The daemon's cycle lists only
 * what is in flight.
 */
export const MIGRATION_LIST_LIMIT = 100_000
/**
 * Datasets whose holds are read at once. One: each read is already cut into batches of the client's cap,
 * and reading one dataset after another lets a read that got no answer stop the rest of the scan.
 */
const HOLDS_CONCURRENCY = 1

export const make = (
  caps: Pick<Capabilities, 'api' | 'clock'>,
  cache: HoldsCache,
  failures: SyncFailures,
  tracked: Tracked,
  /** Listed tasks the daemon has given up on (stale past every bound): not in flight. */
  ignored: (taskId: string) => boolean = () => false,
  arrivals?: Pick<Arrivals, 'of'>,
): StateReader => {
  /** Task ids in flight per dataset at the previous read: one that vanished has ended (maybe not ours). */
  let previous = new Map<string, ReadonlySet<string>>()
  const emptied = EmptiedListings()

  const read = async (
    datasets: ReadonlyArray<string>,
    descendants: ReadonlySet<string> = new Set(),
  ): Promise<E.Either<RpcError, CycleState>> => {
    cache.arrange(datasets)
    const got = await caps.api.snapshotLists(datasets)()
    if (E.isLeft(got)) return got
    const lists = { right: datasets.map((d, i) => emptied.check(d, got.right[i])) }
    const tasks = await caps.api.migrationsInFlight()()
    const listed = E.isRight(tasks) ? tasks.right.tasks.filter((t) => isInFlight(t) && !ignored(t.id)) : []
    /** Why in-flight migrations are unknown, for every dataset (`all`) or only some (by source). */
    const unknown = inFlightUnknown(tasks)

    const bySource = groupBySource(listed)
    const current = new Map<string, ReadonlySet<string>>()
    for (const d of datasets) {
      const ids = new Set((bySource.get(d) ?? []).map((t) => t.id))
      for (const id of previous.get(d) ?? []) if (!ids.has(id)) cache.invalidateDataset(d)
      current.set(d, ids)
    }
    if (unknown.all === undefined) previous = current

    const now = caps.clock.now()
    const holds = new Map<string, HoldsObservation>()
    let holdsRead = 0
    /** A holds read the API may still be running, or the rate limit refused: start no other this cycle. */
    let hostBusy: RpcError | undefined
    const noteBusy = (e: RpcError) => {
      if (
        hostBusy === undefined &&
        (mayStillRun(e) || isRemoteFailure('RateLimited')(e) || (e._tag === 'Http' && e.status === 429))
      )
        hostBusy = e
    }
    const readHolds = async (d: string, snapshots: ReadonlyArray<string>): Promise<void> => {
      if (hostBusy !== undefined) {
        holds.set(d, {
          _tag: 'Unknown',
          why: `holds not read this cycle: an earlier read got no answer in time or was rate limited (${Rpc.describe(hostBusy)})`,
        })
        return
      }
      const toRead = cache.toRead(d, snapshots, now)
      const generation = cache.generation(d)
      let failed: { readonly count: number; readonly first: RpcError } | undefined
      if (toRead.length > 0) {
        holdsRead += toRead.length
        const got = await caps.api.holdsListEach(d, toRead)()
        if (E.isLeft(got)) noteBusy(got.left)
        if (E.isLeft(got)) {
          cache.readFailed(d)
          holds.set(d, { _tag: 'Unknown', why: `holds listing failed: ${Rpc.describe(got.left)}` })
          return
        }
        // Keep what was read; the failed items stay missing and are the only ones read next cycle.
        const read = new Map<string, ReadonlyArray<string>>()
        got.right.forEach((item, i) => {
          if (E.isRight(item)) read.set(toRead[i]!, item.right)
          else {
            failed = { count: (failed?.count ?? 0) + 1, first: failed?.first ?? item.left }
            noteBusy(item.left)
          }
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
      const below = descendants.has(d) ? ancestors(d) : []
      // A recursive send of an ancestor may carry this descendant's snapshots: in flight here too.
      const fromAbove = below.flatMap((a) => (bySource.get(a) ?? []).filter((t) => t.params.recursive))
      // So may one the daemon follows for the tree's root (started, its create unconfirmed, or ended but
      // not yet settled): the listing may no longer (or not yet) show it, yet it is what sends this tree.
      const rootOf = below.find((a) => !descendants.has(a))
      const inFlight = union([...mine, ...fromAbove].map(toInFlight), [
        ...tracked(d),
        ...(rootOf === undefined ? [] : tracked(rootOf)),
      ])
      const h = holds.get(d) ?? { _tag: 'Unknown', why: 'holds not read' }
      const why =
        unknown.all ??
        unknown.bySource.get(d) ??
        below.map((a) => unknown.bySource.get(a)).find((w) => w !== undefined)
      byDataset.set(
        d,
        E.right({
          observed: {
            snapshots: l.right,
            holds: why === undefined ? h : { _tag: 'Unknown', why },
            inFlight,
            failures: failures.of(d),
            evidence: arrivals?.of(d) ?? [],
          },
          inFlightKnown: why === undefined,
          listedTasks: mine,
        }),
      )
    })
    return E.right({
      byDataset,
      holdsRead,
      undecodableTasks: E.isRight(tasks) ? tasks.right.undecodable : [],
    })
  }
  return { read }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Migrations in flight are unknown for every dataset when the listing failed or may be cut short, and for
 * one dataset when a task of it did not decode. A task that did not decode so far that even its source
 * cannot be read could be anyone's: every dataset then waits (reported each cycle until it decodes).
 */
const inFlightUnknown = (
  tasks: E.Either<RpcError, InFlightListing>,
): { readonly all: string | undefined; readonly bySource: ReadonlyMap<string, string> } => {
  if (E.isLeft(tasks))
    return { all: `migration listing failed: ${Rpc.describe(tasks.left)}`, bySource: new Map() }
  if (tasks.right.truncated)
    return {
      all: 'migration listing may be incomplete (the API returned a full page): migrations in flight unknown',
      bySource: new Map(),
    }
  const bySource = new Map<string, string>()
  for (const u of tasks.right.undecodable) {
    const why = `migration listing: task ${u.id ?? '(no id)'} did not decode (${Rpc.describe(u.error)}): migrations in flight unknown`
    if (u.source === undefined) return { all: why, bySource: new Map() }
    bySource.set(sourceDataset(u.source), why)
  }
  return { all: undefined, bySource }
}

const sourceDataset = (source: string): string => {
  const at = source.indexOf('@')
  return at < 0 ? source : source.slice(0, at)
}

/** `tank/a/b` → `tank/a`, `tank`. */
const ancestors = (d: string): ReadonlyArray<string> => {
  const parts = d.split('/')
  return parts.slice(1).map((_, i) => parts.slice(0, parts.length - 1 - i).join('/'))
}

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
    const dataset = sourceDataset(t.params.source)
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

/** Empty listings in a row before a dataset that had snapshots is believed to have none (~10 min). */
export const EMPTY_READS_BELIEVED = 10

/**
 * The API turns a failed `zfs list` into `[]`. An empty listing of a dataset that had snapshots at its
 * previous read is therefore a failed read (no "first snapshot", no sync from scratch), until it has
 * come back empty `EMPTY_READS_BELIEVED` times in a row: then they were really destroyed, and it is
 * believed (a create would fail anyway while zfs fails, and a failed create voids the rest of the plan).
 */
const EmptiedListings = () => {
  const had = new Map<string, number>()
  const streak = new Map<string, number>()
  return {
    check: (
      d: string,
      l: E.Either<RpcError, ReadonlyArray<string>> | undefined,
    ): E.Either<RpcError, ReadonlyArray<string>> | undefined => {
      if (l === undefined || E.isLeft(l)) return l
      const before = had.get(d) ?? 0
      if (l.right.length > 0 || before === 0) {
        had.set(d, l.right.length)
        streak.delete(d)
        return l
      }
      const n = (streak.get(d) ?? 0) + 1
      if (n >= EMPTY_READS_BELIEVED) {
        had.set(d, 0)
        streak.delete(d)
        return l
      }
      streak.set(d, n)
      return E.left({
        _tag: 'Decode',
        method: 'snapshot_list',
        path: d,
        message: `no snapshots listed, though ${before} were at the previous read (the API answers [] when zfs fails); taken as a failed read until ${EMPTY_READS_BELIEVED} reads in a row agree`,
      })
    },
  }
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
