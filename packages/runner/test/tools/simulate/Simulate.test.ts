import { describe, expect, it } from 'vitest'
import { simulatePolicy } from '../../../src/tools/simulate/Simulate.js'
import { dataset, seedPolicy, utc } from './Fixtures.js'

const noSync = { ...seedPolicy, remoteSync: { ...seedPolicy.remoteSync, enabled: false } }

describe('simulatePolicy on a Europe/Vienna spring-forward week (DST starts 2026-03-29 02:00 local)', () => {
  // 2026-03-27 00:00Z … 2026-04-01 00:00Z at 10-minute cycles; local midnights are 23:00Z before the change,
  // 22:00Z after it. Monday 2026-03-30 starts a week, Wednesday 2026-04-01 a month.
  const run = simulatePolicy({
    policy: noSync,
    dataset,
    zone: 'Europe/Vienna',
    from: utc('2026-03-27T00:00:00Z'),
    to: utc('2026-04-01T00:00:00Z'),
    stepMs: 600_000,
  })

  it('runs one cycle per step, ends at exactly the retention of each type and never reuses a name', async () => {
    const r = await run
    expect(r.counts.cycles).toBe(5 * 144 + 1)
    expect(r.counts.created).toBe(r.counts.cycles) // one snapshot per 10-minute cycle, no name clash
    expect(r.counts.destroyFailed + r.counts.actionErrors + r.counts.observeErrors).toBe(0)
    expect(r.counts.created - r.counts.destroyed).toBe(r.snapshots.length)
  })

  it('takes the calendar snapshots at local midnights on both sides of the change', async () => {
    const r = await run
    expect(r.byType.daily).toEqual([
      'daily_backup_2026-03-27-23-00',
      'daily_backup_2026-03-28-23-00',
      'daily_backup_2026-03-30-22-00',
    ])
    expect(r.byType.weekly).toEqual(['weekly_backup_2026-03-29-22-00'])
    expect(r.byType.monthly).toEqual(['monthly_backup_2026-03-31-22-00'])
    expect(r.byType.yearly).toEqual([])
  })

  it('keeps the newest 12 hourly and 4 frequent', async () => {
    const r = await run
    const hours = ['12', '13', '14', '15', '16', '17', '18', '19', '20', '21']
    expect(r.byType.hourly).toEqual([
      ...hours.map((h) => `hourly_backup_2026-03-31-${h}-00`),
      'hourly_backup_2026-03-31-23-00',
      'hourly_backup_2026-04-01-00-00',
    ])
    expect(r.byType.frequent).toEqual(
      ['20', '30', '40', '50'].map((m) => `frequent_backup_2026-03-31-23-${m}`),
    )
  })
})

describe('simulatePolicy with syncs', () => {
  const from = utc('2026-06-01T00:00:00Z')
  const hourly = { ...seedPolicy, remoteSync: { ...seedPolicy.remoteSync, intervalSeconds: 3600 } }

  it('replicates: every sync completes, the hold sits on a kept snapshot, the destination has what was sent', async () => {
    const r = await simulatePolicy({
      policy: hourly,
      dataset,
      zone: 'UTC',
      from,
      to: from + 86_400_000,
      stepMs: 600_000,
    })
    const d = r.destinations[0]!
    expect(r.counts.syncsStarted).toBeGreaterThanOrEqual(20)
    expect(r.counts.syncsCompleted).toBe(
      r.counts.syncsStarted - d.syncs.filter((s) => s.outcome === 'in-flight').length,
    )
    expect(r.counts.syncsFailed).toBe(0)
    expect(d.lastSync).toBeDefined()
    expect(r.snapshots.map((s) => s.name)).toContain(d.lastSync?.snapshot)
    expect(d.remoteSnapshots).toContain(d.lastSync?.snapshot)
    expect(r.violations).toEqual([])
  })

  it('backs off after failed syncs: all fail, none completes, and the gaps between attempts grow', async () => {
    const r = await simulatePolicy({
      policy: hourly,
      dataset,
      zone: 'UTC',
      from,
      to: from + 86_400_000,
      stepMs: 600_000,
      faults: { seed: 3, syncFailureProbability: 1 },
    })
    const d = r.destinations[0]!
    expect(r.counts.syncsCompleted).toBe(0)
    expect(r.counts.syncsFailed).toBeGreaterThan(3)
    expect(d.lastSync).toBeUndefined()
    expect(d.remoteSnapshots).toEqual([])
    const starts = d.syncs.map((s) => s.startedAt)
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!)
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!)
    // Back-off (core-decisions.md §10) waits min(600 s × 2^(k−1), 6 h) after the k-th failure: fewer attempts than
    // an hourly interval alone would allow (24).
    expect(r.counts.syncsStarted).toBeLessThan(12)
  })

  it('never destroys a snapshot a slow migration is sending (in-flight protection)', async () => {
    const r = await simulatePolicy({
      policy: hourly,
      dataset,
      zone: 'UTC',
      from,
      to: from + 2 * 86_400_000,
      stepMs: 600_000,
      // 64 MiB per snapshot at 64 KiB/s: each send takes ~17 min per snapshot, spanning many cycles.
      migration: { bytesPerSecond: 64 * 1024 },
    })
    expect(r.counts.syncsStarted).toBeGreaterThan(0)
    expect(r.violations).toEqual([])
  })

  it('is reproducible from its seed', async () => {
    const go = () =>
      simulatePolicy({
        policy: hourly,
        dataset,
        zone: 'UTC',
        from,
        to: from + 86_400_000,
        stepMs: 600_000,
        faults: { seed: 11, syncFailureProbability: 0.5 },
      })
    const [a, b] = [await go(), await go()]
    expect(a.counts).toEqual(b.counts)
    expect(a.destinations).toEqual(b.destinations)
  })
})

describe('the direct model path', () => {
  it('gives the same result as the real client through the simulator over JSON-RPC', async () => {
    const from = utc('2026-10-24T00:00:00Z')
    const go = (via: 'model' | 'json-rpc') =>
      simulatePolicy({
        policy: { ...seedPolicy, remoteSync: { ...seedPolicy.remoteSync, intervalSeconds: 3600 } },
        dataset,
        zone: 'Europe/Vienna',
        from,
        to: from + 2 * 86_400_000,
        stepMs: 600_000,
        initialSnapshots: ['manual-1'],
        faults: { seed: 4, syncFailureProbability: 0.3 },
        via,
      })
    const [direct, wire] = [await go('model'), await go('json-rpc')]
    expect(direct.counts.syncsFailed).toBeGreaterThan(0)
    expect(direct.counts).toEqual(wire.counts)
    expect(direct.snapshots).toEqual(wire.snapshots)
    expect(direct.destinations).toEqual(wire.destinations)
  })
})
