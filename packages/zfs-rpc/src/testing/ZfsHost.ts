/**
 * One host's ZFS state in memory: datasets (with their guid and, for clones, their origin), their snapshots
 * in creation order, each with a guid and hold tags. Failures are returned as zfs's own stderr text (with the
 * trailing newline), which the method layer wraps exactly as the real API does.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { mulberry32 } from './Prng.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Snapshot {
  readonly name: string
  readonly holds: Set<string>
  readonly createdAt: number
  /**
   * zfs's `guid` property as a decimal string: new for every snapshot taken, kept by a receive. Equal names
   * with different guids on two hosts are different snapshots (a *diverged* destination).
   */
  readonly guid: string
  /** Host-wide transaction-group counter at creation (zfs's `createtxg`): orders snapshots across datasets. */
  readonly createtxg: number
}

interface Dataset {
  readonly guid: string
  readonly createdAt: number
  readonly createtxg: number
  /** `ds@snap` this dataset was cloned from (`zfs clone`), if any. */
  readonly origin: string | undefined
  /** snapshot name → snapshot; Map insertion order is creation order. */
  readonly snaps: Map<string, Snapshot>
}

/** zfs stderr on failure. */
export type ZfsResult<A> = E.Either<string, A>

/** Makes guids; one generator per model so every host draws from the same, seeded sequence. */
export type GuidSource = () => string

/** 64-bit unsigned decimal strings from a seeded PRNG, never the same twice from one source. */
export const guidSource = (seed: number): GuidSource => {
  const prng = mulberry32(seed)
  const seen = new Set<string>()
  const word = () => BigInt(Math.floor(prng.next() * 2 ** 32))
  return () => {
    for (;;) {
      const g = ((word() << 32n) | word()).toString()
      if (g !== '0' && !seen.has(g)) {
        seen.add(g)
        return g
      }
    }
  }
}

const SNAP_NAME = /^[A-Za-z0-9_.:-]+$/
const DATASET_NAME = /^[A-Za-z0-9_.:-]+(\/[A-Za-z0-9_.:-]+)*$/

const invalidChar = (name: string, allowed = /[A-Za-z0-9_.:-]/): string =>
  [...name].find((c) => !allowed.test(c)) ?? ''

/** A fixture's guid, the same for the same name everywhere (see `seed.snapshots`): FNV-1a, 64 bits. */
export const fixtureGuid = (name: string): string => {
  let h = 0xcbf29ce484222325n
  for (const c of name) h = ((h ^ BigInt(c.codePointAt(0) ?? 0)) * 0x100000001b3n) & 0xffffffffffffffffn
  return h.toString()
}

const hashName = (s: string): number =>
  [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261)

// -------------------------------------------------------------------------------------
// host
// -------------------------------------------------------------------------------------

export class ZfsHost {
  private readonly datasets = new Map<string, Dataset>()
  /** Snapshots (`ds@snap`) that are in use without a hold (mounted under `.zfs/snapshot`, being sent…). */
  private readonly busySet = new Set<string>()
  private txg = 0
  /** Every receive into this host fails (`out of space`); set through `seed.outOfSpace`. */
  outOfSpace = false

  /** `newGuid` defaults to a generator seeded from the host name (stand-alone hosts in unit tests). */
  constructor(
    readonly name: string,
    private readonly newGuid: GuidSource = guidSource(hashName(name)),
  ) {}

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

  private newDataset(now: number, origin?: string): Dataset {
    return {
      guid: this.newGuid(),
      createdAt: now,
      createtxg: ++this.txg,
      origin,
      snaps: new Map(),
    }
  }

  /** `zfs create ds` (parents must exist; a pool is created implicitly only by `ensurePath`). */
  createDataset(ds: string, now = 0): ZfsResult<void> {
    const bad = this.checkNew(ds)
    if (bad !== undefined) return E.left(`cannot create '${ds}': ${bad}`)
    this.datasets.set(ds, this.newDataset(now))
    return E.right(undefined)
  }

  /** Why `ds` cannot be created (zfs's text after `cannot create '<ds>': `), or undefined. */
  private checkNew(ds: string): string | undefined {
    if (!DATASET_NAME.test(ds)) return `invalid character '${invalidChar(ds, /[A-Za-z0-9_.:/-]/)}' in name\n`
    if (this.datasets.has(ds)) return 'dataset already exists\n'
    const slash = ds.lastIndexOf('/')
    if (slash < 0) return 'missing dataset name\n'
    const pool = ds.slice(0, ds.indexOf('/'))
    if (!this.datasets.has(pool)) return `no such pool '${pool}'\n`
    if (!this.datasets.has(ds.slice(0, slash))) return 'parent does not exist\n'
    return undefined
  }

  /** Creates `ds` and every missing ancestor, pool included (fixtures only). */
  ensurePath(ds: string, now = 0): void {
    const parts = ds.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/')
      if (!this.datasets.has(prefix)) this.datasets.set(prefix, this.newDataset(now))
    }
  }

  /** Snapshots of exactly `ds`, oldest first; unknown dataset → []. */
  snapshots(ds: string): ReadonlyArray<Snapshot> {
    return [...(this.datasets.get(ds)?.snaps.values() ?? [])]
  }

  snapshot(ds: string, name: string): Snapshot | undefined {
    return this.datasets.get(ds)?.snaps.get(name)
  }

  /** Every snapshot on the host (what one `zfs list -t snapshot` walks). */
  snapshotCount(): number {
    let n = 0
    for (const d of this.datasets.values()) n += d.snaps.size
    return n
  }

  /** Descendants of `ds` (itself included) that have a snapshot called `name`. */
  private withSnapshot(ds: string, name: string): ReadonlyArray<string> {
    return this.listDatasets(ds).filter((d) => this.datasets.get(d)?.snaps.has(name))
  }

  /** `zfs snapshot [-r] ds@name`: all or nothing (one transaction group for the whole tree). */
  createSnapshot(ds: string, name: string, recursive: boolean, now: number): ZfsResult<void> {
    const full = `${ds}@${name}`
    if (!SNAP_NAME.test(name))
      return E.left(`cannot create snapshot '${full}': invalid character '${invalidChar(name)}' in name\n`)
    if (!this.datasets.has(ds)) return E.left(`cannot open '${ds}': dataset does not exist\n`)
    const targets = recursive ? this.listDatasets(ds) : [ds]
    const clash = targets.find((d) => this.datasets.get(d)?.snaps.has(name))
    if (clash !== undefined)
      return E.left(`cannot create snapshot '${clash}@${name}': dataset already exists\n`)
    const txg = ++this.txg
    for (const d of targets)
      this.datasets
        .get(d)
        ?.snaps.set(name, { name, holds: new Set(), createdAt: now, guid: this.newGuid(), createtxg: txg })
    return E.right(undefined)
  }

  /** Datasets cloned from `ds@name`. */
  clonesOf(ds: string, name: string): ReadonlyArray<string> {
    const origin = `${ds}@${name}`
    return [...this.datasets.entries()].filter(([, d]) => d.origin === origin).map(([n]) => n)
  }

  /**
   * `zfs destroy [-R] ds@name`. Without -R a snapshot with clones is refused (zfs checks that before the
   * destroy itself, so it wins over a hold). -R also destroys the same-named snapshots of descendants and
   * every dependent clone. A hold or a busy mark anywhere blocks all.
   */
  destroySnapshot(ds: string, name: string, recursive: boolean): ZfsResult<void> {
    const targets = recursive ? this.withSnapshot(ds, name) : this.snapshot(ds, name) ? [ds] : []
    if (targets.length === 0)
      return E.left('could not find any snapshots to destroy; check snapshot names.\n')
    if (!recursive) {
      const clones = this.clonesOf(ds, name)
      if (clones.length > 0)
        return E.left(
          `cannot destroy '${ds}@${name}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\n${clones.map((c) => `${c}\n`).join('')}`,
        )
    }
    const clones = targets.flatMap((d) => this.clonesOf(d, name).flatMap((c) => this.listDatasets(c)))
    const blocked = [
      ...targets.map((d) => `${d}@${name}`),
      ...clones.flatMap((c) => this.snapshots(c).map((s) => `${c}@${s.name}`)),
    ].find((full) => this.isBusy(full))
    if (blocked !== undefined) return E.left(`cannot destroy snapshot ${blocked}: dataset is busy\n`)
    for (const c of clones) this.datasets.delete(c)
    for (const d of targets) this.datasets.get(d)?.snaps.delete(name)
    return E.right(undefined)
  }

  /** Held or marked busy: zfs refuses to destroy it with "dataset is busy". */
  private isBusy(full: string): boolean {
    const [ds, name] = full.split('@') as [string, string]
    return (this.snapshot(ds, name)?.holds.size ?? 0) > 0 || this.busySet.has(full)
  }

  /** Marks a snapshot in use without a hold (e.g. mounted under `.zfs/snapshot`): destroys fail "busy". */
  setBusy(ds: string, name: string, busy: boolean): void {
    if (busy) this.busySet.add(`${ds}@${name}`)
    else this.busySet.delete(`${ds}@${name}`)
  }

  /** `zfs clone src target`: a new dataset whose origin is `src` (`ds@snap`); the parent must exist. */
  clone(src: string, target: string, now = 0): ZfsResult<void> {
    const [ds, name] = src.split('@') as [string, string | undefined]
    if (name === undefined || this.snapshot(ds, name) === undefined)
      return E.left(`cannot open '${src}': dataset does not exist\n`)
    const bad = this.checkNew(target)
    if (bad !== undefined) return E.left(`cannot create '${target}': ${bad}`)
    this.datasets.set(target, this.newDataset(now, src))
    return E.right(undefined)
  }

  /**
   * `zfs destroy [-R] ds`: without -R a dataset with children or snapshots is refused; -R takes the
   * descendants, their snapshots and their clones. A held snapshot among them blocks it.
   */
  destroyDataset(ds: string, recursive: boolean): ZfsResult<void> {
    if (!this.datasets.has(ds)) return E.left(`cannot open '${ds}': dataset does not exist\n`)
    if (!ds.includes('/'))
      return E.left(
        `cannot destroy '${ds}': operation does not apply to pools\nuse 'zfs destroy -r ${ds}' to destroy all datasets in the pool\nuse 'zpool destroy ${ds}' to destroy the pool itself\n`,
      )
    const doomed = recursive ? this.withDependents(ds) : [ds]
    if (!recursive) {
      const children = [
        ...this.listDatasets(ds).filter((d) => d !== ds),
        ...this.snapshots(ds).map((s) => `${ds}@${s.name}`),
      ]
      if (children.length > 0)
        return E.left(
          `cannot destroy '${ds}': filesystem has children\nuse '-r' to destroy the following datasets:\n${children.map((c) => `${c}\n`).join('')}`,
        )
    }
    const held = doomed
      .flatMap((d) => this.snapshots(d).map((s) => `${d}@${s.name}`))
      .find((f) => this.isBusy(f))
    if (held !== undefined) return E.left(`cannot destroy snapshot ${held}: dataset is busy\n`)
    for (const d of doomed) this.datasets.delete(d)
    return E.right(undefined)
  }

  /** `ds`, its descendants, and (transitively) every clone of their snapshots with its descendants. */
  private withDependents(ds: string): ReadonlyArray<string> {
    const out = new Set<string>()
    const visit = (d: string): void => {
      for (const x of this.listDatasets(d)) {
        if (out.has(x)) continue
        out.add(x)
        for (const s of this.snapshots(x)) for (const c of this.clonesOf(x, s.name)) visit(c)
      }
    }
    visit(ds)
    return [...out]
  }

  /** What `zfs hold/release [-r] … ds@name` acts on: -r takes every descendant that has the name, ds or not. */
  private holdTargets(ds: string, name: string, recursive: boolean): ReadonlyArray<string> {
    if (recursive) return this.withSnapshot(ds, name)
    return this.snapshot(ds, name) === undefined ? [] : [ds]
  }

  /**
   * `zfs hold [-r] tag ds@name`: -r also holds the same-named snapshots of descendants, in one transaction
   * (libzfs collects every one that exists, so `ds` itself need not; none at all fails). A tag already on
   * any of them refuses the whole, naming that one.
   */
  hold(ds: string, name: string, tag: string, recursive: boolean): ZfsResult<void> {
    const targets = this.holdTargets(ds, name, recursive)
    if (targets.length === 0) return E.left(`cannot hold snapshot '${ds}@${name}': dataset does not exist\n`)
    const clash = targets.find((d) => this.snapshot(d, name)?.holds.has(tag))
    if (clash !== undefined)
      return E.left(`cannot hold snapshot '${clash}@${name}': tag already exists on this dataset\n`)
    for (const d of targets) this.snapshot(d, name)?.holds.add(tag)
    return E.right(undefined)
  }

  /** `zfs release [-r] tag ds@name`: all or nothing; one of them without the tag refuses the whole, naming it. */
  release(ds: string, name: string, tag: string, recursive: boolean): ZfsResult<void> {
    const targets = this.holdTargets(ds, name, recursive)
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

  /**
   * Appends a received copy of `src` (used by the migration engine; never fails): a stream carries the
   * snapshot's guid and creation time, so both stay the sender's.
   */
  receive(ds: string, src: Snapshot): void {
    const snaps = this.datasets.get(ds)?.snaps
    if (snaps && !snaps.has(src.name))
      snaps.set(src.name, {
        name: src.name,
        holds: new Set(),
        createdAt: src.createdAt,
        guid: src.guid,
        createtxg: ++this.txg,
      })
  }

  /** `zfs create` done by a full `zfs recv`: the parent must exist. */
  receiveFull(ds: string, now = 0): boolean {
    const slash = ds.lastIndexOf('/')
    if (slash < 0 || this.datasets.has(ds) || !this.datasets.has(ds.slice(0, slash))) return false
    this.datasets.set(ds, this.newDataset(now))
    return true
  }

  /**
   * Gives `ds@name` another guid (a new one by default), as if it had been destroyed and taken again by hand
   * under the same name (position and holds kept): the same name on two hosts then is not the same snapshot.
   */
  diverge(ds: string, name: string, guid: string = this.newGuid()): ZfsResult<void> {
    const s = this.snapshot(ds, name)
    if (s === undefined) return E.left(`cannot open '${ds}@${name}': dataset does not exist\n`)
    this.datasets.get(ds)?.snaps.set(name, { ...s, guid })
    return E.right(undefined)
  }

  /** Facts `zfs get` reports about a dataset or `ds@snap`; undefined when it does not exist. */
  facts(target: string): DatasetFacts | undefined {
    const at = target.indexOf('@')
    if (at < 0) {
      const d = this.datasets.get(target)
      return d === undefined
        ? undefined
        : {
            type: 'filesystem',
            guid: d.guid,
            createdAt: d.createdAt,
            createtxg: d.createtxg,
            origin: d.origin,
            userrefs: undefined,
          }
    }
    const s = this.snapshot(target.slice(0, at), target.slice(at + 1))
    return s === undefined
      ? undefined
      : {
          type: 'snapshot',
          guid: s.guid,
          createdAt: s.createdAt,
          createtxg: s.createtxg,
          origin: undefined,
          userrefs: s.holds.size,
        }
  }
}

export interface DatasetFacts {
  readonly type: 'filesystem' | 'snapshot'
  readonly guid: string
  readonly createdAt: number
  readonly createtxg: number
  readonly origin: string | undefined
  /** Number of holds (snapshots only). */
  readonly userrefs: number | undefined
}
