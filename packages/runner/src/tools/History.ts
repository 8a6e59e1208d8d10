/**
 * Back-off state read from the API's own task history, for tools that do not share the daemon's memory:
 * the consecutive failed migrations of each destination since its last completed one (the API keeps tasks
 * for 7 days). Feeds the core the same `SyncFailures` the daemon would have, so `plan` and `status` show
 * back-off as the daemon sees it (unless it restarted since, when its count starts afresh).
 *
 * @since 0.1.0
 */
import type { SyncFailures as Failures } from '@zfs-autobackup/core'
import type { MigrationTask } from '@zfs-autobackup/zfs-rpc'
import { destinationOf } from '../daemon/StateReader.js'
import * as SyncFailures from '../daemon/SyncFailures.js'

/** The dataset a task pushes: `source` is `dataset` or `dataset@snap`. */
const sourceDataset = (t: MigrationTask): string => {
  const at = t.params.source.indexOf('@')
  return at < 0 ? t.params.source : t.params.source.slice(0, at)
}

const endedAt = (t: MigrationTask): number => Date.parse(t.completedAt ?? t.startedAt ?? t.createdAt ?? '')

/** Failures per destination of `datasets`, from finished tasks in the order they ended. */
export const failuresFrom = (
  tasks: ReadonlyArray<MigrationTask>,
  datasets: ReadonlyArray<string>,
): SyncFailures.SyncFailures => {
  const failures = SyncFailures.make()
  const wanted = new Set(datasets)
  const finished = tasks
    .filter((t) => t.status !== 'pending' && t.status !== 'running' && !Number.isNaN(endedAt(t)))
    .sort((a, b) => endedAt(a) - endedAt(b))
  for (const t of finished) {
    const dataset = sourceDataset(t)
    if (!wanted.has(dataset)) continue
    const dest = { dataset, ...destinationOf(t) }
    if (t.status === 'completed' && t.result?.cancelled !== true) failures.recordSuccess(dest)
    else failures.recordFailure(dest, endedAt(t))
  }
  return failures
}

export type { Failures }
