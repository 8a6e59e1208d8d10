/**
 * The one way a configured API becomes a client: `zfs_api` and every destination's backup-host API
 * (`destinations[].api`) alike, with the credentials read through `credentialsFor` (JWT login for a
 * non-local host, contract §1.5). The daemon, the demo and the operator tools differ only in the options.
 *
 * @since 0.2.0
 */
import {
  type Clock,
  type FetchLike,
  makeClient,
  type RetryPolicy,
  type ZfsApi,
} from '@zfs-autobackup/zfs-rpc'
import type { ZfsApiSettings } from '../config/Config.js'
import { credentialsFor } from '../config/ConfigSource.js'

export interface ClientDeps {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Default: cross-fetch over the network (the demo and tests pass the simulator's in-process fetch). */
  readonly fetch?: FetchLike
  /** Timeouts and retry delays run on it. Default: the system clock. */
  readonly clock?: Clock
  readonly retry?: Partial<RetryPolicy>
}

export const clientOf = (settings: ZfsApiSettings, deps: ClientDeps): ZfsApi => {
  const auth = credentialsFor(settings, deps.env)
  return makeClient({
    url: settings.url,
    timeoutMs: settings.timeoutSeconds * 1000,
    maxCallsInFlight: settings.maxCallsInFlight,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.retry === undefined ? {} : { retry: deps.retry }),
    ...(auth === undefined ? {} : { auth }),
  })
}
