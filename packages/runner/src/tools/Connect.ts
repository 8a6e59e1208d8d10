/**
 * What the operator tools need from the outside world, and the production binding: a client for the
 * configured API (credentials read from the configured file or variable) and the time. Tests bind the
 * simulator's in-process `fetch` and a fixed `now`.
 *
 * @since 0.1.0
 */
import { type FetchLike, makeClient, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import type { Config } from '../config/Config.js'
import { credentialsOf } from '../config/ConfigSource.js'

export interface ToolDeps {
  /** Default: cross-fetch over the network. */
  readonly fetch?: FetchLike
  readonly now: () => number
}

export const production: ToolDeps = { now: () => Date.now() }

/**
 * A client for one command run. Retries are few and short: an operator (or Nagios) waiting on a dead API
 * wants the "unreachable" answer in seconds, not after the daemon's patient back-off.
 */
export const connect = (
  c: Config,
  deps: ToolDeps,
  env: Readonly<Record<string, string | undefined>>,
): ZfsApi => {
  const auth = credentialsOf(c, env)
  return makeClient({
    url: c.zfsApi.url,
    timeoutMs: c.zfsApi.timeoutSeconds * 1000,
    maxCallsInFlight: c.zfsApi.maxCallsInFlight,
    retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(auth === undefined ? {} : { auth }),
  })
}
