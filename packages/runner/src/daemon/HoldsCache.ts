/**
 * Hold tags per snapshot, kept in memory between cycles (decisions.md §14).
 *
 * The API runs one `zfs holds` process per snapshot listed, so reading every snapshot's holds every cycle
 * costs the API host O(snapshots) processes. The cache re-reads only what may have changed:
 * - snapshots it has never seen (foreign or migration-made snapshots; ours are seeded empty on creation,
 *   because ZFS creates a snapshot without holds);
 * - the whole dataset after any migration of it ended (the API moves sync holds at the end of a send);
 * - a snapshot whose destroy failed as busy (someone holds it and we did not know);
 * - everything at start-up and every `rescanMs` (holds placed or released by hand).
 *
 * Staleness is safe: ZFS refuses to destroy a held snapshot, so a stale "no holds" costs one failed
 * destroy, which invalidates that entry. The cache never decides anything; it only saves work.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

interface DatasetEntry {
  /** Tags per snapshot short name; a missing key means "not read yet". */
  readonly tags: Map<string, ReadonlyArray<string>>
  /** Clock time of the last full read of the dataset; `undefined` forces one. */
  lastFullScanAt: number | undefined
}

export interface HoldsCache {
  /**
   * The snapshots of `dataset` whose holds must be read this cycle, given its current listing: all of them
   * when a full scan is due, else those with no cached entry. Forgets snapshots that are gone.
   */
  readonly toRead: (dataset: string, snapshots: ReadonlyArray<string>, now: number) => ReadonlyArray<string>
  /** Stores tags read from the API (`full` when every listed snapshot was read). */
  readonly store: (
    dataset: string,
    read: ReadonlyMap<string, ReadonlyArray<string>>,
    full: boolean,
    now: number,
  ) => void
  /** Cached tags for the listed snapshots; only call after `store` covered `toRead`. */
  readonly holdsOf: (
    dataset: string,
    snapshots: ReadonlyArray<string>,
  ) => ReadonlyMap<string, ReadonlyArray<string>>
  /** Every cached tag of the dataset (the migration monitor's "before" set). */
  readonly allTags: (dataset: string) => ReadonlyArray<string>
  /** A snapshot we created: it has no holds yet. */
  readonly seedEmpty: (dataset: string, snapshot: string) => void
  readonly tagReleased: (dataset: string, snapshot: string, tag: string) => void
  readonly forget: (dataset: string, snapshot: string) => void
  /** Destroy failed as busy: read this snapshot again. */
  readonly invalidateSnapshot: (dataset: string, snapshot: string) => void
  /** A migration of the dataset ended: read the whole dataset again. */
  readonly invalidateDataset: (dataset: string) => void
  /** Full rescan of everything at the next read (SIGHUP, API back up). */
  readonly invalidateAll: () => void
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** `rescanMs`: period of the full rescan (default hourly, decisions.md §14). */
export const make = (rescanMs: number = 3_600_000): HoldsCache => {
  const byDataset = new Map<string, DatasetEntry>()
  const entry = (dataset: string): DatasetEntry => {
    let e = byDataset.get(dataset)
    if (e === undefined) {
      e = { tags: new Map(), lastFullScanAt: undefined }
      byDataset.set(dataset, e)
    }
    return e
  }

  return {
    toRead: (dataset, snapshots, now) => {
      const e = entry(dataset)
      const listed = new Set(snapshots)
      for (const name of e.tags.keys()) if (!listed.has(name)) e.tags.delete(name)
      const fullDue =
        e.lastFullScanAt === undefined || now - e.lastFullScanAt >= rescanMs || now < e.lastFullScanAt
      return fullDue ? snapshots : snapshots.filter((s) => !e.tags.has(s))
    },
    store: (dataset, read, full, now) => {
      const e = entry(dataset)
      for (const [snapshot, tags] of read) e.tags.set(snapshot, tags)
      if (full) e.lastFullScanAt = now
    },
    holdsOf: (dataset, snapshots) => {
      const e = entry(dataset)
      const out = new Map<string, ReadonlyArray<string>>()
      for (const s of snapshots) {
        const tags = e.tags.get(s)
        if (tags !== undefined && tags.length > 0) out.set(s, tags)
      }
      return out
    },
    allTags: (dataset) => [...(byDataset.get(dataset)?.tags.values() ?? [])].flat(),
    seedEmpty: (dataset, snapshot) => {
      entry(dataset).tags.set(snapshot, [])
    },
    tagReleased: (dataset, snapshot, tag) => {
      const e = entry(dataset)
      const tags = e.tags.get(snapshot)
      if (tags !== undefined)
        e.tags.set(
          snapshot,
          tags.filter((t) => t !== tag),
        )
    },
    forget: (dataset, snapshot) => {
      entry(dataset).tags.delete(snapshot)
    },
    invalidateSnapshot: (dataset, snapshot) => {
      entry(dataset).tags.delete(snapshot)
    },
    invalidateDataset: (dataset) => {
      entry(dataset).lastFullScanAt = undefined
    },
    invalidateAll: () => {
      for (const e of byDataset.values()) e.lastFullScanAt = undefined
    },
  }
}
