/**
 * Hold tags per snapshot, kept in memory between cycles (core-decisions.md §14).
 *
 * The API runs one `zfs holds` process per snapshot listed, so reading every snapshot's holds every cycle
 * costs the API host O(snapshots) processes. The cache re-reads only what may have changed:
 * - snapshots it has never seen (foreign or migration-made snapshots; ours are seeded empty on creation,
 *   because ZFS creates a snapshot without holds);
 * - the whole dataset after any migration of it ended (the API moves sync holds at the end of a send);
 * - a snapshot whose destroy failed as busy (someone holds it and we did not know);
 * - everything at start-up and every `rescanMs` (holds placed or released by hand).
 *
 * The periodic rescan is spread over its period: each dataset has its own slot, `rescanMs · k / N` past
 * every multiple of `rescanMs` for the k-th of the N datasets `arrange` was given, and is re-read at the
 * first read at or after its slot. So a wake re-reads a slice of about N · wake / rescanMs datasets
 * instead of all N once an hour (each scan is one `zfs holds` process per snapshot on the API host). The
 * bound on staleness is unchanged: every dataset is re-read by the first read `rescanMs` after its last
 * full scan at the latest (its latest slot is always less than `rescanMs` ago), whatever the arrangement
 * and however it changes; the first periodic rescan after start-up merely comes sooner for most.
 *
 * Staleness is safe: ZFS refuses to destroy a held snapshot, so a stale "no holds" costs one failed
 * destroy, which invalidates that entry. The cache never decides anything; it only saves work.
 *
 * Reads may partly fail (one `snapshot_holds_list` item of a batch), so the cache keeps each entry with the
 * generation of the dataset it was read in. Invalidating the dataset or starting a full rescan bumps the
 * generation at once: entries read before it stop counting (even those of a read still in flight), and
 * `holdsOf` answers only when every listed snapshot has an entry of the current generation. A rescan
 * triggered because a migration ended thus never mixes an old "no holds" with fresh entries; it completes
 * over as many cycles as the failures need, re-reading only what is still missing.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

interface Entry {
  readonly tags: ReadonlyArray<string>
  /** The dataset's generation when the read was issued. */
  readonly generation: number
}

interface DatasetEntry {
  /** Per snapshot short name; a missing key means "not read yet". */
  readonly entries: Map<string, Entry>
  /** Entries of an older generation are stale. */
  generation: number
  /** Clock time the current full rescan was started; `undefined` starts one at the next `toRead`. */
  lastFullScanAt: number | undefined
  /** Most snapshots `toRead` asks for at once; `undefined`: all. Halved when a round trip fails. */
  readLimit: number | undefined
  /** How many the last `toRead` asked for. */
  asked: number
}

export interface HoldsCache {
  /** The configured datasets, in a stable order: each gets its slot of the periodic rescan. */
  readonly arrange: (datasets: ReadonlyArray<string>) => void
  /** When the dataset's next periodic full rescan is due (`undefined`: at its next read). */
  readonly nextRescanAt: (dataset: string) => number | undefined
  /**
   * The snapshots of `dataset` whose holds must be read this cycle, given its current listing: those
   * without an entry of the current generation (all of them once a full rescan starts, which this call
   * does when one is due). Forgets snapshots that are gone.
   */
  readonly toRead: (dataset: string, snapshots: ReadonlyArray<string>, now: number) => ReadonlyArray<string>
  /**
   * The read of `toRead`'s snapshots failed as a whole (transport, HTTP, batch): ask for half as many next
   * time, so that faults which hit a whole request cannot keep a large rescan from ever completing.
   */
  readonly readFailed: (dataset: string) => void
  /** The dataset's generation: take it before issuing a read and hand it back to `store`. */
  readonly generation: (dataset: string) => number
  /**
   * Stores tags read from the API in a read issued at `generation` (only the items that succeeded; the
   * rest stay missing and are read next time). A read older than the current generation is dropped.
   * The round trip worked, so the read limit doubles back towards "all".
   */
  readonly store: (
    dataset: string,
    read: ReadonlyMap<string, ReadonlyArray<string>>,
    generation: number,
  ) => void
  /**
   * Tags of the listed snapshots that have any, or `undefined` unless every listed snapshot has an entry
   * of the current generation: partial hold knowledge must never drive a destroy.
   */
  readonly holdsOf: (
    dataset: string,
    snapshots: ReadonlyArray<string>,
  ) => ReadonlyMap<string, ReadonlyArray<string>> | undefined
  /** Every cached tag of the dataset (the migration monitor's "before" set). */
  readonly allTags: (dataset: string) => ReadonlyArray<string>
  /** A snapshot we created: it has no holds yet. */
  readonly seedEmpty: (dataset: string, snapshot: string) => void
  /** We released `tag` on the snapshot; `recursive` (`zfs release -r`): on every cached descendant too. */
  readonly tagReleased: (dataset: string, snapshot: string, tag: string, recursive?: boolean) => void
  /**
   * We placed `tag` on the snapshot (a base hold): keep the entry true without a re-read. `recursive`
   * (`zfs hold -r`): also on every cached descendant that has an entry for that snapshot name.
   */
  readonly tagPlaced: (dataset: string, snapshot: string, tag: string, recursive?: boolean) => void
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

/** A read limit this high is lifted: one batch (the client's cap is 1,000 calls) asks for everything. */
const FULL_READ = 512

/** `rescanMs`: period of the full rescan (default hourly, core-decisions.md §14). */
export const make = (rescanMs: number = 3_600_000): HoldsCache => {
  const byDataset = new Map<string, DatasetEntry>()
  const entry = (dataset: string): DatasetEntry => {
    let e = byDataset.get(dataset)
    if (e === undefined) {
      e = { entries: new Map(), generation: 0, lastFullScanAt: undefined, readLimit: undefined, asked: 0 }
      byDataset.set(dataset, e)
    }
    return e
  }
  const fresh = (e: DatasetEntry, snapshot: string): boolean =>
    e.entries.get(snapshot)?.generation === e.generation
  /** The dataset's entry, and with `recursive` those of its cached descendants (what `zfs … -r` reaches). */
  const withDescendants = (dataset: string, recursive: boolean): ReadonlyArray<DatasetEntry> =>
    recursive
      ? [entry(dataset), ...[...byDataset].filter(([d]) => d.startsWith(`${dataset}/`)).map(([, e]) => e)]
      : [entry(dataset)]
  /** Each dataset's offset of its rescan slot within the period; 0 for one never arranged. */
  let phases = new Map<string, number>()
  /** The dataset's latest slot at or before `t`. */
  const slotAtOrBefore = (dataset: string, t: number): number => {
    const phase = phases.get(dataset) ?? 0
    return phase + Math.floor((t - phase) / rescanMs) * rescanMs
  }

  return {
    arrange: (datasets) => {
      phases = new Map(datasets.map((d, k) => [d, Math.floor((rescanMs * k) / datasets.length)]))
    },
    nextRescanAt: (dataset) => {
      const last = byDataset.get(dataset)?.lastFullScanAt
      return last === undefined ? undefined : slotAtOrBefore(dataset, last) + rescanMs
    },
    toRead: (dataset, snapshots, now) => {
      const e = entry(dataset)
      const listed = new Set(snapshots)
      for (const name of e.entries.keys()) if (!listed.has(name)) e.entries.delete(name)
      const fullDue =
        e.lastFullScanAt === undefined ||
        e.lastFullScanAt < slotAtOrBefore(dataset, now) ||
        now < e.lastFullScanAt
      if (fullDue) {
        e.generation += 1
        e.lastFullScanAt = now
      }
      const stale = snapshots.filter((s) => !fresh(e, s))
      const ask = e.readLimit === undefined ? stale : stale.slice(0, e.readLimit)
      e.asked = ask.length
      return ask
    },
    readFailed: (dataset) => {
      const e = entry(dataset)
      e.readLimit = Math.max(1, Math.floor(Math.min(e.readLimit ?? e.asked, e.asked) / 2))
    },
    generation: (dataset) => entry(dataset).generation,
    store: (dataset, read, generation) => {
      const e = entry(dataset)
      if (e.readLimit !== undefined) e.readLimit = e.readLimit >= FULL_READ ? undefined : e.readLimit * 2
      if (generation !== e.generation) return
      for (const [snapshot, tags] of read) e.entries.set(snapshot, { tags, generation })
    },
    holdsOf: (dataset, snapshots) => {
      const e = entry(dataset)
      const out = new Map<string, ReadonlyArray<string>>()
      for (const s of snapshots) {
        const got = e.entries.get(s)
        if (got === undefined || got.generation !== e.generation) return undefined
        if (got.tags.length > 0) out.set(s, got.tags)
      }
      return out
    },
    allTags: (dataset) => [...(byDataset.get(dataset)?.entries.values() ?? [])].flatMap((x) => x.tags),
    seedEmpty: (dataset, snapshot) => {
      const e = entry(dataset)
      e.entries.set(snapshot, { tags: [], generation: e.generation })
    },
    tagReleased: (dataset, snapshot, tag, recursive = false) => {
      for (const e of withDescendants(dataset, recursive)) {
        const got = e.entries.get(snapshot)
        if (got !== undefined) e.entries.set(snapshot, { ...got, tags: got.tags.filter((t) => t !== tag) })
      }
    },
    tagPlaced: (dataset, snapshot, tag, recursive = false) => {
      for (const e of withDescendants(dataset, recursive)) {
        const got = e.entries.get(snapshot)
        if (got !== undefined && !got.tags.includes(tag))
          e.entries.set(snapshot, { ...got, tags: [...got.tags, tag] })
      }
    },
    forget: (dataset, snapshot) => {
      entry(dataset).entries.delete(snapshot)
    },
    invalidateSnapshot: (dataset, snapshot) => {
      entry(dataset).entries.delete(snapshot)
    },
    invalidateDataset: (dataset) => {
      entry(dataset).generation += 1
    },
    invalidateAll: () => {
      for (const e of byDataset.values()) {
        e.generation += 1
        e.lastFullScanAt = undefined
      }
    },
  }
}
