import { describe, expect, it } from 'vitest'
import { config, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)

describe('sync hold hygiene against the simulator', () => {
  it('releases a superseded sync hold the API left behind, then retention may take its snapshot', async () => {
    const old = 'frequent_backup_2026-06-01-07-00'
    const base = 'frequent_backup_2026-06-01-07-50'
    const w = await startWorld({
      yaml: config({
        datasets: [{ name: 'tank/a', dest: 'nas' }],
        retention: '{ frequent: 2 }',
        syncInterval: 86400,
      }),
      start: START + 5 * MIN,
      simulator: { datasets: ['tank/a'], remotes: ['nas'] },
      seed: (sim) => {
        // as after a cleanup that failed on the API host: two sync tags of one host
        sim.seed.snapshots('tank/a', [old], { holds: ['sync_2026-06-01-07-05-00_nas'] })
        sim.seed.snapshots('tank/a', ['frequent_backup_2026-06-01-07-10', base], { holds: [] })
        sim.seed.hold('tank/a', base, 'sync_2026-06-01-07-55-00_nas')
        sim.seed.snapshots('backup/a', [old, base], { host: 'nas' })
      },
    })
    // first cycle: the superseded tag is released (the snapshot stays protected in this plan, §5)
    expect(
      w.grep(`released sync_2026-06-01-07-05-00_nas on @${old}: superseded by sync_2026-06-01-07-55-00_nas`),
    ).toHaveLength(1)
    expect(w.sim.inspect.holds('tank/a', old)).toEqual([])
    expect(w.sim.inspect.snapshots('tank/a')).toContain(old)
    // the destination had no base hold yet (an upgrade): it starts where the host's sync hold is
    expect(w.grep(`base of nas:backup/a held on @${base}`)).toHaveLength(1)
    // next cycle: the listing shows it free, retention destroys it; the current sync point stays
    await w.run(MIN)
    expect(w.sim.inspect.snapshots('tank/a')).not.toContain(old)
    expect([...w.sim.inspect.holds('tank/a', base)].sort()).toEqual([
      'autobackup-base@nas@backup/a',
      'sync_2026-06-01-07-55-00_nas',
    ])
    expect(await w.stop()).toBe(0)
  }, 30_000)
})
