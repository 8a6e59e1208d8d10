/**
 * A clock running `factor` times faster than a base clock (the system clock by default): the demo's
 * "1 real second = 10 minutes". `now` starts at the base clock's time, so names and logs stay plausible.
 *
 * @since 0.1.0
 */
import { type Clock, systemClock } from '@zfs-autobackup/zfs-rpc'

export class ScaledClock implements Clock {
  private readonly baseStart: number
  private readonly start: number

  constructor(
    readonly factor: number,
    private readonly base: Clock = systemClock,
    start?: number,
  ) {
    if (!(factor > 0)) throw new Error(`ScaledClock factor must be > 0: ${factor}`)
    this.baseStart = base.now()
    this.start = start ?? this.baseStart
  }

  readonly now = (): number => this.start + Math.floor((this.base.now() - this.baseStart) * this.factor)

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    this.base.sleep(Math.max(0, ms) / this.factor, signal)
}
