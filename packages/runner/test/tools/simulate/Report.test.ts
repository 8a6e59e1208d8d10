import { describe, expect, it } from 'vitest'
import * as Report from '../../../src/tools/simulate/Report.js'
import { simulatePolicy } from '../../../src/tools/simulate/Simulate.js'
import { dataset, seedPolicy, utc } from './Fixtures.js'

describe('Report of a simulation', () => {
  const from = utc('2026-03-28T00:00:00Z')
  const run = simulatePolicy({
    policy: { ...seedPolicy, remoteSync: { ...seedPolicy.remoteSync, intervalSeconds: 3600 } },
    dataset,
    zone: 'Europe/Vienna',
    from,
    to: from + 2 * 86_400_000,
    stepMs: 600_000,
    faults: { seed: 2, syncFailureProbability: 1 },
  })

  it('prints what exists per type, per destination and the counts of actions', async () => {
    const r = await run
    const text = Report.text(r, seedPolicy.retention)
    const lines = text.split('\n')
    expect(lines[0]).toBe(
      'Simulated tank/data from 2026-03-28T00:00Z to 2026-03-30T00:00Z every 10m (zone Europe/Vienna): 289 cycles',
    )
    expect(lines).toContain(
      '  daily     1 / 7             daily_backup_2026-03-28-23-00     daily_backup_2026-03-28-23-00',
    )
    expect(lines).toContain(
      '  weekly    1 / 4             weekly_backup_2026-03-29-22-00    weekly_backup_2026-03-29-22-00',
    )
    expect(text).toContain(`10.0.0.5:backup/data  never             0 ok, ${r.counts.syncsFailed} failed`)
    expect(text).toContain(
      `Actions: ${r.counts.created} created, ${r.counts.destroyed} destroyed, 0 holds released, ` +
        `${r.counts.syncsStarted} syncs started, 0 completed, ${r.counts.syncsFailed} failed`,
    )
  })

  it('gives tools the whole result as JSON', async () => {
    const r = await run
    const parsed = JSON.parse(Report.json(r))
    expect(parsed.counts).toEqual(r.counts)
    expect(parsed.byType.weekly).toEqual(['weekly_backup_2026-03-29-22-00'])
    expect(parsed.fromIso).toBe('2026-03-28T00:00:00.000Z')
  })
})
