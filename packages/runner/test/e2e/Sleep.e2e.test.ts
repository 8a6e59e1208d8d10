/**
 * The daemon sleeps until work is due (issue 12 item 2), on the simulator's virtual clock: snapshots are
 * still created when due, syncs start no later than with a cycle every minute, and with no migration
 * running the API hears nothing between due instants but the max-sleep check. SIGHUP and a changed config
 * file wake it at once.
 */
import { makePlanner, type Policy, SnapshotName } from '@zfs-autobackup/core'
import { type FetchLike, makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import * as Daemon from '../../src/daemon/Daemon.js'
import * as Metrics from '../../src/http/Metrics.js'
import * as Logger from '../../src/log/Logger.js'

const MIN = 60_000
const HOUR = 60 * MIN
const START = Date.UTC(2026, 10, 27, 7, 55, 30)
const ALL = { days: '1111111', hours: '1'.repeat(24) }
const NONE = { days: '1111111', hours: '0'.repeat(24) }
/** The config's defaults, remote sync as given. */
const policy = (over: Partial<Policy> = {}): Policy => ({
  backupIntervalSeconds: 600,
  snapshotWindow: ALL,
  retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: false, intervalSeconds: 86_400, window: ALL },
  ...over,
})

const world = (p: Policy, options: Daemon.Options = {}, destinations = false) => {
  const clock = new VirtualClock(START)
  const datasets = ['tank/a', 'tank/b']
  const sim = makeSimulator({ clock, datasets, remotes: ['nas'] })
  /** The instant of every HTTP request the API received. */
  const requests: number[] = []
  const fetch: FetchLike = async (url, init) => {
    requests.push(clock.now())
    return (sim.fetch as unknown as FetchLike)(url, init)
  }
  const api = makeClient({ url: 'http://sim:8545', fetch, clock })
  const daemon = Daemon.make(
    { api, clock, log: Logger.silent, planner: makePlanner(), metrics: Metrics.make() },
    {
      policy: p,
      datasets: datasets.map((dataset) => ({
        dataset,
        recursive: false,
        destinations: destinations
          ? [{ remoteHost: 'nas', remoteDataset: `backup/${dataset.slice(5)}`, enabled: true }]
          : [],
      })),
      zone: 'Europe/Vienna',
    },
    { unconfirmedGraceMs: 0, ...options },
  )
  const stop = new AbortController()
  const running = daemon.run(stop.signal)
  const mutations = (method: string) =>
    sim.inspect.mutations().filter((m) => m.method === method && m.error === undefined)
  return {
    clock,
    daemon,
    requests,
    mutations,
    end: async () => {
      stop.abort()
      await clock.advance(0)
      return running
    },
  }
}

describe('the daemon sleeps until work is due', () => {
  it('creates each snapshot when it is due and calls the API at no other time (no migration running)', async () => {
    const w = world(policy())
    await w.clock.advance(6 * HOUR)
    await w.end()
    for (const dataset of ['tank/a', 'tank/b']) {
      const creates = w.mutations('snapshot_create').filter((m) => m.params['dataset'] === dataset)
      // The first at start, then an hourly at each hour start and frequents 10 minutes apart in between.
      expect(creates.length).toBe(1 + 6 * 6)
      for (let k = 1; k < creates.length; k++) {
        const prev = SnapshotName.parseOrUndefined(String(creates[k - 1]!.params['name']))!.at
        // Due: backup_interval after the previous one, or the next local hour start (Vienna: a UTC hour).
        const due = Math.min(prev + 10 * MIN, Math.floor(prev / HOUR) * HOUR + HOUR)
        expect(creates[k]!.at - due).toBeGreaterThanOrEqual(0)
        expect(creates[k]!.at - due).toBeLessThanOrEqual(5_000)
      }
    }
    // The API heard from the daemon only at those instants: 37 wakes in 6 hours instead of 360.
    const dueInstants = new Set(w.mutations('snapshot_create').map((c) => c.at))
    const wakes = [...new Set(w.requests)]
    expect(wakes.filter((t) => !dueInstants.has(t))).toEqual([])
    expect(wakes.length).toBe(37)
  })

  it('with nothing ever due, looks at the API once per max sleep, and only then', async () => {
    const w = world(policy({ snapshotWindow: NONE }), { maxSleepMs: 5 * MIN })
    await w.clock.advance(HOUR)
    await w.end()
    const wakes = [...new Set(w.requests)]
    expect(wakes).toEqual(Array.from({ length: 13 }, (_, k) => START + k * 5 * MIN))
  })

  it('starts each sync within 5 s of when it is due, not at the next minute tick', async () => {
    const w = world(policy({ remoteSync: { enabled: true, intervalSeconds: 3600, window: ALL } }), {}, true)
    await w.clock.advance(8 * HOUR)
    await w.end()
    for (const dataset of ['tank/a', 'tank/b']) {
      const starts = w
        .mutations('migration_create')
        .filter((m) => String(m.params['source']).startsWith(`${dataset}@`))
      expect(starts.length).toBe(9) // at start, then hourly
      for (let k = 1; k < starts.length; k++) {
        // Due an interval after the time in the name of the snapshot last sent (§15).
        const sent = String(starts[k - 1]!.params['source']).split('@')[1]!
        const due = SnapshotName.parseOrUndefined(sent)!.at + HOUR
        expect(starts[k]!.at - due).toBeGreaterThanOrEqual(0)
        expect(starts[k]!.at - due).toBeLessThanOrEqual(5_000)
      }
    }
  })

  it('SIGHUP wakes it at once; a changed config file within the minute, without an API call before', async () => {
    let changed = false
    const reload = async (): Promise<Daemon.Reload> => {
      if (!changed) return { _tag: 'Unchanged' }
      changed = false
      const settings = w.daemon.settings()
      return { _tag: 'Changed', settings, datasetChanges: [], serverChanges: [], restartChanges: [] }
    }
    const w = world(policy(), { reload })
    await w.clock.advance(MIN) // start-up cycle done; asleep until 08:00 (an hour start)
    const asleep = w.requests.length
    await w.clock.advance(MIN)
    expect(w.requests.length).toBe(asleep) // the file check every 60 s asks the API nothing
    w.daemon.reloadNow()
    await w.clock.advance(0)
    expect(w.requests.length).toBeGreaterThan(asleep)
    expect(w.requests.at(-1)).toBe(START + 2 * MIN)
    const afterHup = w.requests.length
    changed = true
    await w.clock.advance(30_000)
    expect(w.requests.length).toBe(afterHup)
    await w.clock.advance(30_000) // the file check at 60 s sees the change and cycles
    expect(w.requests.length).toBeGreaterThan(afterHup)
    expect(w.requests.at(-1)).toBe(START + 3 * MIN)
    await w.end()
  })
})
