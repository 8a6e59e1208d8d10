import { describe, expect, it } from 'vitest'
import { config, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)

describe('restart while a migration is in flight', () => {
  it('adopts the running migration instead of starting a duplicate, and settles it', async () => {
    const yaml = config({ datasets: [{ name: 'tank/a', dest: 'nas' }] })
    const first = await startWorld({
      yaml,
      start: START,
      simulator: { datasets: ['tank/a'], remotes: ['nas'], migration: { bytesPerSnapshot: 1024 ** 3 } },
    })
    await first.run(2 * MIN)
    expect(first.grep(/sync \[\S+\] running/)).toHaveLength(1)
    expect(await first.stop()).toBe(0)
    expect(first.sim.inspect.inFlight()).toBe(1)

    const second = await startWorld({ yaml, start: START, sim: first.sim, clock: first.clock })
    expect(
      second.grep(/sync \[\S+\] adopted: already in flight on the API, not starting another/),
    ).toHaveLength(1)
    await second.run(15 * MIN)
    expect(first.sim.inspect.migrations()).toHaveLength(1)
    expect(second.grep(/sync \[\S+\] done: sent tank\/a@frequent_backup_2026-06-01-08-00/)).toHaveLength(1)
    expect(second.grep('started [')).toHaveLength(0)
    expect(await second.stop()).toBe(0)
  }, 30_000)

  it('a completed migration that placed no sync hold (no common snapshot) warns and backs off', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/a', dest: 'nas' }], syncInterval: 3600 }),
      start: START,
      simulator: { datasets: ['tank/a'], remotes: ['nas'] },
      // the destination exists with an unrelated snapshot: the API finds no common snapshot, sends
      // nothing, and still reports `completed`
      seed: (sim) => sim.seed.snapshots('backup/a', ['unrelated'], { host: 'nas' }),
    })
    await w.run(30 * MIN)
    const nothing = w.grep('completed but placed no new sync hold')
    expect(nothing.length).toBeGreaterThanOrEqual(1)
    expect(
      w.daemon().internals.failures.get({ dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' })
        ?.consecutive,
    ).toBe(nothing.length)
    // back-off (core-decisions.md §10): each retry waits backup_interval × 2^(k−1) after the k-th failure
    // (10, 20, 40 min; each failure lands seconds after its start, at the migration poll), not every cycle
    // nor every sync interval; the daemon wakes when the back-off ends (NextDue), not at the next minute
    await w.run(60 * MIN)
    const starts = w.grep(/sync of @\S+ started/).map((l) => l.slice(11, 16))
    expect(starts).toEqual(['08:00', '08:10', '08:30', '09:10'])
    expect(await w.stop()).toBe(0)
  }, 30_000)
})
