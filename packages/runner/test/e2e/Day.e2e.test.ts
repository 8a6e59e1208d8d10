import { describe, expect, it } from 'vitest'
import { config, HOUR, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 2, 10, 0, 0) // a Tuesday, 00:00 UTC
const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)$/
const typeOf = (name: string) => OURS.exec(name)?.[1]
const DONE_AT = ['00:00:40', '06:05:30', '12:05:30', '18:05:30']

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
    const newest = (t: string, n: number) => created.filter((c) => typeOf(c) === t).slice(-n)
    // each type keeps its newest N; anything more of it is held (a sync point or a replication base)
    const keeps = (t: string, n: number) => {
      const all = left.filter((x) => typeOf(x) === t)
      for (const x of newest(t, n)) expect(all).toContain(x)
      for (const x of all.filter((x) => !newest(t, n).includes(x))) expect(held.has(x), x).toBe(true)
      return all.length - Math.min(n, newest(t, n).length)
    }
    const extra = keeps('frequent', 4) + keeps('hourly', 6) + keeps('daily', 2)
    expect(left[0]).toBe('manual-before-upgrade')
    expect(left).toHaveLength(1 + 4 + 6 + 1 + extra)

    // syncs: at start and then every 6 h; each sent (no destination API: arrival not verified)
    const done = w.grep(/\[tank\/data → nas:backup\/data\] sync \[\S+\] done: sent .*arrival not verified/)
    // Each sync is due `interval` after the time in the name of the destination's base (the snapshot last
    // sent), so the start does not drift by the transfer's duration.
    expect(done.map((l) => l.slice(11, 19))).toEqual(DONE_AT)
    const holds = left.flatMap((s) => w.sim.inspect.holds('tank/data', s).map((t) => [s, t] as const))
    // exactly one API sync hold, and the base hold on the snapshots sent lately (arrival not verified): the
    // last two, and every one named within 4 × the 6 h interval — here the whole day's four, the newest
    // where the sync hold is; all are on the destination
    const sync = holds.filter(([, t]) => t.startsWith('sync_'))
    expect(sync).toHaveLength(1)
    expect(sync[0]![1]).toMatch(/^sync_2026-03-1[01]-\d\d-\d\d-\d\d_nas$/)
    const bases = holds.filter(([, t]) => t === 'autobackup-base@nas@backup/data').map(([s]) => s)
    const sent = done.map((l) => /done: sent tank\/data@(\S+);/.exec(l)![1]!)
    expect(bases).toEqual(sent)
    expect(bases.at(-1)).toBe(sync[0]![0])
    expect(holds).toHaveLength(1 + sent.length)
    for (const b of bases) expect(w.sim.inspect.snapshots('backup/data', 'nas')).toContain(b)
    // the other dataset has no destination and no holds; nothing was destroyed that should not be
    expect(w.sim.inspect.snapshots('tank/other').filter((n) => typeOf(n) === 'frequent')).toHaveLength(4)
    expect(w.sim.inspect.violations()).toEqual([])
    expect(w.grep(/ERROR|WARN/)).toEqual([])
  }, 60_000)
})
