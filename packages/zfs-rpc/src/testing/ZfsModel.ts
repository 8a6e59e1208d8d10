/**
 * All hosts the simulator knows — the API host (`local`), the remote hosts migrations push to — plus the
 * receive side of a transfer and a record of invariant violations (a snapshot destroyed while being sent).
 * A model can be *viewed from* another host (`viewFrom`): same hosts, same guids, same violations, but that
 * host is `local`. That is how a backup host gets its own API on the one shared state.
 *
 * @since 0.1.0
 */
import { type Plan, type Stream, streams } from './MigrationPlan.js'
import { type GuidSource, guidSource, ZfsHost } from './ZfsHost.js'

export interface Violation {
  readonly taskId: string
  readonly at: number
  readonly message: string
}

/** What one receive did (the script never looks, so only tests see this). */
export interface Receipt {
  readonly taskId: string
  readonly at: number
  readonly host: string
  readonly dataset: string
  /** Snapshots the stream carried, oldest first. */
  readonly snapshots: ReadonlyArray<string>
  /** undefined when they arrived; else zfs's reason (e.g. `out of space`). */
  readonly failure: string | undefined
}

interface Shared {
  /** Every host by name, the first API host included. */
  readonly hosts: Map<string, ZfsHost>
  readonly violations: Violation[]
  readonly receipts: Receipt[]
  readonly unknownRemotes: 'create' | 'fail'
  readonly newGuid: GuidSource
}

export class ZfsModel {
  readonly local: ZfsHost
  private readonly shared: Shared

  /**
   * `unknownRemotes: 'create'` makes any host reachable (with any pool); `'fail'` only those added.
   * `guidSeed` seeds snapshot and dataset guids (default 1).
   */
  constructor(localName: string, unknownRemotes: 'create' | 'fail', guidSeed?: number)
  /** @internal a view of `shared` from `local` (see `viewFrom`). */
  constructor(local: ZfsHost, shared: Shared)
  constructor(a: string | ZfsHost, b: 'create' | 'fail' | Shared, guidSeed = 1) {
    if (typeof a === 'string') {
      const newGuid = guidSource(guidSeed)
      this.shared = {
        hosts: new Map(),
        violations: [],
        receipts: [],
        unknownRemotes: b as 'create' | 'fail',
        newGuid,
      }
      this.local = new ZfsHost(a, newGuid)
      this.shared.hosts.set(a, this.local)
    } else {
      this.local = a
      this.shared = b as Shared
    }
  }

  /** The same hosts seen from `host` (created if missing): its API's `local`. */
  viewFrom(host: string): ZfsModel {
    return host === this.local.name ? this : new ZfsModel(this.addRemote(host), this.shared)
  }

  addRemote(name: string): ZfsHost {
    const existing = this.shared.hosts.get(name)
    if (existing) return existing
    const h = new ZfsHost(name, this.shared.newGuid)
    this.shared.hosts.set(name, h)
    return h
  }

  remote(name: string): ZfsHost | undefined {
    return (
      this.shared.hosts.get(name) ??
      (this.shared.unknownRemotes === 'create' ? this.addRemote(name) : undefined)
    )
  }

  /** `name === undefined` or the local host's name → local. */
  host(name?: string): ZfsHost | undefined {
    return name === undefined || name === this.local.name ? this.local : this.remote(name)
  }

  /** Every other host, in the order they appeared. */
  remoteNames(): ReadonlyArray<string> {
    return [...this.shared.hosts.keys()].filter((n) => n !== this.local.name)
  }

  violations(): ReadonlyArray<Violation> {
    return this.shared.violations
  }

  /** Every receive a migration attempted, in order, with its outcome. */
  receipts(): ReadonlyArray<Receipt> {
    return this.shared.receipts
  }

  /**
   * Applies a finished transfer to the destination, as `zfs recv -s -F` would: an incremental only lands
   * when the destination's newest snapshot is the stream's base (same guid); a full one needs the parent
   * dataset; nothing lands on a host out of space or when `failure` (an injected fault) says so. A `-R`
   * send carries the descendants too (see `streams`: listed when the send started, so a descendant's
   * snapshot destroyed during the send is a violation, as the root's is). Failures
   * are silent to the script (it does not check the receive) and recorded in `receipts`. Received
   * snapshots keep the sender's guid and creation time.
   */
  receive(
    taskId: string,
    p: Extract<Plan, { _tag: 'Send' }>,
    now: number,
    failure?: string,
    /** The streams as listed when the send started (default: now). */
    parts: ReadonlyArray<Stream> = streams(p),
  ): void {
    const gone = parts.flatMap((st) =>
      st.snapshots.filter((n) => p.src.host.snapshot(st.src, n) === undefined).map((n) => `${st.src}@${n}`),
    )
    if (gone.length > 0) {
      this.shared.violations.push({
        taskId,
        at: now,
        message: `snapshot(s) ${gone.join(', ')} destroyed while migration ${taskId} was sending them`,
      })
      return
    }
    const dst = p.dst
    const refused = failure ?? (dst.host.outOfSpace ? 'out of space' : undefined) ?? this.refusal(p, now)
    this.shared.receipts.push({
      taskId,
      at: now,
      host: dst.host.name,
      dataset: dst.dataset,
      snapshots: p.snapshots,
      failure: refused,
    })
    if (refused !== undefined) return
    for (const st of parts) this.receiveStream(p, st, now)
    if (p.recursive && p.from !== null) this.forceMirror(p, parts)
  }

  /** One dataset's stream; a descendant's that does not fit (base mismatch, exists already) is skipped. */
  private receiveStream(p: Extract<Plan, { _tag: 'Send' }>, st: Stream, now: number): void {
    const h = p.dst.host
    if (st.from === null) {
      if (!h.receiveFull(st.dst, now)) return
    } else {
      const newest = h.snapshots(st.dst).at(-1)
      if (newest === undefined || newest.guid !== p.src.host.snapshot(st.src, st.from)?.guid) return
    }
    for (const n of st.snapshots) {
      const snap = p.src.host.snapshot(st.src, n)
      if (snap !== undefined) h.receive(st.dst, snap)
    }
  }

  /**
   * `zfs recv -F` of an incremental replication (-R) stream destroys, under the destination, the snapshots
   * and file systems the sender no longer has (zfs-recv(8)); held ones survive. So with -R the source's
   * pruning reaches the destination.
   */
  private forceMirror(p: Extract<Plan, { _tag: 'Send' }>, parts: ReadonlyArray<Stream>): void {
    const h = p.dst.host
    const bySrc = new Map(parts.map((st) => [st.dst, st.src] as const))
    for (const d of [...h.listDatasets(p.dst.dataset)].reverse()) {
      const src = bySrc.get(d) ?? p.src.dataset + d.slice(p.dst.dataset.length)
      if (!p.src.host.hasDataset(src)) {
        h.destroyDataset(d, true)
        continue
      }
      const keep = new Set(p.src.host.snapshots(src).map((s) => s.guid))
      for (const s of h.snapshots(d)) if (!keep.has(s.guid)) h.destroySnapshot(d, s.name, false)
    }
  }

  /** Why zfs recv would refuse this stream (its own words), or undefined. */
  private refusal(p: Extract<Plan, { _tag: 'Send' }>, now: number): string | undefined {
    const dst = p.dst
    if (p.from === null) {
      // A pushed-to host has whatever pool the destination names (see `unknownRemotes`).
      if (p.mode === 'push') dst.host.ensurePath(dst.dataset.split('/')[0]!, now)
      const parent = dst.dataset.slice(0, Math.max(0, dst.dataset.lastIndexOf('/')))
      if (dst.host.hasDataset(dst.dataset)) return `destination '${dst.dataset}' exists`
      return dst.host.hasDataset(parent) ? undefined : `parent of '${dst.dataset}' does not exist`
    }
    // zfs checks the stream's fromguid, not the name: a diverged base (same name, new guid) fails too.
    const newest = dst.host.snapshots(dst.dataset).at(-1)
    const base = p.src.host.snapshot(p.src.dataset, p.from)
    return newest !== undefined && newest.name === p.from && newest.guid === base?.guid
      ? undefined
      : `most recent snapshot of ${dst.dataset} does not match incremental source`
  }
}
