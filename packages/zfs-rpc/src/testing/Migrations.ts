/**
 * The migration task service: `migration_create` queues a task that a pool of workers runs over the injected
 * clock — pending → running → completed | failed — with pv-like progress ticks every 10 s. Transfers apply
 * to the in-memory hosts when they finish; a snapshot destroyed while being sent is recorded as a violation.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'
import type { Fault } from './Faults.js'
import { plan, route, streams } from './MigrationPlan.js'
import { holdAndCleanup, syncTag } from './SyncHolds.js'
import type { Task, TaskFault, TaskParams } from './Task.js'
import { progressTick } from './Task.js'
import { isoUtc, localTime } from './Time.js'
import type { ZfsModel } from './ZfsModel.js'

export interface MigrationOptions {
  /** Stream size per snapshot sent (a full send counts one snapshot). */
  readonly bytesPerSnapshot: number
  /** Transfer rate in bytes/s (a task's `limit` in MB/s caps it further). */
  readonly bytesPerSecond: number
  /** Start-up time of the script (ssh, ping, listing) before any data moves. */
  readonly overheadMs: number
  /** Concurrent migrations (`task_manager.migration_workers`). */
  readonly workers: number
  /** Whether pv knows the size (false → `bytes_total: null`, `percentage: 0`). */
  readonly sizeEstimate: boolean
}

export const defaultMigrationOptions: MigrationOptions = {
  bytesPerSnapshot: 64 * 1024 * 1024,
  bytesPerSecond: 2 * 1024 * 1024,
  overheadMs: 600,
  workers: 4,
  sizeEstimate: true,
}

const TICK_MS = 10_000
/** Redis keeps a task hash 7 days after its last save (contract §3.1). */
export const TASK_TTL_MS = 7 * 86_400_000

/** What becomes of `pending` tasks when the API restarts (see `Migrations.restart`). */
export type PendingOnRestart = 'stuck' | 'lost'

/** `true` (the old boolean form) and `failMigration` make the script exit 1; `failReceive` fails the receive. */
const taskFault = (f: boolean | Fault | undefined): TaskFault | undefined =>
  f === true || (typeof f === 'object' && f.kind === 'failMigration')
    ? { _tag: 'ExitCode1' }
    : typeof f === 'object' && f.kind === 'failReceive'
      ? { _tag: 'ReceiveFails', reason: f.reason ?? 'out of space' }
      : undefined

/** `limit` in MB/s (trailing "M"/"MB" stripped, as the script does) → bytes/s; none or unparsable → no cap. */
const limitBytes = (limit: number | string | null): number => {
  const mb = limit === null ? Number.NaN : Number.parseFloat(String(limit).replace(/MB?$/i, ''))
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : Number.POSITIVE_INFINITY
}

export class Migrations {
  private readonly tasks = new Map<string, Task>()
  private readonly queue: Task[] = []
  private running = 0
  /** Bumped by `restart`: runs of an older generation are orphans whose record no one updates. */
  private generation = 0
  private readonly generationOf = new Map<string, number>()
  /** Last time each task's record was saved (the TTL counts from it). */
  private readonly savedAt = new Map<string, number>()

  constructor(
    private readonly model: ZfsModel,
    private readonly clock: Clock,
    private readonly zone: string,
    private readonly options: MigrationOptions,
    private readonly newId: () => string,
  ) {}

  all(): ReadonlyArray<Task> {
    this.expire()
    return [...this.tasks.values()]
  }

  get(id: string): Task | undefined {
    this.expire()
    return this.tasks.get(id)
  }

  /**
   * Tasks no live worker will ever update again (left `running` or `pending` by a restart) vanish 7 days
   * after their last save, as their Redis hash does. (Finished tasks are kept: tests read them.)
   */
  private expire(): void {
    if (this.generation === 0) return
    const now = this.clock.now()
    for (const t of this.tasks.values())
      if (this.isStale(t) && now - (this.savedAt.get(t.id) ?? 0) >= TASK_TTL_MS) this.tasks.delete(t.id)
  }

  /** Left `running` or `pending` by a restart: its record never changes again. */
  private isStale(t: Task): boolean {
    return (
      (t.status === 'running' || t.status === 'pending') &&
      (this.generationOf.get(t.id) ?? 0) < this.generation
    )
  }

  /**
   * The API process restarts (contract §3.1, measured on the real API 2026-12-02). Tasks are not recovered:
   * a `running` task stays `running` (progress frozen) until its 7-day TTL and `migration_cancel` cannot
   * clear it, while its transfer — a process of its own — still finishes and places its holds. `pending`
   * tasks are never started: `'stuck'` (default) leaves them `pending` until the TTL, `'lost'` drops them
   * (`migration_get` → Task not found). New tasks run as usual.
   */
  restart(pending: PendingOnRestart = 'stuck'): void {
    this.generation++
    this.running = 0
    for (const t of this.queue.splice(0)) if (pending === 'lost') this.tasks.delete(t.id)
  }

  create(params: TaskParams, fault: boolean | Fault | undefined): Task {
    const task: Task = {
      id: this.newId(),
      status: 'pending',
      createdAt: isoUtc(this.clock.now()),
      startedAt: null,
      completedAt: null,
      error: null,
      result: null,
      progress: null,
      params,
      fault: taskFault(fault),
      abort: new AbortController(),
    }
    this.tasks.set(task.id, task)
    this.generationOf.set(task.id, this.generation)
    this.savedAt.set(task.id, this.clock.now())
    this.queue.push(task)
    this.pump()
    return task
  }

  /** true when the task was still pending or running. */
  cancel(task: Task): boolean {
    if (this.isStale(task) && task.status === 'running') return false
    if (task.status === 'pending') {
      const i = this.queue.indexOf(task)
      if (i >= 0) this.queue.splice(i, 1)
      task.status = 'cancelled'
      task.completedAt = isoUtc(this.clock.now())
      return true
    }
    if (task.status !== 'running') return false
    task.abort.abort(new Error('cancelled'))
    return true
  }

  private pump(): void {
    while (this.running < this.options.workers && this.queue.length > 0) {
      const task = this.queue.shift()!
      const generation = this.generation
      this.running++
      void this.run(task).finally(() => {
        if (generation !== this.generation) return
        this.running--
        this.pump()
      })
    }
  }

  private async run(task: Task): Promise<void> {
    const started = this.clock.now()
    task.status = 'running'
    task.startedAt = isoUtc(started)
    this.savedAt.set(task.id, started)
    const finish = (status: Task['status'], returnCode: number, cancelled: boolean) =>
      this.save(task, () => {
        const now = this.clock.now()
        task.status = status
        task.completedAt = isoUtc(now)
        const elapsed = Math.round(now - started) / 1000
        task.result = cancelled
          ? { return_code: returnCode, elapsed_seconds: elapsed, cancelled: true }
          : { return_code: returnCode, elapsed_seconds: elapsed }
      })
    const fail = (error: string, clearProgress: boolean) =>
      this.save(task, () => {
        task.status = 'failed'
        task.completedAt = isoUtc(this.clock.now())
        task.error = error
        if (clearProgress) task.progress = null
      })
    try {
      await this.clock.sleep(this.options.overheadMs, task.abort.signal)
      const sent = task.fault?._tag === 'ExitCode1' ? false : await this.transfer(task)
      if (sent === false) return fail('Migration failed with return code 1', true)
      finish('completed', 0, false)
    } catch (e) {
      // A cancel kills the script (SIGTERM → -15) and the task still ends "completed" (quirk).
      if (task.abort.signal.aborted) return finish('completed', -15, true)
      fail(`Migration failed with return code 1 (simulator error: ${String(e)})`, false)
    }
  }

  /** Writes the task's record, unless a restart orphaned it (no live process reads its script any more). */
  private save(task: Task, update: () => void): void {
    if (this.isStale(task)) return
    update()
    this.savedAt.set(task.id, this.clock.now())
  }

  /** Runs the transfer (to each host of a comma-separated `remote`, in turn); false = the script exited 1. */
  private async transfer(task: Task): Promise<boolean> {
    for (const remote of task.params.remote?.split(',') ?? [null]) {
      if (!(await this.transferTo(task, { ...task.params, remote }))) return false
    }
    return true
  }

  private async transferTo(task: Task, params: TaskParams): Promise<boolean> {
    const r = route(params, this.model.local, (h) => this.model.remote(h))
    if (typeof r === 'string') return false
    if (
      !r.dst.host.hasDataset(r.dst.dataset) &&
      r.src.host.hasDataset(r.src.dataset) &&
      r.src.host.snapshots(r.src.dataset).length === 0
    ) {
      // The script snapshots the source itself when there is nothing to send (local time).
      r.src.host.createSnapshot(
        r.src.dataset,
        `migrate-${localTime(this.clock.now(), this.zone, 'yyMMdd-HH-mmss')}`,
        false,
        this.clock.now(),
      )
    }
    const p = plan(r, params.recursive)
    if (p._tag === 'Fail') return false
    if (p._tag === 'Nothing') return true
    // What each dataset's part carries is fixed when the send starts (zfs send -R lists the tree first): a
    // descendant's snapshot destroyed meanwhile is one destroyed under a running send.
    const parts = streams(p)
    const total = parts.reduce((n, s) => n + s.snapshots.length, 0) * this.options.bytesPerSnapshot
    await this.pace(task, total, Math.max(1, Math.min(this.options.bytesPerSecond, limitBytes(params.limit))))
    const failure = task.fault?._tag === 'ReceiveFails' ? task.fault.reason : undefined
    this.model.receive(task.id, p, this.clock.now(), failure, parts)
    if (p.mode === 'push' && params.sync && r.remote !== null) {
      const tag = syncTag(localTime(this.clock.now(), this.zone, 'yyyy-MM-dd-HH-mm-ss'), r.remote)
      holdAndCleanup(p.src.host, p.src.dataset, p.to, tag, r.remote)
      holdAndCleanup(p.dst.host, p.dst.dataset, p.to, tag, r.remote)
    }
    return true
  }

  /** Waits out a transfer of `total` bytes at `rate`, with a pv tick every 10 s (none before the first). */
  private async pace(task: Task, total: number, rate: number): Promise<void> {
    const duration = Math.ceil((total * 1000) / rate)
    for (let elapsed = 0; elapsed < duration; ) {
      const step = Math.min(TICK_MS - (elapsed % TICK_MS), duration - elapsed)
      await this.clock.sleep(step, task.abort.signal)
      elapsed += step
      if (elapsed % TICK_MS !== 0) continue
      const now = isoUtc(this.clock.now())
      this.save(task, () => {
        task.progress = progressTick(task.id, now, elapsed, rate, total, this.options.sizeEstimate)
      })
    }
  }
}
