/**
 * @zfs-autobackup/zfs-rpc: everything that talks to the ZFS JSON-RPC API. `makeClient` gives a typed
 * `ZfsApi` whose methods return `Either<RpcError, A>`; `describeRpcError`, `retryable`,
 * `provablyNotExecuted` and `remoteFailureOf` read an error. The simulator lives in `./testing`.
 *
 * @since 0.1.0
 */
export type { Credentials, Secret } from './Auth.js'
export {
  type ClientOptions,
  DEFAULT_MAX_CALLS_IN_FLIGHT,
  DEFAULT_MIGRATION_LIST_LIMIT,
  DEFAULT_TIMEOUT_MS,
  makeClient,
} from './Client.js'
export { type Clock, systemClock, VirtualClock } from './Clock.js'
export type { FetchInit, FetchLike, FetchResponse } from './HttpTransport.js'
export { oneByOne as mutateOneByOne, single as mutateOne } from './Mutation.js'
export {
  holdExists,
  isRemoteFailure,
  type RemoteFailure,
  remoteFailureOf,
  snapshotExists,
  tagMissing,
} from './RemoteFailure.js'
export { defaultRetryPolicy, type RetryPolicy } from './Retry.js'
export type { ClientEvent } from './RpcChannel.js'
export { describeRpcError, mayStillRun, provablyNotExecuted, type RpcError, retryable } from './RpcError.js'
export type * from './ZfsApi.js'
