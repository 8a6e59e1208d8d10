/**
 * A fresh look at every configured dataset for `plan` and `status`: the daemon's own `StateReader` with an
 * empty holds cache (so every snapshot's holds are read, nothing is remembered) plus the API's task history
 * (for back-off and sync outcomes). Read-only: it gets a `readOnly` API.
 *
 * @since 0.1.0
 */
import type { MigrationTask, RpcError, ZfsApi } from '@zfs-autobackup/zfs-rpc'
import { systemClock } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import * as HoldsCache from '../daemon/HoldsCache.js'
import * as StateReader from '../daemon/StateReader.js'
import * as History from './History.js'
import { readOnly } from './ReadOnly.js'

export interface Observed {
  readonly now: number
  /** Every task the API lists (empty when the listing failed: see `tasksError`). */
  readonly tasks: ReadonlyArray<MigrationTask>
  readonly tasksError: RpcError | undefined
  readonly byDataset: ReadonlyMap<string, E.Either<RpcError, StateReader.DatasetState>>
  /** JSON-RPC calls made, for the record (`plan --json` shows them). */
  readonly rpcCalls: number
}

/** Left when the API did not answer the snapshot listing at all (down or unreachable). */
export const observe = async (
  api: ZfsApi,
  datasets: ReadonlyArray<string>,
  now: number,
): Promise<E.Either<RpcError, Observed>> => {
  const safe = readOnly(api)
  const tasks = await safe.migrationList({ limit: StateReader.MIGRATION_LIST_LIMIT })()
  const all = E.isRight(tasks) ? tasks.right : []
  const reader = StateReader.make(
    { api: safe, clock: { now: () => now, sleep: systemClock.sleep } },
    HoldsCache.make(),
    History.failuresFrom(all, datasets),
    () => [],
  )
  const read = await reader.read(datasets)
  if (E.isLeft(read)) return read
  return E.right({
    now,
    tasks: all,
    tasksError: E.isLeft(tasks) ? tasks.left : undefined,
    byDataset: read.right.byDataset,
    rpcCalls: api.stats().rpcCalls,
  })
}
