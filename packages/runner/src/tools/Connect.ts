/**
 * What the operator tools need from the outside world, and the production binding: a client for the
 * configured API and for each destination's backup-host API (credentials read from the configured file or
 * variable, `ApiClient.clientOf`) and the time. Tests bind the
 * simulator's in-process `fetch` and a fixed `now`.
 *
 * @since 0.1.0
 */
import type { FetchLike, ZfsApi } from '@zfs-autobackup/zfs-rpc'
import type { Config } from '../config/Config.js'
import { clientOf } from '../daemon/ApiClient.js'
import * as DestinationApis from '../daemon/DestinationApis.js'

export interface ToolDeps {
  /** Default: cross-fetch over the network. */
  readonly fetch?: FetchLike
  readonly now: () => number
}

export const production: ToolDeps = { now: () => Date.now() }

type Env = Readonly<Record<string, string | undefined>>

/**
 * Retries are few and short: an operator (or Nagios) waiting on a dead API wants the "unreachable" answer
 * in seconds, not after the daemon's patient back-off.
 */
const TOOL_RETRY = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 } as const

const toolClient = (deps: ToolDeps, env: Env) => ({
  env,
  retry: TOOL_RETRY,
  ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
})

/** A client for the configured API, for one command run. */
export const connect = (c: Config, deps: ToolDeps, env: Env): ZfsApi =>
  clientOf(c.zfsApi, toolClient(deps, env))

/** The destinations' backup-host APIs (`destinations[].api`), for one command run. */
export const connectDestinations = (c: Config, deps: ToolDeps, env: Env): DestinationApis.DestinationApis =>
  DestinationApis.make(c.destinationApis, (s) => clientOf(s, toolClient(deps, env)))
