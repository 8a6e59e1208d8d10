/**
 * One in-process `fetch` for several simulated API hosts, chosen by the URL's `host:port`: the demo (and
 * the end-to-end tests) serve the source API and a backup host's own API from one simulator, each under
 * the URL the config names; any other URL goes to `fallback` (the source API).
 *
 * @since 0.2.0
 */
import type { FetchLike } from '@zfs-autobackup/zfs-rpc'

export const routedFetch =
  (routes: Readonly<Record<string, FetchLike>>, fallback: FetchLike): FetchLike =>
  (url, init) =>
    (routes[new URL(url).host] ?? fallback)(url, init)
