/**
 * Long virtual runs (soak, `simulate`) sleep millions of times on signals that live for the whole run (the
 * migration monitor's poll loop sleeps every 10 s on one signal). Found by the soak: a sleep that ended
 * normally left its abort listener on the signal, and Node's EventTarget walks all listeners on every
 * `addEventListener`, so each cycle got slower than the last (10,000 cycles: quadratic).
 */
import { getEventListeners } from 'node:events'
import { VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'

describe('VirtualClock.sleep on a long-lived signal', () => {
  it('removes its abort listener when it wakes normally', async () => {
    const clock = new VirtualClock(0)
    const stop = new AbortController()
    for (let i = 0; i < 100; i++) {
      const slept = clock.sleep(10, stop.signal)
      await clock.advance(10)
      await slept
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0)
  })

  it('still rejects with the reason and forgets the sleeper when aborted', async () => {
    const clock = new VirtualClock(0)
    const stop = new AbortController()
    const slept = clock.sleep(10, stop.signal)
    expect(clock.pending()).toBe(1)
    stop.abort(new Error('stop'))
    await expect(slept).rejects.toThrow('stop')
    expect(clock.pending()).toBe(0)
  })
})
