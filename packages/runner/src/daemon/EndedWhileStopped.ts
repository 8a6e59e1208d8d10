/**
 * At start-up, say what happened while no daemon watched: the migrations of the configured destinations
 * that ended (completed, failed, cancelled) since the previous daemon was last alive — known from the lock
 * file's last refresh (`Lock`). Without that record (first start, a cleared temporary directory), the
 * newest ended migration of each destination is logged, with its time, instead.
 *
 * One `migration_list` of the whole history, once per start (the cycle itself lists only what is in flight).
 *
 * @since 0.1.0
 */
import type { DatasetPolicy } from '@zfs-autobackup/core'
import type { MigrationTask } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Capabilities } from './Capabilities.js'
import * as Rpc from './RpcText.js'
import { destinationOf, MIGRATION_LIST_LIMIT } from './StateReader.js'

const ended = (t: MigrationTask): boolean => t.status !== 'pending' && t.status !== 'running'

const endedAt = (t: MigrationTask): number => Date.parse(t.completedAt ?? t.startedAt ?? t.createdAt ?? '')

export const report = async (
  caps: Pick<Capabilities, 'api' | 'log'>,
  datasets: ReadonlyArray<DatasetPolicy>,
  lastAliveAt: number | undefined,
): Promise<void> => {
  const listed = await caps.api.migrationList({ limit: MIGRATION_LIST_LIMIT })()
  if (E.isLeft(listed)) {
    caps.log.warn(
      `could not list the migrations that ended while the daemon was stopped: ${Rpc.describe(listed.left)}`,
    )
    return
  }
  for (const ds of datasets)
    for (const dest of ds.destinations) {
      const mine = listed.right
        .filter((t) => {
          const to = destinationOf(t)
          return (
            ended(t) &&
            t.params.source.split('@')[0] === ds.dataset &&
            to.remoteHost === dest.remoteHost &&
            to.remoteDataset === dest.remoteDataset &&
            Number.isFinite(endedAt(t))
          )
        })
        .sort((a, b) => endedAt(a) - endedAt(b))
      const shown = lastAliveAt === undefined ? mine.slice(-1) : mine.filter((t) => endedAt(t) > lastAliveAt)
      const fields = { dataset: ds.dataset, destination: `${dest.remoteHost}:${dest.remoteDataset}` }
      const when =
        lastAliveAt === undefined ? 'last migration before this start' : 'ended while the daemon was stopped'
      for (const t of shown) {
        const at = new Date(endedAt(t)).toISOString()
        if (t.status === 'completed' && t.result?.cancelled !== true)
          caps.log.info(
            `sync [${t.id}] ${when}: completed at ${at} (the first cycle reads the sync hold it placed)`,
            fields,
          )
        else
          caps.log.warn(
            `sync [${t.id}] ${when}: ${t.status === 'failed' ? `failed at ${at}: ${t.error ?? 'no error text from the API'}` : `cancelled at ${at}`}`,
            fields,
          )
      }
    }
}
