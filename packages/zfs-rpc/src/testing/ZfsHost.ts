/**
 * One host's ZFS state in memory: datasets, their snapshots in creation order, each with hold tags.
 * Failures are returned as zfs's own stderr text (with the trailing newline), which the method layer wraps
 * exactly as the real API does.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Snapshot {
  readonly name: string
  readonly holds: Set<string>
  readonly createdAt: number
}

/** zfs stderr on failure. */
export type ZfsResult<A> = E.Either<string, A>

const SNAP_NAME = /^[A-Za-z0-9_.:-]+$/
const DATASET_NAME = /^[A-Za-z0-9_.:-]+(\/[A-Za-z0-9_.:-]+)*$/

const invalidChar = (name: string, allowed = /[A-Za-z0-9_.:-]/): string =>
  [...name].find((c) => !allowed.test(c)) ?? ''

// -------------------------------------------------------------------------------------
// host
// -------------------------------------------------------------------------------------

export class ZfsHost {
  /** dataset → (snapshot name → snapshot); Map insertion order is creation order. */
  private readonly datasets = new Map<string, Map<string, Snapshot>>()

  constructor(readonly name: string) {}

  hasDataset(ds: string): boolean {
    return this.datasets.has(ds)
  }

  /** All pools (top-level datasets), in creation order. */
  pools(): ReadonlyArray<string> {
    return [...this.datasets.keys()].filter((d) => !d.includes('/'))
  }

  /** `zfs list -H [-r ds]`: names sorted, `ds` and its descendants; unknown → []. */
  listDatasets(root?: string): ReadonlyArray<string> {
    const all = [...this.datasets.keys()].sort()
    if (root === undefined) return all
    return this.datasets.has(root) ? all.filter((d) => d === root || d.startsWith(`${root}/`)) : []
  }

  /** `zfs create ds` (parents must exist; a pool is created implicitly only by `ensurePath`). */
  createDataset(ds: string): ZfsResult<void> {
    if (!DATASET_NAME.test(ds))
      return E.left(
        `cannot create '${ds}': invalid character '${invalidChar(ds, /[A-Za-z0-9_.:/-]/)}' in name\n`,
      )
    if (this.datasets.has(ds)) return E.left(`cannot create '${ds}': dataset already exists\n`)
    const slash = ds.lastIndexOf('/')
    if (slash < 0) return E.left(`cannot create '${ds}': missing dataset name\n`)
    const pool = ds.slice(0, ds.indexOf('/'))
    if (!this.datasets.has(pool)) return E.left(`cannot create '${ds}': no such pool '${pool}'\n`)
    if (!this.datasets.has(ds.slice(0, slash)))
      return E.left(`cannot create '${ds}': parent does not exist\n`)
    this.datasets.set(ds, new Map())
    return E.right(undefined)
  }

  /** Creates `ds` and every missing ancestor, pool included (fixtures only). */
  ensurePath(ds: string): void {
    const parts = ds.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/')
      if (!this.datasets.has(prefix)) this.datasets.set(prefix, new Map())
    }
  }

  /** Snapshots of exactly `ds`, oldest first; unknown dataset → []. */
  snapshots(ds: string): ReadonlyArray<Snapshot> {
    return [...(this.datasets.get(ds)?.values() ?? [])]
  }

  snapshot(ds: string, name: string): Snapshot | undefined {
    return this.datasets.get(ds)?.get(name)
  }

  /** Descendants of `ds` (itself included) that have a snapshot called `name`. */
  private withSnapshot(ds: string, name: string): ReadonlyArray<string> {
    return this.listDatasets(ds).filter((d) => this.datasets.get(d)?.has(name))
  }

  /** `zfs snapshot [-r] ds@name`: all or nothing. */
  createSnapshot(ds: string, name: string, recursive: boolean, now: number): ZfsResult<void> {
    const full = `${ds}@${name}`
    if (!SNAP_NAME.test(name))
      return E.left(`cannot create snapshot '${full}': invalid character '${invalidChar(name)}' in name\n`)
    if (!this.datasets.has(ds)) return E.left(`cannot open '${ds}': dataset does not exist\n`)
    const targets = recursive ? this.listDatasets(ds) : [ds]
    const clash = targets.find((d) => this.datasets.get(d)?.has(name))
    if (clash !== undefined)
      return E.left(`cannot create snapshot '${clash}@${name}': dataset already exists\n`)
    for (const d of targets) this.datasets.get(d)?.set(name, { name, holds: new Set(), createdAt: now })
    return E.right(undefined)
  }

  /** `zfs destroy [-R] ds@name`: -R also destroys the same-named snapshots of descendants; a hold anywhere blocks all. */
  destroySnapshot(ds: string, name: string, recursive: boolean): ZfsResult<void> {
    const targets = recursive ? this.withSnapshot(ds, name) : this.snapshot(ds, name) ? [ds] : []
    if (targets.length === 0)
      return E.left('could not find any snapshots to destroy; check snapshot names.\n')
    const held = targets.find((d) => (this.snapshot(d, name)?.holds.size ?? 0) > 0)
    if (held !== undefined) return E.left(`cannot destroy snapshot ${held}@${name}: dataset is busy\n`)
    for (const d of targets) this.datasets.get(d)?.delete(name)
    return E.right(undefined)
  }

  /** `zfs hold [-r] tag ds@name` */
  hold(ds: string, name: string, tag: string, recursive: boolean): ZfsResult<void> {
    const targets = recursive ? this.withSnapshot(ds, name) : this.snapshot(ds, name) ? [ds] : []
    if (targets.length === 0) return E.left(`cannot hold snapshot '${ds}@${name}': dataset does not exist\n`)
    const clash = targets.find((d) => this.snapshot(d, name)?.holds.has(tag))
    if (clash !== undefined)
      return E.left(`cannot hold snapshot '${clash}@${name}': tag already exists on this dataset\n`)
    for (const d of targets) this.snapshot(d, name)?.holds.add(tag)
    return E.right(undefined)
  }

  /** `zfs release [-r] tag ds@name` */
  release(ds: string, name: string, tag: string, recursive: boolean): ZfsResult<void> {
    const targets = recursive ? this.withSnapshot(ds, name) : this.snapshot(ds, name) ? [ds] : []
    if (targets.length === 0)
      return E.left(`cannot release hold from snapshot '${ds}@${name}': dataset does not exist\n`)
    const missing = targets.find((d) => !this.snapshot(d, name)?.holds.has(tag))
    if (missing !== undefined)
      return E.left(`cannot release hold from snapshot '${missing}@${name}': no such tag on this dataset\n`)
    for (const d of targets) this.snapshot(d, name)?.holds.delete(tag)
    return E.right(undefined)
  }

  /** `zfs holds -H [-r] ds@name` → tags only, raw lines sorted descending (API quirk); missing → []. */
  holds(ds: string, name: string, recursive: boolean): ReadonlyArray<string> {
    const targets = recursive ? this.withSnapshot(ds, name) : [ds]
    const lines = targets.flatMap((d) =>
      [...(this.snapshot(d, name)?.holds ?? [])].map((t) => ({ line: `${d}@${name}\t${t}`, t })),
    )
    return lines.sort((a, b) => (a.line < b.line ? 1 : a.line > b.line ? -1 : 0)).map((l) => l.t)
  }

  /** Appends a received snapshot (used by the migration engine; never fails). */
  receive(ds: string, name: string, now: number): void {
    const snaps = this.datasets.get(ds)
    if (snaps && !snaps.has(name)) snaps.set(name, { name, holds: new Set(), createdAt: now })
  }

  /** `zfs create` done by a full `zfs recv`: the parent must exist. */
  receiveFull(ds: string): boolean {
    const slash = ds.lastIndexOf('/')
    if (slash < 0 || this.datasets.has(ds) || !this.datasets.has(ds.slice(0, slash))) return false
    this.datasets.set(ds, new Map())
    return true
  }
}
