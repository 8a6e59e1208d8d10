import { VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import { ScaledClock } from '../../src/demo/ScaledClock.js'

describe('ScaledClock', () => {
  it('runs `factor` times faster than its base, from the base time', async () => {
    const base = new VirtualClock(1_000_000)
    const clock = new ScaledClock(600, base)
    expect(clock.now()).toBe(1_000_000)
    await base.advance(1000)
    expect(clock.now()).toBe(1_000_000 + 600_000) // 1 s = 10 min
  })

  it('a sleep of 10 scaled minutes takes 1 base second', async () => {
    const base = new VirtualClock(0)
    const clock = new ScaledClock(600, base)
    let woke = false
    void clock.sleep(600_000).then(() => {
      woke = true
    })
    await base.advance(999)
    expect(woke).toBe(false)
    await base.advance(1)
    expect(woke).toBe(true)
  })

  it('an aborted sleep rejects; a bad factor is refused', async () => {
    const clock = new ScaledClock(10, new VirtualClock(0))
    const stop = new AbortController()
    const sleeping = clock.sleep(1000, stop.signal)
    stop.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
    expect(() => new ScaledClock(0)).toThrow(/factor/)
  })
})
