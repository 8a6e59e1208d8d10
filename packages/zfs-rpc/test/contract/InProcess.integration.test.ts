import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../../src/Client.js'
import { VirtualClock } from '../../src/Clock.js'
import { makeSimulator } from '../../src/testing/index.js'

/**
 * The same client over the simulator's in-process `fetch` (no sockets), client and simulator on one
 * virtual clock: what the runner's `simulate` command and soak tests build on.
 */
describe('contract: the real client over the in-process fetch on a shared virtual clock', () => {
  it('thirty days of daily snapshot + sync: every migration completes, one sync hold per side remains', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1))
    const sim = makeSimulator({ clock, zone: 'Europe/Vienna', datasets: ['tank/data'] })
    const api = makeClient({ url: 'http://127.0.0.1:8545', fetch: sim.fetch, clock })
    const run = async <A>(te: () => Promise<E.Either<unknown, A>>): Promise<A> => {
      const r = await te()
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
      return r.right
    }
    for (let day = 0; day < 30; day++) {
      await run(api.snapshotCreate('tank/data', `daily_${day}`, false))
      const { taskId } = await run(
        api.migrationCreate({ source: `tank/data@daily_${day}`, destination: 'backup/data', remote: 'nas' }),
      )
      await clock.advance(86_400_000)
      expect((await run(api.migrationGet(taskId))).status).toBe('completed')
    }
    const names = await run(api.snapshotList('tank/data'))
    const holds = await run(api.holdsList('tank/data', names))
    expect([...holds.entries()].filter(([, tags]) => tags.length > 0).map(([n]) => n)).toEqual(['daily_29'])
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(names)
    expect(api.stats().httpRequests).toBe(sim.inspect.counts().httpRequests)
  })
})
