/**
 * The backup hosts' own APIs (`destinations[].api`, core-decisions.md §15), one client per destination that has
 * one: what the daemon asks to verify arrival (`ArrivalCheck`) and, later, to prune the backup host.
 *
 * - `forDestination(d)` is the client for `(remote host, remote dataset)`, or `undefined` when that
 *   destination has no API (arrival is then not verified).
 * - Destinations whose API has the same URL and the same credentials share **one** client, so its
 *   `max_calls_in_flight` bounds everything this daemon asks of that host together (and one login token
 *   serves them all). The first destination's `timeout` and `max_calls_in_flight` apply to the shared
 *   client; `check-config` warns when they differ.
 * - Clients are made once, when the daemon starts (a changed `destinations[].api` rebuilds them: SIGHUP or
 *   restart, like `zfs_api`). Making a client sends nothing.
 *
 * @since 0.2.0
 */
import type { ZfsApi } from '@zfs-autobackup/zfs-rpc'
import type { DestinationApi, ZfsApiSettings } from '../config/Config.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Target {
  readonly remoteHost: string
  readonly remoteDataset: string
}

export interface DestinationApis {
  /** The backup host's API client for this destination; `undefined` when it has none. */
  readonly forDestination: (d: Target) => ZfsApi | undefined
  /** Every distinct client with its URL (for stats), in config order. */
  readonly clients: () => ReadonlyArray<{ readonly url: string; readonly api: ZfsApi }>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Same URL and same credentials (user and where the password comes from): one client. */
export const sharingKey = (s: ZfsApiSettings): string =>
  JSON.stringify([s.url, s.auth?.username ?? null, s.auth?.password ?? null])

const destinationKey = (d: Target): string => JSON.stringify([d.remoteHost, d.remoteDataset])

/** `build` makes one client from its settings (`ApiClient.clientOf` with the daemon's options). */
export const make = (
  entries: ReadonlyArray<DestinationApi>,
  build: (settings: ZfsApiSettings) => ZfsApi,
): DestinationApis => {
  const shared = new Map<string, { readonly url: string; readonly api: ZfsApi }>()
  const byDestination = new Map<string, ZfsApi>()
  for (const e of entries) {
    const k = sharingKey(e.api)
    let client = shared.get(k)
    if (client === undefined) {
      client = { url: e.api.url, api: build(e.api) }
      shared.set(k, client)
    }
    byDestination.set(destinationKey(e), client.api)
  }
  return {
    forDestination: (d) => byDestination.get(destinationKey(d)),
    clients: () => [...shared.values()],
  }
}

/** No destination has an API (tests, and the default of `Capabilities`). */
export const none: DestinationApis = { forDestination: () => undefined, clients: () => [] }
