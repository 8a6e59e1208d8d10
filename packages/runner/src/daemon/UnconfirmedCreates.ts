/**
 * `migration_create` calls whose outcome is unknown (timed out, connection lost after sending, 5xx, a reply
 * that did not decode): the API may have started the migration, or may still start it when the request
 * finally lands, and the daemon would never know its task id.
 *
 * Until `migration_list` shows a task of that destination (it landed: the cycle adopts it) or a grace
 * period passes with the listing working, such a create counts as a migration in flight of unknown origin
 * (no `baseAtStart`): the core then starts no other sync to that destination (§9), so two migrations to one
 * destination do not race, and destroys nothing in the dataset (§8 as amended), whatever range it sends.
 *
 * @since 0.1.0
 */
import type { InFlightMigration } from '@zfs-autobackup/core'
import { provablyNotExecuted, type RpcError } from '@zfs-autobackup/zfs-rpc'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Destination {
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

export interface UnconfirmedCreates {
  readonly record: (d: Destination, at: number) => void
  /**
   * After a `migration_list` that worked: drops the creates of `dataset` that a listed task now accounts
   * for, and those older than the grace period.
   */
  readonly settle: (
    dataset: string,
    listed: ReadonlyArray<{ readonly remoteHost: string; readonly remoteDataset: string }>,
    now: number,
  ) => void
  /** The dataset's unconfirmed creates, as the core's in-flight input. */
  readonly inFlight: (dataset: string) => ReadonlyArray<InFlightMigration>
}

/** Far beyond the client's timeout and retries: a request that lands later than this is not expected. */
const GRACE_MS = 10 * 60_000

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** An error after which the create may still have run (or may run later) on the API host. */
export const isAmbiguous = (e: RpcError): boolean => e._tag !== 'Remote' && !provablyNotExecuted(e)

export const make = (graceMs: number = GRACE_MS): UnconfirmedCreates => {
  /** Time of the newest unconfirmed create, by dataset then destination. */
  const byDataset = new Map<string, Map<string, { readonly d: Destination; readonly at: number }>>()
  const key = (d: { readonly remoteHost: string; readonly remoteDataset: string }) =>
    `${d.remoteHost}\u0000${d.remoteDataset}`

  return {
    record: (d, at) => {
      const forDataset = byDataset.get(d.dataset) ?? new Map()
      forDataset.set(key(d), { d, at })
      byDataset.set(d.dataset, forDataset)
    },
    settle: (dataset, listed, now) => {
      const forDataset = byDataset.get(dataset)
      if (forDataset === undefined) return
      for (const t of listed) forDataset.delete(key(t))
      for (const [k, u] of forDataset) if (now - u.at > graceMs) forDataset.delete(k)
      if (forDataset.size === 0) byDataset.delete(dataset)
    },
    inFlight: (dataset) =>
      [...(byDataset.get(dataset)?.values() ?? [])].map(({ d, at }) => ({
        taskId: `unconfirmed-create@${new Date(at).toISOString()}`,
        remoteHost: d.remoteHost,
        remoteDataset: d.remoteDataset,
        status: 'pending' as const,
      })),
  }
}
