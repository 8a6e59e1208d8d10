/**
 * Time as a capability. Everything in zfs-rpc and runner that waits or reads the time takes a `Clock`, so
 * tests and the `simulate` command can run days in milliseconds on a `VirtualClock`.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Clock {
  /** Epoch milliseconds. */
  readonly now: () => number
  /** Resolves after `ms` (of this clock's time); rejects with the signal's reason when aborted. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const abortError = (signal: AbortSignal): unknown => signal.reason ?? new Error('aborted')

/** The host's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal))
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(abortError(signal!))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

interface Sleeper {
  readonly at: number
  readonly seq: number
  readonly resolve: () => void
}

/**
 * A clock that only moves when told. `advance(ms)` wakes the sleepers in time order, letting the promise
 * jobs each wake-up schedules run before the next one, so chains of sleeps progress as on a real clock.
 */
export class VirtualClock implements Clock {
  private current: number
  private seq = 0
  private sleepers: Sleeper[] = []

  constructor(start: number) {
    this.current = start
  }

  readonly now = (): number => this.current

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal))
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper)
        reject(abortError(signal!))
      }
      // A normal wake-up must drop its listener: long-lived signals (a poll loop's) would collect one per sleep.
      const wake = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const sleeper: Sleeper = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve: wake }
      this.sleepers.push(sleeper)
      signal?.addEventListener('abort', onAbort, { once: true })
    })

  /** Number of pending sleeps (useful to wait until a background task has parked itself). */
  pending(): number {
    return this.sleepers.length
  }

  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms)
  }

  /** Moves time to `target` (never backwards through sleepers), waking sleepers due on the way. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await flushJobs()
      const next = this.nextDue(target)
      if (next === undefined) break
      this.sleepers = this.sleepers.filter((s) => s !== next)
      this.current = Math.max(this.current, next.at)
      next.resolve()
    }
    this.current = Math.max(this.current, target)
    await flushJobs()
  }

  /** Steps the wall time without waking anyone (a clock jump, e.g. NTP correction). May go backwards. */
  set(time: number): void {
    this.current = time
  }

  private nextDue(target: number): Sleeper | undefined {
    let best: Sleeper | undefined
    for (const s of this.sleepers) {
      if (s.at <= target && (best === undefined || s.at < best.at || (s.at === best.at && s.seq < best.seq)))
        best = s
    }
    return best
  }
}

/** Lets pending promise jobs (and I/O callbacks already queued) run. */
const flushJobs = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
