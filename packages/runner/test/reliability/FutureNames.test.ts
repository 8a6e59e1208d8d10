/**
 * Issue 10's first stall, through the real daemon on the simulator: the wall clock jumped a year ahead for
 * 20 minutes and was corrected. Before the amendment of core-decisions.md §3/§7 this stopped every snapshot and
 * sync for a year, silently (green /health, last-snapshot metric in the future, lag clamped to 0). Now
 * snapshots and syncs resume within one interval, the clock fault is a WARN and a degraded /health, and the
 * metrics show observed truth.
 */
import { SnapshotName } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import * as Health from '../../src/http/Health.js'
import { memoryLog } from '../daemon/Harness.js'
import { DAY, HOUR, MINUTE, makeWorld, openPolicy } from './World.js'

const YEAR = 365 * DAY

describe('the wall clock a year ahead for 20 minutes, then corrected', () => {
  it('snapshots and syncs resume within one interval; the clock fault is loud, then clears when its names go', async () => {
    const log = memoryLog()
    const start = Date.UTC(2026, 10, 27, 8, 0)
    const w = makeWorld({
      seed: 7,
      start,
      zone: 'UTC',
      log,
      policy: openPolicy({
        backupIntervalSeconds: 600,
        // Only frequent and hourly: a daily (yearly) taken at the jump stays the newest daily for days (a year).
        retention: { frequent: 4, hourly: 2 },
        syncIntervalSeconds: 3600,
      }),
      datasets: [
        {
          dataset: 'tank/a',
          recursive: false,
          destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
        },
      ],
    })
    const made = () =>
      w.sim.inspect
        .mutations()
        .filter((m) => m.method === 'snapshot_create' && m.error === undefined)
        .map((m) => String(m.params['name']))
    const syncs = () => w.sim.inspect.mutations().filter((m) => m.method === 'migration_create').length
    w.start()
    try {
      await w.clock.advance(2 * HOUR)
      w.stepClock(YEAR)
      await w.clock.advance(20 * MINUTE)
      w.stepClock(-YEAR)
      const before = { made: made().length, syncs: syncs() }
      await w.clock.advance(11 * MINUTE)
      // A snapshot named at the real time, within one interval of the correction.
      const fresh = made().slice(before.made)
      expect(fresh.some((n) => SnapshotName.parseOrUndefined(n)!.at <= w.now())).toBe(true)
      const troubles = w.daemon.status().troubles
      expect(troubles.map((t) => [t.kind, t.subject])).toContainEqual(['clock-fault', 'tank/a'])
      expect(Health.evaluate(w.daemon.status(), w.now()).httpStatus).toBe(500)
      expect(log.said().some((l) => l.startsWith('WARN degraded: clock-fault: tank/a'))).toBe(true)
      const metrics = w.metrics.render(w.now(), w.client.stats())
      expect(metrics).toMatch(/zfs_autobackup_future_snapshots\{dataset="tank\/a"\} [1-9]/)
      expect(metrics).toMatch(/zfs_autobackup_troubles\{kind="clock-fault"\} 1/)
      const last = Number(
        /zfs_autobackup_last_snapshot_timestamp_seconds\{dataset="tank\/a"\} (\S+)/.exec(metrics)![1],
      )
      expect(last * 1000).toBeLessThanOrEqual(w.now())

      // Syncs go on at their interval; retention pushes the future names out; the trouble clears by itself.
      await w.clock.advance(3 * HOUR)
      expect(syncs()).toBeGreaterThan(before.syncs + 1)
      expect(w.daemon.status().troubles.map((t) => t.why)).toEqual([])
      expect(Health.evaluate(w.daemon.status(), w.now()).httpStatus).toBe(200)
      expect(log.said().some((l) => l.startsWith('INFO cleared: clock-fault: tank/a'))).toBe(true)
    } finally {
      await w.stop()
    }
  })
})
