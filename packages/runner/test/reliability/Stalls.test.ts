/**
 * Issue 10's stalls found against the real API, through the real daemon on the simulator (virtual clock):
 * each was silent (green /health, no metric, no warning). Now each is loud — a WARN when it starts,
 * /health degraded (500) naming it, a metric, the status listing it — and it clears by itself when the
 * cause goes.
 * - A restore clone of one of our snapshots: zfs refuses to destroy it for as long as the clone exists.
 * - A migration orphaned by an API restart: the API keeps it `running` for its 7-day TTL, no progress.
 */
import { describe, expect, it } from 'vitest'
import * as Health from '../../src/http/Health.js'
import type { Log } from '../../src/log/Logger.js'
import { memoryLog } from '../daemon/Harness.js'
import { HOUR, MINUTE, makeWorld, openPolicy, type WorldOptions } from './World.js'

const world = (log: Log, extra: Partial<WorldOptions> = {}) =>
  makeWorld({
    seed: 11,
    start: Date.UTC(2026, 10, 27, 8, 0),
    zone: 'UTC',
    log,
    policy: openPolicy({
      backupIntervalSeconds: 600,
      retention: { frequent: 3 },
      syncIntervalSeconds: 3600,
    }),
    datasets: [
      {
        dataset: 'tank/a',
        recursive: false,
        destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
      },
    ],
    ...extra,
  })

type W = ReturnType<typeof world>
const kinds = (w: W) => w.daemon.status().troubles.map((t) => [t.kind, t.subject] as const)
const health = (w: W) => Health.evaluate(w.daemon.status(), w.now()).httpStatus
const metrics = (w: W) => w.metrics.render(w.now(), w.client.stats())
const syncs = (w: W) => w.sim.inspect.mutations().filter((m) => m.method === 'migration_create').length

describe('stalls are loud and clear by themselves', () => {
  it('a restore clone blocks a destroy: reported once, degraded after an hour, syncs go on, clears when the clone goes', async () => {
    const log = memoryLog()
    const w = world(log)
    w.start()
    try {
      await w.clock.advance(25 * MINUTE)
      const ours = w.sim.inspect.snapshots('tank/a')
      const cloned = ours[ours.length - 1]!
      w.sim.seed.clone(`tank/a@${cloned}`, 'tank/restore')
      // Retention (3 frequent) wants it gone 30 min later; zfs refuses while the clone exists.
      const syncsBefore = syncs(w)
      await w.clock.advance(50 * MINUTE)
      expect(w.sim.inspect.snapshots('tank/a')).toContain(cloned)
      expect(log.said('debug').filter((l) => l.includes('cannot be destroyed')).length).toBe(1)
      expect(log.said('debug').filter((l) => l.startsWith('ERROR'))).toEqual([])
      expect(kinds(w)).toEqual([]) // a refusal shorter than an hour is not trouble yet
      await w.clock.advance(45 * MINUTE)
      expect(kinds(w)).toEqual([['destroy-refused', `tank/a@${cloned}`]])
      expect(health(w)).toBe(500)
      expect(
        log.said('debug').some((l) => l.startsWith(`WARN degraded: destroy-refused: tank/a@${cloned}`)),
      ).toBe(true)
      expect(metrics(w)).toMatch(/zfs_autobackup_troubles\{kind="destroy-refused"\} 1/)
      expect(metrics(w)).toMatch(/zfs_autobackup_destroys_refused 1/)
      // Replication did not stop for it (a definite refusal postpones nothing).
      expect(syncs(w)).toBeGreaterThan(syncsBefore)

      const r = w.sim.model.local.destroyDataset('tank/restore', false)
      expect(r._tag).toBe('Right')
      await w.clock.advance(11 * MINUTE)
      expect(w.sim.inspect.snapshots('tank/a')).not.toContain(cloned)
      expect(kinds(w)).toEqual([])
      expect(health(w)).toBe(200)
      expect(
        log.said('debug').some((l) => l.startsWith(`INFO cleared: destroy-refused: tank/a@${cloned}`)),
      ).toBe(true)
    } finally {
      await w.stop()
    }
  })

  it('a migration orphaned by an API restart: stale and degraded after 10 min, given up after 6 h, then syncs resume and it clears', async () => {
    const log = memoryLog()
    // Slow transfers, so the first sync is still running when the API restarts.
    const w = world(log, { bytesPerSecond: 8 * 1024 })
    w.start()
    try {
      await w.clock.advance(3 * MINUTE)
      expect(w.sim.inspect.inFlight()).toBe(1)
      w.sim.restart({ pending: 'stuck' })
      await w.clock.advance(8 * MINUTE)
      expect(kinds(w)).toEqual([])
      await w.clock.advance(5 * MINUTE)
      expect(kinds(w)).toEqual([['stale-migration', 'tank/a → nas:backup/a']])
      expect(health(w)).toBe(500)
      expect(
        log.said('debug').some((l) => l.startsWith('WARN degraded: stale-migration: tank/a → nas:backup/a')),
      ).toBe(true)
      expect(metrics(w)).toMatch(/zfs_autobackup_troubles\{kind="stale-migration"\} 1/)
      expect(metrics(w)).toMatch(/zfs_autobackup_migrations_stale 1/)
      const syncsBefore = syncs(w)
      await w.clock.advance(6 * HOUR)
      // Given up: it no longer blocks the destination, so a new sync started; the trouble cleared.
      expect(log.said('debug').some((l) => l.includes('given up: no progress for'))).toBe(true)
      expect(syncs(w)).toBeGreaterThan(syncsBefore)
      expect(kinds(w).filter(([k]) => k === 'stale-migration')).toEqual([])
      expect(
        log.said('debug').some((l) => l.startsWith('INFO cleared: stale-migration: tank/a → nas:backup/a')),
      ).toBe(true)
    } finally {
      await w.stop()
    }
  })
})
