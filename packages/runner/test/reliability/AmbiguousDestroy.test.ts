/**
 * Found by the soak property (Soak.prop.test.ts, seed 1): a destroy whose reply never came (the client
 * timed out) may still run on the API host afterwards. If the same cycle then starts a sync, the sync's
 * range can include that snapshot, and the late destroy removes it while it is being sent. The watch saw
 * nothing wrong, because at request time no migration was in flight. The simulator recorded the broken
 * transfer.
 *
 * The rule under test: a sync does not start in a cycle where a destroy's outcome is unknown. The next
 * cycle re-reads the listing, and by then the destroy has either happened or been issued again.
 */
import { describe, expect, it } from 'vitest'
import { MINUTE, makeWorld, openPolicy } from './World.js'

const START = Date.UTC(2026, 6, 1, 12, 0, 30)
const old = (min: number) =>
  `frequent_backup_2026-07-01-${String(10 + Math.floor(min / 60)).padStart(2, '0')}-${String(min % 60).padStart(2, '0')}`

const world = (retry: 'off' | 'on') => {
  const w = makeWorld({
    seed: 1,
    start: START,
    zone: 'UTC',
    policy: openPolicy({
      backupIntervalSeconds: 600,
      retention: { frequent: 1 },
      syncIntervalSeconds: 3600,
    }),
    datasets: [
      {
        dataset: 'tank/a',
        recursive: false,
        destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
      },
    ],
    ...(retry === 'off' ? { retry: { maxAttempts: 1 } } : {}),
  })
  // Synced two hours ago (base f1, held by the sync tag, on the remote); f2 is beyond retention.
  w.sim.seed.snapshots('tank/a', [old(0)], { holds: ['sync_2026-07-01-10-01-00_nas'] })
  w.sim.seed.snapshots('backup/a', [old(0)], { host: 'nas', holds: ['sync_2026-07-01-10-01-00_nas'] })
  w.sim.seed.snapshots('tank/a', [old(50)])
  return w
}

describe('a destroy whose outcome is unknown', () => {
  it.each([
    // retries off: one attempt, answered after 45 s, i.e. 15 s after the client's 30 s timeout
    ['off', 1, 45_000],
    // retries on: four attempts over ~124 s; the first still runs at 150 s, inside the sync's transfer
    ['on', 4, 150_000],
  ] as const)(
    'with client retries %s: no sync starts that cycle, so a late destroy breaks no transfer',
    async (retry, attempts, ms) => {
      const w = world(retry)
      // Every attempt at destroying f2 is answered only after the client gave up (30 s); each still runs.
      w.sim.faults.script(
        'snapshot_destroy',
        Array.from({ length: attempts }, () => ({ kind: 'delay' as const, ms })),
      )
      w.start()
      for (let i = 0; i < 30; i++) await w.clock.advance(MINUTE)
      await w.stop()
      expect(w.sim.inspect.violations()).toEqual([])
      // The sync was only postponed: it ran, and it carried the new snapshot to the remote.
      const synced = w.sim.inspect.snapshots('backup/a', 'nas')
      expect(synced.length).toBeGreaterThan(1)
      expect(w.sim.inspect.snapshots('tank/a')).not.toContain(old(50))
    },
  )
})
