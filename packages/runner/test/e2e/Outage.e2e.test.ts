import { describe, expect, it } from 'vitest'
import { config, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)
/** frequent snapshots 08:00..08:50 on the day of START */
const old = (n: number) => Array.from({ length: n }, (_, i) => `frequent_backup_2026-06-01-08-${i}0`)

describe('API outages and partial failures against the simulator', () => {
  it('API down then up: one line per change, nothing changed meanwhile, cycles resume', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/a' }], sync: false }),
      start: START,
      simulator: { datasets: ['tank/a'] },
    })
    await w.run(10 * MIN)
    const before = [...w.sim.inspect.snapshots('tank/a')]
    w.sim.faults.random({ method: '*', probability: 1, faults: [{ kind: 'drop' }] })
    await w.run(40 * MIN)
    expect(w.sim.inspect.snapshots('tank/a')).toEqual(before)
    expect(w.daemon().status().apiReachable).toBe(false)
    w.sim.faults.clear()
    await w.run(10 * MIN)
    expect(w.grep('ZFS API unreachable')).toHaveLength(1)
    expect(w.grep('ZFS API reachable again')).toHaveLength(1)
    expect(w.sim.inspect.snapshots('tank/a').length).toBeGreaterThan(before.length)
    expect(await w.stop()).toBe(0)
  }, 30_000)

  it('a failed holds listing: that dataset destroys nothing this cycle, the other dataset goes on', async () => {
    const w = await startWorld({
      yaml: config({
        datasets: [{ name: 'tank/a' }, { name: 'tank/b' }],
        sync: false,
        retention: '{ frequent: 2 }',
      }),
      start: START + 55 * MIN, // 5 min after the newest seeded snapshot: nothing new is due
      simulator: { datasets: ['tank/a', 'tank/b'] },
      seed: (sim) => {
        sim.seed.snapshots('tank/a', old(6))
        sim.seed.snapshots('tank/b', old(6))
        // the start-up scan lists tank/a's holds first: make that batch fail
        sim.faults.script('snapshot_holds_list', [
          { kind: 'rpcError', code: -32034, message: 'holds listing exploded' },
        ])
      },
    })
    // first cycle done: tank/a lost nothing; tank/b was trimmed to 2
    expect(w.sim.inspect.snapshots('tank/a')).toHaveLength(6)
    expect(w.sim.inspect.snapshots('tank/b')).toHaveLength(2)
    expect(
      w.grep(/\[tank\/a\] holds listing failed.*nothing is destroyed or released this cycle/),
    ).toHaveLength(1)
    await w.run(MIN)
    expect(w.sim.inspect.snapshots('tank/a')).toHaveLength(2)
    expect(w.sim.inspect.violations()).toEqual([])
    expect(await w.stop()).toBe(0)
  }, 30_000)

  it('a held snapshot that our cache thought free: destroy refused as busy, re-read, kept, no retry storm', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/a' }], sync: false, retention: '{ frequent: 2 }' }),
      start: START,
      simulator: { datasets: ['tank/a'] },
    })
    await w.run(20 * MIN) // three snapshots made, one destroyed
    const [oldest] = w.sim.inspect.snapshots('tank/a')
    w.sim.seed.hold('tank/a', oldest!, 'admin-keep') // by hand, behind the daemon's back
    await w.run(30 * MIN)
    expect(w.grep(new RegExp(`@${oldest} cannot be destroyed: .*dataset is busy`))).toHaveLength(1)
    expect(w.sim.inspect.snapshots('tank/a')).toContain(oldest)
    expect(w.sim.inspect.snapshots('tank/a')).toHaveLength(3)
    expect(await w.stop()).toBe(0)
  }, 30_000)
})
