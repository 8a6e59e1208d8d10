/**
 * What one simulated day costs the ZFS API at the default config (backup_interval 600, default retention,
 * no remote sync, hold rescan hourly, max sleep 600 s): the real daemon, the real client and the simulator
 * in-process on a virtual clock, for 10 and 100 datasets × 200 foreign snapshots (never destroyed, so M
 * stays 200). Two ways: the daemon's own loop, which sleeps until work is due (`run`), and a cycle every
 * minute (`cycleOnce` each 60 s, as the daemon did before). Counts `snapshot_list` calls, JSON-RPC calls
 * and HTTP round trips over the day (start-up included), against the original client, which spent
 * N × (M + 3) requests every 60 s, one `snapshot_list` per dataset among them. Figures go to
 * docs/performance.md ("One simulated day").
 */
import { makePlanner, type Policy } from '@zfs-autobackup/core'
import { type FetchLike, makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import * as Daemon from '../src/daemon/Daemon.js'
import * as Metrics from '../src/http/Metrics.js'
import * as Logger from '../src/log/Logger.js'

const M = 200
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const open = { days: '1111111', hours: '1'.repeat(24) }
/** The config's defaults. */
const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: open,
  retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: false, intervalSeconds: 86_400, window: open },
}

const day = async (n: number, mode: 'sleeping' | 'every minute') => {
  const start = Date.UTC(2026, 10, 27, 0, 0, 30)
  const clock = new VirtualClock(start)
  const datasets = Array.from({ length: n }, (_, k) => `tank/ds${k}`)
  const sim = makeSimulator({ clock, datasets })
  for (const d of datasets)
    sim.seed.snapshots(
      d,
      Array.from({ length: M }, (_, i) => `manual_${i}`),
    )
  const api = makeClient({ url: 'http://sim:8545', fetch: sim.fetch as unknown as FetchLike, clock })
  const daemon = Daemon.make(
    { api, clock, log: Logger.silent, planner: makePlanner(), metrics: Metrics.make() },
    {
      policy,
      datasets: datasets.map((dataset) => ({ dataset, recursive: false, destinations: [] })),
      zone: 'UTC',
    },
    { holdRescanMs: 3_600_000, unconfirmedGraceMs: 0 },
  )
  const stop = new AbortController()
  const t0 = performance.now()
  if (mode === 'sleeping') {
    const running = daemon.run(stop.signal)
    await clock.advance(DAY - 1)
    stop.abort()
    await clock.advance(0)
    await running
  } else {
    for (let t = start; t < start + DAY; t += MINUTE) {
      clock.set(t)
      const r = await daemon.cycleOnce(stop.signal)
      if (r?._tag !== 'Done' || r.failedDatasets > 0) throw new Error(`cycle at ${t}: ${JSON.stringify(r)}`)
    }
  }
  const s = api.stats()
  const original = (DAY / MINUTE) * n * (M + 3)
  const row = [
    `${n} × ${M}`,
    mode,
    String(s.callsByMethod['snapshot_list'] ?? 0),
    String((DAY / MINUTE) * n),
    String(s.rpcCalls),
    String(s.httpRequests),
    String(original),
    `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  ]
  console.log(`| ${row.join(' | ')} |`)
  console.log(`    calls by method: ${JSON.stringify(s.callsByMethod)}`)
}

console.log(`one simulated day at the default config — node ${process.version}`)
console.log(
  '| datasets × snapshots | daemon | snapshot_list (ours) | snapshot_list (original) | JSON-RPC calls (ours) | HTTP round trips (ours) | requests (original, N × (M + 3) per 60 s) | wall time |',
)
console.log('|---|---|---|---|---|---|---|---|')
for (const n of [10, 100]) for (const mode of ['every minute', 'sleeping'] as const) await day(n, mode)
