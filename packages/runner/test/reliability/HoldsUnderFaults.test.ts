/**
 * Retention must keep working while some hold reads fail. Found by the soak (docs/reliability.md, "Known
 * issues"): the holds of a dataset are read as ONE batch that fails as a whole when any item fails
 * (`ZfsApi.holdsList`), and a full scan that failed leaves the cache with nothing, so the next cycle reads
 * every snapshot again. With a per-call failure rate p and n snapshots a scan succeeds with (1-p)^n: until
 * one does, holds stay Unknown, nothing is destroyed, the dataset grows by one snapshot a cycle, and the next
 * scan is even less likely to succeed. Safe (nothing wrong is destroyed) but retention stops for good.
 */
import { SnapshotName } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import { seedForeign } from './Invariants.js'
import { allWindow, MINUTE, makeWorld } from './World.js'

const stamp = (i: number) => {
  const d = new Date(Date.UTC(2026, 11, 29, 0, 0) + i * 10 * MINUTE)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}-${p(d.getUTCMinutes())}`
}

const world = () => {
  const w = makeWorld({
    seed: 7,
    start: Date.UTC(2026, 11, 30, 12, 0),
    zone: 'UTC',
    policy: {
      backupIntervalSeconds: 60,
      snapshotWindow: allWindow,
      retention: { frequent: 5, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
      remoteSync: { enabled: false, intervalSeconds: 86400, window: allWindow },
    },
    datasets: [{ dataset: 'tank/a', recursive: false, destinations: [] }],
  })
  // A backlog of 60 of our snapshots (a restart after a long API outage, say).
  w.sim.seed.snapshots(
    'tank/a',
    Array.from({ length: 60 }, (_, i) => `frequent_backup_${stamp(i)}`),
  )
  seedForeign(w)
  return w
}

const ours = (w: ReturnType<typeof world>) =>
  w.sim.inspect.snapshots('tank/a').filter((s) => SnapshotName.parseOrUndefined(s)?.type === 'frequent')
    .length

describe('retention under failing hold reads', () => {
  it('without faults, works the backlog off in one cycle (control)', async () => {
    const w = world()
    w.start()
    for (let i = 0; i < 5; i++) await w.clock.advance(MINUTE)
    expect(ours(w)).toBe(5)
    await w.stop()
  })

  // KNOWN BUG (see the file comment): flip `it.fails` to `it` once partial hold reads are kept.
  it.fails('keeps the dataset bounded when 10 % of snapshot_holds_list calls fail', async () => {
    const w = world()
    w.sim.faults.random(
      {
        method: 'snapshot_holds_list',
        probability: 0.1,
        faults: [{ kind: 'rpcError', code: -32034, message: 'Failed to list holds: exception' }],
      },
      7,
    )
    w.start()
    for (let i = 0; i < 300; i++) await w.clock.advance(MINUTE)
    await w.stop()
    // 300 cycles, each a chance to read the missing holds: the policy's 5 plus a little slack at most.
    expect(ours(w)).toBeLessThanOrEqual(5 + 20)
  })
})
