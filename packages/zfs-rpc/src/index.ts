/**
 * @zfs-autobackup/zfs-rpc: everything that talks to the ZFS JSON-RPC API.
 *
 * @since 0.1.0
 */
export type { Credentials, Secret } from './Auth.js'
export * from './Client.js'
export * from './Clock.js'
export { firstFailure, pathOf } from './DecodeFailure.js'
export type { FetchInit, FetchLike, FetchResponse } from './HttpTransport.js'
export * as MigrationCodecs from './MigrationCodecs.js'
export { classify, is, type RemoteFailure, snapshotExists } from './RemoteFailure.js'
export * as ReplyCodecs from './ReplyCodecs.js'
export { defaultRetryPolicy, delayAfter, type RetryPolicy } from './Retry.js'
export type { ClientEvent } from './RpcChannel.js'
export * as RpcErrors from './RpcError.js'
export { describe, provablyNotExecuted, type RpcError, retryable } from './RpcError.js'
export type * from './ZfsApi.js'
