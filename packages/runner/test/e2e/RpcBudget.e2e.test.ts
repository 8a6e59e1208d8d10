/**
 * RPC budget (issues 6, 12): the exact HTTP round trips and JSON-RPC calls of each kind of cycle, through
 * the real client and the simulator. Steady cycles must not grow with the number of snapshots (M): the
 * listing is batched for all datasets, and holds are read only at start-up, for new snapshots, after a
 * migration ended and in the periodic rescan (core-decisions.md §14), which is spread over its period. Every
 * batch holds at most the client's cap of calls, and the API host never has more than that in flight.
 * Figures recorded in docs/performance.md.
 */
import { planDataset } from '@zfs-autobackup/core'
import {
  DEFAULT_MAX_CALLS_IN_FLIGHT,
  type FetchLike,
  makeClient,
  type RpcStats,
  VirtualClock,
} from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as Metrics from '../../src/http/Metrics.js'
import * as Logger from '../../src/log/Logger.js'

const START = Date.UTC(2026, 5, 1, 8, 1)
const MIN = 60_000
const ALL = { days: '1111111', hours: '1'.repeat(24) }

const HOUR = 60 * MIN
const NONE = { days: '1111111', hours: '0'.repeat(24) }

const setup = (n: number, m: number, opts: { rescanMs: number; snapshots?: boolean; overlap?: boolean }) => {
  const clock = new VirtualClock(START)
  const datasets = Array.from({ length: n }, (_, i) => `tank/ds${i}`)
  const sim = makeSimulator({ clock, datasets })
  // foreign snapshots: never destroyed, so M stays M
  for (const d of datasets)
    sim.seed.snapshots(
      d,
      Array.from({ length: m }, (_, i) => `manual-${i}`),
    )
  // The calls the API host is running for us at any moment (the in-process simulator answers each
  // request after the fetch started, so concurrent requests overlap here as on a real host).
  let inFlight = 0
  let peak = 0
  const fetch: FetchLike = async (url, init) => {
    const body: unknown = JSON.parse(init.body ?? '{}')
    const calls = Array.isArray(body) ? body.length : 1
    inFlight += calls
    peak = Math.max(peak, inFlight)
    try {
      if (opts.overlap !== false) await new Promise((r) => setImmediate(r))
      return await (sim.fetch as unknown as FetchLike)(url, init)
    } finally {
      inFlight -= calls
    }
  }
  const api = makeClient({ url: 'http://sim:8545', fetch, clock })
  const daemon = Daemon.make(
    { api, clock, log: Logger.silent, planner: planDataset, metrics: Metrics.make() },
    {
      policy: {
        backupIntervalSeconds: 600,
        snapshotWindow: opts.snapshots === false ? NONE : ALL,
        retention: { frequent: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
        remoteSync: { enabled: false, intervalSeconds: 86400, window: ALL },
      },
      datasets: datasets.map((dataset) => ({ dataset, recursive: false, destinations: [] })),
      zone: 'UTC',
    },
    { holdRescanMs: opts.rescanMs },
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
  return { cycle, sim, peak: () => peak, daemon, clock, api }
}

/** HTTP round trips for `k` calls in batches of the client's cap. */
const batches = (k: number) => Math.ceil(k / DEFAULT_MAX_CALLS_IN_FLIGHT)

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
    [3, 200],
    [5, 200],
    [5, 1000],
    [8, 200],
    [20, 200],
  ])('N=%i, M=%i', async (n, m) => {
    // A daily rescan whose slots (k/N of a day past midnight) fall outside these 20 minutes.
    const { cycle, peak } = setup(n, m, { rescanMs: 24 * HOUR })
    const list = batches(n) + 1

    // start-up: the listing in batches of the cap, one migration list, a full holds scan (⌈M / cap⌉
    // batches per dataset), N creates in one phase (batches of the cap)
    expect(await cycle(START)).toEqual({
      http: list + n * batches(m) + batches(n),
      calls: n + 2 + n * m + n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_holds_list: n * m, snapshot_create: n },
    })
    expect(peak()).toBe(DEFAULT_MAX_CALLS_IN_FLIGHT)
    // steady, nothing due: the listing and the migration list, whatever M is
    expect(await cycle(START + MIN)).toEqual({
      http: list,
      calls: n + 2,
      byMethod: { snapshot_list: n, migration_list: 2 },
    })
    // steady, a snapshot due everywhere: + one create per dataset (ours are known to carry no holds), all
    // of them in one phase
    expect(await cycle(START + 10 * MIN)).toEqual({
      http: list + batches(n),
      calls: n + 2 + n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: n },
    })
    // steady with retention at work (frequent: 2): + one create and one destroy per dataset, by phase:
    // the creates in one round trip, the destroys in another (each phase in batches of the cap)
    const due = await cycle(START + 20 * MIN)
    expect(due).toEqual({
      http: list + 2 * batches(n),
      calls: n + 2 + 2 * n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: n, snapshot_destroy: n },
    })
    // Issue 12's target: list, create, destroy, migration list — 4 round trips whatever N, up to the cap
    // (was 2 + 2N); beyond it each phase takes ⌈N / cap⌉.
    expect(due.http).toBe(n <= DEFAULT_MAX_CALLS_IN_FLIGHT ? 4 : 1 + 3 * batches(n))
    expect(peak()).toBe(DEFAULT_MAX_CALLS_IN_FLIGHT)
  })
})

describe('RPC budget per day: the daemon sleeps until work is due (issue 12)', () => {
  it.each([
    [1, 50],
    [5, 200],
  ])('N=%i, M=%i: one look at the API per due snapshot, none between', async (n, m) => {
    // frequent: 2 every 10 minutes, no other type, no sync: due every 10 minutes after the first.
    // Requests answered at once (no overlap): on the virtual clock a cycle then takes no time, as on a
    // real host it takes a second or two, and every dataset's snapshot is due at the same instant.
    const { daemon, clock, api } = setup(n, m, { rescanMs: 24 * HOUR, overlap: false })
    const stop = new AbortController()
    const running = daemon.run(stop.signal)
    await clock.advance(24 * HOUR - 1)
    stop.abort()
    await clock.advance(0)
    await running
    const s = api.stats()
    // 08:01 start-up (the first snapshot), then one look every 10 minutes when the next is due: 144.
    const cycles = 144
    // The holds: the start-up scan, and the daily rescan of each dataset in its slot (its M + our 2).
    const holds = n * m + n * (m + 2)
    expect(s.callsByMethod).toEqual({
      snapshot_list: n * cycles,
      migration_list: 2 * cycles,
      snapshot_holds_list: holds,
      snapshot_create: n * cycles,
      snapshot_destroy: n * (cycles - 2),
    })
    expect(s.rpcCalls).toBe(n * cycles + 2 * cycles + holds + n * cycles + n * (cycles - 2))
    // Each cycle: the listing, the migration list, the creates; all but the first two the destroys too.
    expect(s.httpRequests).toBe(
      (1 + 2 * batches(n)) * cycles + batches(n) * (cycles - 2) + n * (batches(m) + batches(m + 2)),
    )
    // A cycle every minute listed n snapshots 1,440 times a day: now ten times fewer.
    expect(s.callsByMethod['snapshot_list']! * 8).toBeLessThanOrEqual(n * 1440)
  })
})

describe('the periodic holds rescan is spread over its period and paced', () => {
  it('an hour of minute cycles re-reads every dataset once, at most ⌈N / 60⌉ datasets a cycle, never more than the cap in flight', async () => {
    const n = 75
    const m = 16
    const { cycle, peak } = setup(n, m, { rescanMs: HOUR, snapshots: false })
    expect((await cycle(START)).byMethod['snapshot_holds_list']).toBe(n * m)
    const perCycle: number[] = []
    for (let k = 1; k <= 60; k++) {
      const c = await cycle(START + k * MIN)
      perCycle.push((c.byMethod['snapshot_holds_list'] ?? 0) / m)
      expect(c.http).toBe(batches(n) + 1 + batches(m) * perCycle.at(-1)!)
    }
    // Every dataset exactly once in the hour, in slices of one or two (75 slots, 60 wakes).
    expect(perCycle.reduce((a, b) => a + b, 0)).toBe(n)
    expect(Math.max(...perCycle)).toBe(Math.ceil(n / 60))
    expect(Math.min(...perCycle)).toBe(Math.floor(n / 60))
    // And the hour after, the same again.
    let next = 0
    for (let k = 61; k <= 120; k++)
      next += ((await cycle(START + k * MIN)).byMethod['snapshot_holds_list'] ?? 0) / m
    expect(next).toBe(n)
    expect(peak()).toBeLessThanOrEqual(DEFAULT_MAX_CALLS_IN_FLIGHT)
  })
})

describe('RPC budget of a recursive tree with K descendants (issue 11)', () => {
  const setupTree = (k: number, m: number) => {
    const clock = new VirtualClock(START)
    const children = Array.from({ length: k }, (_, i) => `tank/root/c${i}`)
    const sim = makeSimulator({ clock, datasets: ['tank/root', ...children] })
    for (const d of ['tank/root', ...children])
      sim.seed.snapshots(
        d,
        Array.from({ length: m }, (_, i) => `manual-${i}`),
      )
    const api = makeClient({ url: 'http://sim:8545', fetch: sim.fetch as unknown as FetchLike, clock })
    const daemon = Daemon.make(
      { api, clock, log: Logger.silent, planner: planDataset, metrics: Metrics.make() },
      {
        policy: {
          backupIntervalSeconds: 600,
          snapshotWindow: ALL,
          retention: { frequent: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
          remoteSync: { enabled: false, intervalSeconds: 86400, window: ALL },
        },
        datasets: [{ dataset: 'tank/root', recursive: true, destinations: [] }],
        zone: 'UTC',
      },
      { holdRescanMs: 24 * HOUR },
    )
    const signal = new AbortController().signal
    const cycle = async (at: number) => {
      clock.set(at)
      const before = api.stats()
      const r = await daemon.cycleOnce(signal)
      expect(r?._tag).toBe('Done')
      // settled: a tree does not keep the daemon waking every tick (its descendants change by time alone never)
      if (r?._tag === 'Done') expect([r.failedDatasets, r.unsettled]).toEqual([0, 0])
      return diff(before, api.stats())
    }
    const ours = (d: string) => sim.inspect.snapshots(d).filter((s) => s.startsWith('frequent_'))
    return { cycle, ours, children }
  }

  // The last column: round trips of a due cycle with retention at work on every member (was list + 1 + K + 1
  // when each descendant's plan went alone after the roots': 5, 7, 26).
  it.each([
    [1, 20, 4],
    [3, 50, 4],
    [20, 50, 8],
  ])('K=%i, M=%i: the descendants ride in the one batched listing, O(K) calls', async (k, m, pruning) => {
    const { cycle, ours, children } = setupTree(k, m)
    const n = 1 + k
    const list = batches(n) + 1
    // start-up: one dataset_list for the tree's members, the listing of root + K descendants, a full holds
    // scan of each, one `-r` create on the root
    expect(await cycle(START)).toEqual({
      http: 1 + list + n * batches(m) + 1,
      calls: 1 + n + 2 + n * m + 1,
      byMethod: {
        dataset_list: 1,
        snapshot_list: n,
        migration_list: 2,
        snapshot_holds_list: n * m,
        snapshot_create: 1,
      },
    })
    // steady, nothing due: K + 3 calls (no dataset_list: members are re-read with the holds rescan)
    expect(await cycle(START + MIN)).toEqual({
      http: list,
      calls: n + 2,
      byMethod: { snapshot_list: n, migration_list: 2 },
    })
    // a snapshot due: one `-r` create, whatever K (the new snapshot needs no holds read anywhere)
    expect(await cycle(START + 10 * MIN)).toEqual({
      http: list + 1,
      calls: n + 2 + 1,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: 1 },
    })
    // retention at work (frequent: 2): + one destroy on the root and on each descendant, all in the host's
    // destroy phase (batches of the cap): listing, migration list, create, destroys while K + 1 fits the cap
    expect(await cycle(START + 20 * MIN)).toEqual({
      http: pruning,
      calls: n + 2 + 1 + n,
      byMethod: { snapshot_list: n, migration_list: 2, snapshot_create: 1, snapshot_destroy: n },
    })
    expect(pruning).toBe(list + 1 + batches(n))
    for (const d of ['tank/root', ...children]) expect(ours(d)).toHaveLength(2)
  })
})
