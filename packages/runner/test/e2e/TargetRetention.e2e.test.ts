/**
 * Retention on the backup host end to end (issue 9 item 4): the real daemon (supervisor, config, client)
 * against a source API and the backup host's own API, simulated on one model and clock, over days.
 */
import { BaseTag, SnapshotName, SnapshotType } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import { config, HOUR, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)
const TAG = BaseTag.of({ remoteHost: 'nas', remoteDataset: 'backup/a' })
const target = { frequent: 1, hourly: 3, daily: 2, weekly: 1, monthly: 1, yearly: 1 }

const byType = (names: ReadonlyArray<string>): Record<string, number> => {
  const n: Record<string, number> = {}
  for (const s of names) {
    const t = SnapshotName.parseOrUndefined(s)?.type
    if (t !== undefined) n[t] = (n[t] ?? 0) + 1
  }
  return n
}

describe('retention on the backup host, with its own API', () => {
  it('prunes the backup host to target_retention over days; the held, base and newest snapshots survive', async () => {
    const w = await startWorld({
      yaml: config({
        datasets: [
          {
            name: 'tank/a',
            dest: 'nas',
            api: true,
            targetRetention: '{ frequent: 1, hourly: 3, daily: 2, weekly: 1 }',
          },
        ],
        syncInterval: 6 * 3600,
      }),
      start: START,
      simulator: { datasets: ['tank/a'] },
      backupApi: { host: 'nas' },
    })
    await w.run(13 * HOUR)
    const remote = () => w.backup!.inspect.snapshots('backup/a')
    // An operator holds the oldest snapshot there: it stays, whatever its rank.
    const held = remote()[0]!
    w.backup!.seed.hold('backup/a', held, 'keep')
    await w.run(3 * 24 * HOUR)

    const there = remote()
    const here = w.sim.inspect.snapshots('tank/a')
    const bases = here.filter((s) => w.sim.inspect.holds('tank/a', s).includes(TAG))
    expect(bases).toHaveLength(1) // verified: the base sits on what the backup host has
    expect(there).toContain(held)
    expect(there).toContain(bases[0])
    expect(here).toContain(there.at(-1))
    // Counts: the target's; beyond them only the held snapshot, the base and the newest.
    const counts = byType(there)
    const extra = new Set([held, bases[0]!, there.at(-1)!])
    for (const t of SnapshotType.all) {
      const protectedOfType = there.filter(
        (s) => extra.has(s) && SnapshotName.parseOrUndefined(s)?.type === t,
      )
      expect(counts[t] ?? 0).toBeGreaterThanOrEqual(Math.min(target[t], byType(here)[t] ?? 0))
      expect(counts[t] ?? 0).toBeLessThanOrEqual(target[t] + protectedOfType.length)
    }
    expect(there.length).toBeLessThan(here.length) // the source keeps its own, larger counts
    expect(w.grep(/destroy nas:backup\/a@hourly_backup_\S+: beyond newest 3 hourly/).length).toBeGreaterThan(
      0,
    )
    expect(w.grep(/ (ERROR|WARN) /)).toEqual([])
    // The pruning went through the backup host's own API.
    expect(w.backup!.inspect.counts().byMethod['snapshot_destroy']).toBeGreaterThan(0)
    await w.stop()
  })
})
