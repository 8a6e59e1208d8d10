import { describe, expect, it } from 'vitest'
import { config, HOUR, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 2, 10, 0, 0) // a Tuesday, 00:00 UTC
const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/
const typeOf = (name: string) => OURS.exec(name)?.[1]

describe('a simulated day against the API simulator', () => {
  it('creates snapshots on time with the right names and types, trims to the retention, syncs and moves the hold', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/data', dest: 'nas' }, { name: 'tank/other' }] }),
      start: START,
      simulator: { datasets: ['tank/data', 'tank/other'], remotes: ['nas'] },
      seed: (sim) => sim.seed.snapshots('tank/data', ['manual-before-upgrade']),
    })
    await w.run(24 * HOUR)
    expect(await w.stop()).toBe(0)

    // names and times: one snapshot every 10 minutes, none skipped, none doubled
    const created = w.grep(/\[tank\/data\] created @/).map((l) => /created @(\S+)/.exec(l)![1]!)
    expect(created).toHaveLength(24 * 6 + 1)
    created.forEach((name, i) => {
      const m = OURS.exec(name)
      expect(m, name).not.toBeNull()
      const at = Date.UTC(Number(m![2]), Number(m![3]) - 1, Number(m![4]), Number(m![5]), Number(m![6]))
      expect(at).toBe(START + i * 10 * MIN)
    })
    // types: the first is frequent, every full hour hourly, the day boundary daily
    expect(typeOf(created[0]!)).toBe('frequent')
    expect(created.filter((n) => typeOf(n) === 'hourly')).toHaveLength(23)
    expect(typeOf(created.at(-1)!)).toBe('daily')

    // retention: newest 4 frequent, 6 hourly, the daily, plus the foreign snapshot untouched
    const left = w.sim.inspect.snapshots('tank/data')
    const held = new Set(left.filter((n) => w.sim.inspect.holds('tank/data', n).length > 0))
    const kept = (t: string) => left.filter((n) => typeOf(n) === t && !held.has(n))
    const newest = (t: string, n: number) => created.filter((c) => typeOf(c) === t).slice(-n)
    expect(kept('frequent')).toEqual(newest('frequent', 4))
    expect(kept('hourly')).toEqual(newest('hourly', 6))
    expect(kept('daily')).toEqual(newest('daily', 2))
    expect(left[0]).toBe('manual-before-upgrade')
    // the held sync point is kept beyond its type's count, and is the only extra
    expect(left).toHaveLength(1 + 4 + 6 + 1 + held.size)

    // syncs: at start and then every 6 h; each verified by its new sync hold; exactly one hold left
    const done = w.grep(/\[tank\/data → nas:backup\/data\] sync \[\S+\] done: new sync point/)
    // Each sync is due `interval` after the previous hold's time, which the API stamps at the end of the
    // transfer: the start drifts by each transfer's duration (~6 simulated minutes here).
    expect(done.map((l) => l.slice(11, 19))).toEqual(['00:00:40', '06:06:30', '12:12:30', '18:18:30'])
    const holds = left.flatMap((s) => w.sim.inspect.holds('tank/data', s).map((t) => [s, t] as const))
    expect(holds).toHaveLength(1)
    expect(holds[0]![1]).toMatch(/^sync_2026-03-1[01]-\d\d-\d\d-\d\d_nas$/)
    expect(w.sim.inspect.snapshots('backup/data', 'nas')).toContain(holds[0]![0])
    // the other dataset has no destination and no holds; nothing was destroyed that should not be
    expect(w.sim.inspect.snapshots('tank/other').filter((n) => typeOf(n) === 'frequent')).toHaveLength(4)
    expect(w.sim.inspect.violations()).toEqual([])
    expect(w.grep(/ERROR|WARN/)).toEqual([])
  }, 60_000)
})
