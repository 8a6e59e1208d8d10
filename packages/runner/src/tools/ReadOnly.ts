/**
 * A read-only view of the API: every mutating method fails without sending anything. `plan` and `status`
 * only ever talk to the API through it, so a dry run cannot change anything even if a bug tried to.
 *
 * @since 0.1.0
 */
import { mutateOneByOne, type RpcError, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'

const refuse =
  (method: string): TaskEither<RpcError, never> =>
  () =>
    Promise.resolve(
      E.left({ _tag: 'Transport', method, message: 'refused: this tool is read-only', timedOut: false }),
    )

export const readOnly = (api: ZfsApi): ZfsApi => {
  const ro: ZfsApi = {
    ...api,
    snapshotCreate: () => refuse('snapshot_create'),
    snapshotDestroy: () => refuse('snapshot_destroy'),
    snapshotHold: () => refuse('snapshot_hold'),
    snapshotRelease: () => refuse('snapshot_release'),
    migrationCreate: () => refuse('migration_create'),
    migrationCancel: () => refuse('migration_cancel'),
    mutate: (ms) => mutateOneByOne(ro)(ms),
  }
  return ro
}
