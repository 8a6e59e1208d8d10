/**
 * All hosts the simulator knows: the API host (`local`) and the remote hosts migrations push to, plus the
 * receive side of a transfer and a record of invariant violations (a snapshot destroyed while being sent).
 *
 * @since 0.1.0
 */
import type { Plan } from './MigrationPlan.js'
import { ZfsHost } from './ZfsHost.js'

export interface Violation {
  readonly taskId: string
  readonly at: number
  readonly message: string
}

export class ZfsModel {
  readonly local: ZfsHost
  private readonly remotes = new Map<string, ZfsHost>()
  private readonly violationLog: Violation[] = []

  /** `unknownRemotes: 'create'` makes any host reachable (with any pool); `'fail'` only those added. */
  constructor(
    localName: string,
    private readonly unknownRemotes: 'create' | 'fail',
  ) {
    this.local = new ZfsHost(localName)
  }

  addRemote(name: string): ZfsHost {
    const existing = this.remotes.get(name)
    if (existing) return existing
    const h = new ZfsHost(name)
    this.remotes.set(name, h)
    return h
  }

  remote(name: string): ZfsHost | undefined {
    return this.remotes.get(name) ?? (this.unknownRemotes === 'create' ? this.addRemote(name) : undefined)
  }

  /** `name === undefined` or the local host's name → local. */
  host(name?: string): ZfsHost | undefined {
    return name === undefined || name === this.local.name ? this.local : this.remote(name)
  }

  remoteNames(): ReadonlyArray<string> {
    return [...this.remotes.keys()]
  }

  violations(): ReadonlyArray<Violation> {
    return this.violationLog
  }

  /**
   * Applies a finished transfer to the destination, as `zfs recv -s -F` would: an incremental only lands
   * when the destination's newest snapshot is the stream's base; a full one needs the parent dataset.
   * Failures are silent (the real script does not check the receive).
   */
  receive(taskId: string, p: Extract<Plan, { _tag: 'Send' }>, now: number): void {
    const gone = p.snapshots.filter((s) => p.src.host.snapshot(p.src.dataset, s) === undefined)
    if (gone.length > 0) {
      this.violationLog.push({
        taskId,
        at: now,
        message: `snapshot(s) ${gone.map((s) => `${p.src.dataset}@${s}`).join(', ')} destroyed while migration ${taskId} was sending them`,
      })
      return
    }
    const dst = p.dst
    if (p.from === null) {
      if (dst.host !== this.local) dst.host.ensurePath(dst.dataset.split('/')[0]!)
      if (!dst.host.receiveFull(dst.dataset)) return
    } else {
      const existing = dst.host.snapshots(dst.dataset)
      if (existing[existing.length - 1]?.name !== p.from) return
    }
    for (const s of p.snapshots) dst.host.receive(dst.dataset, s, now)
  }
}
