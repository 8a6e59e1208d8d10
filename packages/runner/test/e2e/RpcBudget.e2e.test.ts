/**
 * RPC budget (issue 6): the exact HTTP round trips and JSON-RPC calls of each kind of cycle, through the
 * real client and the simulator. Steady cycles must not grow with the number of snapshots (M): the listing
 * is one batch for all datasets, and holds are read only at start-up, for new snapshots, after a migration
 * ended and in the hourly rescan (decisions.md §14). Figures recorded in docs/performance.md.
 */
import { planDataset } from '@zfs-autobackup/core'
import {
  DEFAULT_BATCH_SIZE,
  type FetchLike,
  makeClient,
  type RpcStats,
  VirtualClock,
} from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import { silentLog } from '../../src/daemon/Capabilities.js'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as Metrics from '../../src/http/Metrics.js'

const START = Date.UTC(2026, 5, 1, 8, 1)
const MIN = 60_000
const ALL = { days: '1111111', hours: '1'.repeat(24) }

const setup = (n: number, m: number) => {
  const clock = new VirtualClock(START)
  const datasets = Array.from({ length: n }, (_, i) => `tank/ds${i}`)
  const sim = makeSimulator({ clock, datasets })
  // foreign snapshots: never destroyed, so M stays M
  for (const d of datasets)
    sim.seed.snapshots(
      d,
      Array.from({ length: m }, (_, i) => `manual-${i}`),
    )
  const api = makeClient({ url: 'http://sim:8545', fetch: sim.fetch as unknown as FetchLike, clock })
  const daemon = Daemon.make(
    { api, clock, log: silentLog, planner: planDataset, metrics: Metrics.make() },
    {
      policy: {
        backupIntervalSeconds: 600,
        snapshotWindow: ALL,
        retention: { frequent: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
        remoteSync: { enabled: false, intervalSeconds: 86400, window: ALL },
      },
      datasets: datasets.map((dataset) => ({ dataset, recursive: false, destinations: [] })),
      zone: 'UTC',
    },
  )
  const signal = new AbortController().signal
  /** Runs one cycle at `at` and returns what it cost. */
  const cycle = async (at: number) => {
    clock.set(at)
    const before = api.stats()
    const r = await daemon.cycleOnce(signal)
    expect(r?._tag).toBe('Done')
    return diff(before, api.stats())
  }
  return { cycle, sim }
}

/** HTTP round trips for `k` calls in batches of the client's cap (1000). */
const batches = (k: number) => Math.ceil(k / DEFAULT_BATCH_SIZE)

const diff = (a: RpcStats, b: RpcStats) => ({
  http: b.httpRequests - a.httpRequests,
  calls: b.rpcCalls - a.rpcCalls,
  byMethod: Object.fromEntries(
    Object.entries(b.callsByMethod)
      .map(([k, v]) => [k, v - (a.callsByMethod[k] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  ),
})

describe('RPC budget per cycle (N datasets × M snapshots)', () => {
  it.each([
    [1, 50],
    [5, 200],
    [5, 1000],
    [20, 200],
  ])('N=%i, M=%i', async (n, m) => {
    const { cycle } = setup(n, m)

    // start-up: one listing batch, one migration list batch (pending + running: two calls), a full holds scan (one batch per dataset), N creates
    expect(await cycle(START)).toEqual({
      http: 2 + n * batches(m) + n,
      calls: n + 2 + n * m + n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_holds_list: n * m, snapshot_create: n },
    })
    // steady, nothing due: two round trips whatever M is
    expect(await cycle(START + MIN)).toEqual({
      http: 2,
      calls: n + 2,
      byMethod: { snapshot_list: n, migration_list: 2 },
    })
    // steady, a snapshot due everywhere: + one create per dataset (ours are known to carry no holds)
    expect(await cycle(START + 10 * MIN)).toEqual({
      http: 2 + n,
      calls: n + 2 + n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: n },
    })
    // steady with retention at work (frequent: 2): + one create and one destroy per dataset
    expect(await cycle(START + 20 * MIN)).toEqual({
      http: 2 + 2 * n,
      calls: n + 2 + 2 * n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: n, snapshot_destroy: n },
    })
    // the hourly full rescan: the holds of every snapshot again (M foreign + the 2 kept + the new one)
    expect(await cycle(START + 61 * MIN)).toEqual({
      http: 2 + n * batches(m + 2) + 2 * n,
      calls: n + 2 + n * (m + 2) + 2 * n,
      byMethod: {
        snapshot_list: n,
        migration_list: 2,
        snapshot_holds_list: n * (m + 2),
        snapshot_create: n,
        snapshot_destroy: n,
      },
    })
  })
})
