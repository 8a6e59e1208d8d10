import { makePlanner, type Policy, SnapshotName, SnapshotType } from '@zfs-autobackup/core'
import { makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulatorPair } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as DestinationApis from '../../src/daemon/DestinationApis.js'
import * as Metrics from '../../src/http/Metrics.js'
import { memoryLog } from './Harness.js'

const T0 = Date.UTC(2026, 10, 27, 0, 5)
const MIN = 60_000

const policy: Policy = {
  backupIntervalSeconds: 3600,
  snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
  retention: { frequent: 0, hourly: 24, daily: 7, weekly: 4, monthly: 0, yearly: 0 },
  remoteSync: {
    enabled: true,
    intervalSeconds: 6 * 3600,
    window: { days: '1111111', hours: '1'.repeat(24) },
  },
}
const target = { frequent: 0, hourly: 5, daily: 2, weekly: 1, monthly: 0, yearly: 0 }
const dest = { remoteHost: 'nas', remoteDataset: 'backup/data', enabled: true }

/** The real daemon against the simulator pair: the source's API and the backup host's own API. */
const world = () => {
  const clock = new VirtualClock(T0)
  const { source, backup } = makeSimulatorPair({
    clock,
    datasets: ['tank/data'],
    migration: { bytesPerSnapshot: 1024 * 1024, bytesPerSecond: 1024 * 1024, overheadMs: 600 },
  })
  const api = makeClient({ url: 'http://localhost:8545', fetch: source.fetch, clock })
  const backupApi = makeClient({ url: 'http://nas:8545', fetch: backup.fetch, clock, maxCallsInFlight: 2 })
  const log = memoryLog()
  const apiSettings = { url: 'http://nas:8545', timeoutSeconds: 30, maxCallsInFlight: 2 }
  const destinationApis = DestinationApis.make([{ ...dest, api: apiSettings }], () => backupApi)
  const daemon = Daemon.make(
    { api, destinationApis, clock, log, planner: makePlanner(), metrics: Metrics.make() },
    {
      policy,
      datasets: [{ dataset: 'tank/data', recursive: false, destinations: [dest] }],
      zone: 'UTC',
      targets: [{ remoteHost: 'nas', remoteDataset: 'backup/data', retention: target }],
    },
  )
  /** The daemon's own loop (cycles, migration polling) for `hours` of virtual time. */
  const runFor = async (hours: number) => {
    const stop = new AbortController()
    const running = daemon.run(stop.signal)
    for (let t = 0; t < hours * 60; t++) await clock.advance(MIN)
    stop.abort()
    await running
  }
  return { clock, source, backup, log, runFor }
}

const byType = (names: ReadonlyArray<string>) => {
  const n: Record<string, number> = {}
  for (const s of names) {
    const p = SnapshotName.parseOrUndefined(s)
    if (p !== undefined) n[p.type] = (n[p.type] ?? 0) + 1
  }
  return n
}

describe('retention on the backup host, by the daemon (decisions §17)', () => {
  it('prunes the backup host to target_retention over days; held, foreign, base and newest survive', async () => {
    const w = world()
    await w.runFor(30)
    // A snapshot not of ours goes along with the next incremental (one taken on the backup host itself
    // would stop every incremental there: zfs receives no stream onto a newer snapshot).
    w.source.seed.snapshots('tank/data', ['manual-before-upgrade'])
    // An operator holds one snapshot that arrived there.
    const arrived = w.backup.inspect.snapshots('backup/data').filter((s) => SnapshotName.isOurs(s))
    const held = arrived[0]!
    w.backup.seed.hold('backup/data', held, 'keep')
    await w.runFor(2 * 24)

    const there = w.backup.inspect.snapshots('backup/data')
    const here = w.source.inspect.snapshots('tank/data')
    expect(there).toContain('manual-before-upgrade')
    expect(there).toContain(held)
    // The base the source holds for it, and the newest common snapshot, are there.
    const baseTag = 'autobackup-base@nas@backup/data'
    const bases = here.filter((s) => w.source.inspect.holds('tank/data', s).includes(baseTag))
    expect(bases.length).toBeGreaterThan(0)
    for (const b of bases) expect(there).toContain(b)
    expect(here).toContain(there[there.length - 1])

    // Counts: the target's, plus at most the protected ones (held, bases, newest common, newest).
    const counts = byType(there)
    const protectedOnes = new Set([held, ...bases, there[there.length - 1]!])
    for (const t of SnapshotType.all) {
      const extra = there.filter((s) => protectedOnes.has(s) && SnapshotName.parseOrUndefined(s)?.type === t)
      expect(counts[t] ?? 0).toBeGreaterThanOrEqual(Math.min(target[t], byType(here)[t] ?? 0))
      expect(counts[t] ?? 0).toBeLessThanOrEqual(target[t] + extra.length)
    }
    // The source keeps its own, larger counts: the backup host was pruned, not the source.
    expect(byType(here)['hourly']).toBeGreaterThan(target.hourly + 4)
    expect(w.log.text('info').some((l) => l.startsWith('destroy nas:backup/data@hourly_backup_'))).toBe(true)

    // Pruned after each sync (every 6 h here), not every minute's cycle. Each ended sync is also verified
    // there (one more listing: replication.md, "Verified arrival"), and so is the destination at start-up.
    const lists = w.backup.inspect.counts().byMethod['snapshot_list'] ?? 0
    const syncs = w.log.text('info').filter((l) => l.includes('(verified: same guid on both ends)')).length
    expect(syncs).toBeGreaterThan(0)
    expect(lists).toBeLessThanOrEqual((30 + 2 * 24) / 6 + 2 + syncs + 1)
  })
})
