/**
 * How the daemon reads an `RpcError`: its log line (zfs-rpc's), and the few outcomes it treats specially. The API
 * reuses error codes across methods, so matches are on method plus code plus zfs's stderr text.
 *
 * @since 0.1.0
 */
import { isRemoteFailure as is, type RpcError } from '@zfs-autobackup/zfs-rpc'

/** The one description of an `RpcError` lives with the error type in zfs-rpc. */
export { describeRpcError as describe } from '@zfs-autobackup/zfs-rpc'

/** A short kind for the errors counter: `transport`, `http_429`, `decode`, `remote_snapshot_destroy`... */
export const kind = (e: RpcError): string => {
  switch (e._tag) {
    case 'Transport':
      return e.timedOut ? 'timeout' : 'transport'
    case 'Http':
      return `http_${e.status}`
    case 'Decode':
      return 'decode'
    case 'Remote':
      return `remote_${e.method}`
  }
}

/** `snapshot_hold` of a tag the snapshot carries already: the hold is there, as planned. */
export const isHoldExists: (e: RpcError) => boolean = is('TagExists')

/** `snapshot_destroy` refused because of a hold (or a clone): our cached holds were stale. */
export const isBusy: (e: RpcError) => boolean = is('SnapshotBusy')

/** The snapshot (destroy) or the tag (release) was already gone: the action's goal is reached. */
export const isAlreadyGone = (e: RpcError): boolean => is('SnapshotNotFound')(e) || is('NoSuchTag')(e)

/** `migration_get` of a task the API no longer knows (expired after 7 days, Redis flushed). */
export const isTaskNotFound: (e: RpcError) => boolean = is('TaskNotFound')
