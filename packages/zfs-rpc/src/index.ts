/**
 * @zfs-autobackup/zfs-rpc: everything that talks to the ZFS JSON-RPC API.
 *
 * @since 0.1.0
 */
export * from './Clock.js'
export type * from './RpcError.js'
export type * from './ZfsApi.js'
