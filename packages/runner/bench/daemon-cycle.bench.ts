/**
 * A full daemon cycle against the simulator over LOOPBACK HTTP (the simulator's node:http server on
 * 127.0.0.1, the real client with cross-fetch, the real `Daemon.cycleOnce` and core planner), for 10, 100
 * and 1,000 datasets × 200 snapshots. Per kind of cycle: wall time, HTTP round trips and JSON-RPC calls
 * (total and per dataset, from the client's own counters), and the process's peak RSS.
 *
 * - first: start-up, every snapshot's holds read (full scan), a snapshot due on every dataset;
 * - steady: a minute later, nothing due (most cycles: the tick is 1 min);
 * - due: 10 minutes later, a snapshot due everywhere;
 * - rescan: an hour later, the periodic full holds rescan plus a snapshot due everywhere.
 *
 * The simulator runs in this process, so wall times include the server's work too. Figures go to
 * docs/performance.md ("Daemon cycle over loopback HTTP").
 */
import { type DatasetPolicy, type Policy, planDataset, SnapshotName } from '@zfs-autobackup/core'
import { type Clock, makeClient, type RpcStats, systemClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import * as Daemon from '../src/daemon/Daemon.js'
import * as Metrics from '../src/http/Metrics.js'
import * as Logger from '../src/log/Logger.js'

const SNAPSHOTS = 200
const open = { days: '1111111', hours: '1'.repeat(24) }
/** Keeps all 200 seeded snapshots: the cycle's cost is observing and planning, not a destroy backlog. */
const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: open,
  retention: { frequent: 1000, hourly: 1000, daily: 1000, weekly: 1000, monthly: 1000, yearly: 1000 },
  remoteSync: { enabled: false, intervalSeconds: 86_400, window: open },
}
const MINUTE = 60_000

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MiB`

const delta = (a: RpcStats, b: RpcStats) => ({
  http: b.httpRequests - a.httpRequests,
  rpc: b.rpcCalls - a.rpcCalls,
})

const bench = async (n: number): Promise<void> => {
  const start = Date.UTC(2026, 10, 27, 9, 0, 30)
  const names = Array.from({ length: SNAPSHOTS }, (_, i) => {
    const at = start - (SNAPSHOTS - i) * 10 * MINUTE
    return i % 50 === 7
      ? `manual_${i}`
      : SnapshotName.format(new Date(at).getUTCMinutes() === 0 ? 'hourly' : 'frequent', at)
  })
  const datasets: ReadonlyArray<DatasetPolicy> = Array.from({ length: n }, (_, k) => ({
    dataset: `tank/ds${k}`,
    recursive: false,
    destinations: [{ remoteHost: 'nas', remoteDataset: `backup/ds${k}`, enabled: true }],
  }))
  const sim = makeSimulator({ datasets: datasets.map((d) => d.dataset) })
  for (const d of datasets) {
    sim.seed.snapshots(d.dataset, names)
    sim.seed.hold(d.dataset, names[SNAPSHOTS - 3]!, 'sync_2026-11-27-09-00-05_nas')
    sim.seed.hold(d.dataset, names[40]!, 'keep')
  }
  const server = await sim.listen({ port: 0 })
  // Wall clock moved by the benchmark between cycles (timers stay real).
  let offset = start - Date.now()
  const clock: Clock = { now: () => Date.now() + offset, sleep: systemClock.sleep }
  const api = makeClient({ url: server.url, clock, timeoutMs: 120_000 })
  const daemon = Daemon.make(
    { api, clock, log: Logger.silent, planner: planDataset, metrics: Metrics.make() },
    { policy, datasets, zone: 'Europe/Vienna' },
  )
  const signal = new AbortController().signal
  const cycle = async (label: string, advanceMs: number) => {
    offset += advanceMs
    globalThis.gc?.()
    const before = api.stats()
    const t0 = performance.now()
    const r = await daemon.cycleOnce(signal)
    const ms = performance.now() - t0
    if (r?._tag !== 'Done' || r.failedDatasets > 0) throw new Error(`${label}: ${JSON.stringify(r)}`)
    const d = delta(before, api.stats())
    console.log(
      `${String(n).padStart(5)} × ${SNAPSHOTS}  ${label.padEnd(7)} ${ms.toFixed(0).padStart(6)} ms ` +
        `(${((ms * 1000) / n).toFixed(0).padStart(5)} µs/dataset)  ` +
        `HTTP ${String(d.http).padStart(5)} (${(d.http / n).toFixed(2)}/dataset)  ` +
        `JSON-RPC ${String(d.rpc).padStart(7)} (${(d.rpc / n).toFixed(2)}/dataset)  ` +
        `maxRSS ${mib(process.resourceUsage().maxRSS * 1024)}`,
    )
  }
  await cycle('first', 0)
  await cycle('steady', MINUTE)
  await cycle('due', 10 * MINUTE)
  await cycle('rescan', 60 * MINUTE)
  await server.close()
}

console.log(`daemon cycle over loopback HTTP — node ${process.version}, ${process.arch}`)
for (const n of [10, 100, 1000]) await bench(n)
