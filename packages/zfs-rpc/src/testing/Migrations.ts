/**
 * The migration task service: `migration_create` queues a task that a pool of workers runs over the injected
 * clock — pending → running → completed | failed — with pv-like progress ticks every 10 s. Transfers apply
 * to the in-memory hosts when they finish; a snapshot destroyed while being sent is recorded as a violation.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'
import { plan, route } from './MigrationPlan.js'
import { holdAndCleanup, syncTag } from './SyncHolds.js'
import type { Task, TaskParams } from './Task.js'
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

/** `limit` in MB/s (trailing "M"/"MB" stripped, as the script does) → bytes/s; none or unparsable → no cap. */
const limitBytes = (limit: number | string | null): number => {
  const mb = limit === null ? Number.NaN : Number.parseFloat(String(limit).replace(/MB?$/i, ''))
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : Number.POSITIVE_INFINITY
}

export class Migrations {
  private readonly tasks = new Map<string, Task>()
  private readonly queue: Task[] = []
  private running = 0

  constructor(
    private readonly model: ZfsModel,
    private readonly clock: Clock,
    private readonly zone: string,
    private readonly options: MigrationOptions,
    private readonly newId: () => string,
  ) {}

  all(): ReadonlyArray<Task> {
    return [...this.tasks.values()]
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id)
  }

  create(params: TaskParams, fail: boolean): Task {
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
      fail,
      abort: new AbortController(),
    }
    this.tasks.set(task.id, task)
    this.queue.push(task)
    this.pump()
    return task
  }

  /** true when the task was still pending or running. */
  cancel(task: Task): boolean {
    if (task.status === 'pending') {
      this.queue.splice(this.queue.indexOf(task), 1)
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
      this.running++
      void this.run(task).finally(() => {
        this.running--
        this.pump()
      })
    }
  }

  private async run(task: Task): Promise<void> {
    const started = this.clock.now()
    task.status = 'running'
    task.startedAt = isoUtc(started)
    const finish = (status: Task['status'], returnCode: number, cancelled: boolean) => {
      const now = this.clock.now()
      task.status = status
      task.completedAt = isoUtc(now)
      const elapsed = Math.round(now - started) / 1000
      task.result = cancelled
        ? { return_code: returnCode, elapsed_seconds: elapsed, cancelled: true }
        : { return_code: returnCode, elapsed_seconds: elapsed }
    }
    try {
      await this.clock.sleep(this.options.overheadMs, task.abort.signal)
      const sent = task.fail ? false : await this.transfer(task)
      if (sent === false) {
        task.status = 'failed'
        task.completedAt = isoUtc(this.clock.now())
        task.error = 'Migration failed with return code 1'
        task.progress = null
        return
      }
      finish('completed', 0, false)
    } catch (e) {
      // A cancel kills the script (SIGTERM → -15) and the task still ends "completed" (quirk).
      if (task.abort.signal.aborted) return finish('completed', -15, true)
      task.status = 'failed'
      task.completedAt = isoUtc(this.clock.now())
      task.error = `Migration failed with return code 1 (simulator error: ${String(e)})`
    }
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
    const p = plan(r)
    if (p._tag === 'Fail') return false
    if (p._tag === 'Nothing') return true
    const total = p.snapshots.length * this.options.bytesPerSnapshot
    await this.pace(task, total, Math.max(1, Math.min(this.options.bytesPerSecond, limitBytes(params.limit))))
    this.model.receive(task.id, p, this.clock.now())
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
      task.progress = progressTick(task.id, now, elapsed, rate, total, this.options.sizeEstimate)
    }
  }
}
