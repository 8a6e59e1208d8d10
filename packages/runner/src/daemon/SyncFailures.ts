/**
 * Consecutive sync failures per destination, the input of the core's back-off (core-decisions.md §10).
 *
 * Keyed by (local dataset, remote host, remote dataset): the API keys sync holds by host only, but two
 * destinations on one host are separate targets and fail separately. Kept in memory: after a restart the
 * back-off starts afresh, which at worst retries one sync early.
 *
 * @since 0.1.0
 */
import type { SyncFailures as Failures } from '@zfs-autobackup/core'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Destination {
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

export interface SyncFailures {
  readonly recordFailure: (d: Destination, at: number) => number
  readonly recordSuccess: (d: Destination) => void
  /** The failures of this dataset's destinations, for its observation. */
  readonly of: (dataset: string) => ReadonlyArray<Failures>
  readonly get: (d: Destination) => Failures | undefined
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const keyOf = (d: Destination): string => JSON.stringify([d.dataset, d.remoteHost, d.remoteDataset])

export const make = (): SyncFailures => {
  const byKey = new Map<string, { readonly dataset: string; readonly failures: Failures }>()
  return {
    recordFailure: (d, at) => {
      const key = keyOf(d)
      const consecutive = (byKey.get(key)?.failures.consecutive ?? 0) + 1
      byKey.set(key, {
        dataset: d.dataset,
        failures: {
          remoteHost: d.remoteHost,
          remoteDataset: d.remoteDataset,
          consecutive,
          lastFailureAt: at,
        },
      })
      return consecutive
    },
    recordSuccess: (d) => {
      byKey.delete(keyOf(d))
    },
    of: (dataset) => [...byKey.values()].filter((v) => v.dataset === dataset).map((v) => v.failures),
    get: (d) => byKey.get(keyOf(d))?.failures,
  }
}
