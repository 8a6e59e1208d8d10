/**
 * An optional cost model of the API host's CPU, in the simulator's clock time. The real server starts one
 * `zfs` process per call at once, a batch's calls all together, and keeps working after the client gave up
 * (contract §1.4): so every zfs-running call here costs CPU time, the host's cores are shared equally among
 * the calls in flight (processor sharing), and a call's reply waits until its share of work is done. A
 * batch of N calls of cost c on k cores thus takes about N × c / k, and an abandoned batch still occupies
 * the host. Counters tell a bench how hard the host was driven.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'

export interface CostModel {
  /** CPU cores of the API host. */
  readonly cores: number
  /** CPU time of one zfs process (start-up, ioctl, output), ms. */
  readonly callMs: number
  /**
   * Extra CPU time per snapshot on the host for `snapshot_list`, which runs `zfs list -t snapshot` over the
   * whole host and filters afterwards (contract §2.2), ms.
   */
  readonly perSnapshotListedMs: number
}

/**
 * Defaults from the API measured on real ZFS (zfs-fuse, 2 cores): 111 `snapshot_holds_list` one at a time
 * took ~7 s, i.e. ~63 ms a process. The real host does worse than linear under its own load (a batch of 111
 * took ~25 s), so this model is on the kind side.
 */
export const defaultCostModel: CostModel = { cores: 2, callMs: 63, perSnapshotListedMs: 0.01 }

export interface Load {
  /** zfs processes started since the start (or the last reset). */
  readonly zfsProcesses: number
  /** zfs processes running now. */
  readonly inFlight: number
  /** Most zfs processes running at once. */
  readonly inFlightMax: number
  /** CPU time spent, ms. */
  readonly cpuMs: number
  /** HTTP requests being answered now, and the most at once. */
  readonly requestsInFlight: number
  readonly requestsInFlightMax: number
}

interface Job {
  remaining: number
  readonly done: () => void
}

/** Processor sharing over `clock`: `run(ms)` resolves when the job has had `ms` of CPU. */
export class Cpu {
  private jobs: Job[] = []
  private last: number
  private timer: AbortController | undefined
  private started = 0
  private max = 0
  private spent = 0
  private requests = 0
  private requestsMax = 0

  constructor(
    private readonly clock: Clock,
    readonly model: CostModel,
  ) {
    this.last = clock.now()
  }

  /** Each job runs at min(1, cores / jobs) of a core. */
  private rate(): number {
    return Math.min(1, this.model.cores / Math.max(1, this.jobs.length))
  }

  /** Credits the work done since the last change to every job and finishes those that are done. */
  private settle(): void {
    const now = this.clock.now()
    const work = (now - this.last) * this.rate()
    this.last = now
    if (work > 0) for (const j of this.jobs) j.remaining -= work
    this.spent += work * this.jobs.length
    const finished = this.jobs.filter((j) => j.remaining <= 1e-9)
    this.jobs = this.jobs.filter((j) => j.remaining > 1e-9)
    for (const j of finished) j.done()
  }

  /** Wakes at the next job's completion; any change re-plans. */
  private schedule(): void {
    this.timer?.abort()
    this.timer = undefined
    if (this.jobs.length === 0) return
    const next = Math.min(...this.jobs.map((j) => j.remaining)) / this.rate()
    const timer = new AbortController()
    this.timer = timer
    this.clock.sleep(Math.max(0, next), timer.signal).then(
      () => {
        if (this.timer !== timer) return
        this.settle()
        this.schedule()
      },
      () => undefined,
    )
  }

  run(ms: number): Promise<void> {
    this.settle()
    this.started++
    return new Promise<void>((resolve) => {
      this.jobs.push({ remaining: Math.max(0, ms), done: resolve })
      this.max = Math.max(this.max, this.jobs.length)
      this.schedule()
    })
  }

  /** Brackets one HTTP request (for the in-flight counters). */
  async request<A>(f: () => Promise<A>): Promise<A> {
    this.requests++
    this.requestsMax = Math.max(this.requestsMax, this.requests)
    try {
      return await f()
    } finally {
      this.requests--
    }
  }

  load(): Load {
    this.settle()
    return {
      zfsProcesses: this.started,
      inFlight: this.jobs.length,
      inFlightMax: this.max,
      cpuMs: this.spent,
      requestsInFlight: this.requests,
      requestsInFlightMax: this.requestsMax,
    }
  }

  /** Zeroes the counters (work in flight stays). */
  reset(): void {
    this.settle()
    this.started = 0
    this.max = this.jobs.length
    this.spent = 0
    this.requestsMax = this.requests
  }
}
