/**
 * `simulate` speed: one simulated year of 10-minute cycles (52,561 cycles) for one dataset with the seed
 * README's policy and one daily-synced destination, through the direct model path (`simulatePolicy`), and
 * 30 days through the real client over the simulator's in-process fetch for comparison.
 * Prints wall time, cycles per second and peak memory. Figures go to docs/performance.md ("Simulation").
 */
import type { DatasetPolicy, Policy } from '@zfs-autobackup/core'
import { simulatePolicy } from '../src/tools/simulate/Simulate.js'

const open = { days: '1111111', hours: '111111111111111111111111' }
const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: open,
  retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: true, intervalSeconds: 86_400, window: open },
}
const dataset: DatasetPolicy = {
  dataset: 'tank/data',
  recursive: false,
  destinations: [{ remoteHost: '10.0.0.5', remoteDataset: 'backup/data', enabled: true }],
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`

const run = async (
  label: string,
  failP: number,
  via: 'model' | 'json-rpc' = 'model',
  days = 365,
): Promise<void> => {
  globalThis.gc?.()
  const t0 = performance.now()
  const r = await simulatePolicy({
    policy,
    dataset,
    zone: 'Europe/Vienna',
    from: Date.parse('2026-01-01T00:00:00Z'),
    to: Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000,
    stepMs: 600_000,
    faults: { seed: 7, syncFailureProbability: failP },
    via,
  })
  const ms = performance.now() - t0
  const c = r.counts
  console.log(
    `${label}: ${c.cycles} cycles in ${(ms / 1000).toFixed(2)} s (${Math.round(c.cycles / (ms / 1000))} cycles/s); ` +
      `${c.created} created, ${c.destroyed} destroyed, ${c.syncsCompleted}/${c.syncsStarted} syncs ok, ` +
      `${r.snapshots.length} kept; heap ${mib(process.memoryUsage().heapUsed)}, ` +
      `peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`,
  )
}

await run('simulate 1 year, 10 min step, daily sync', 0)
await run('simulate 1 year, 10 min step, daily sync, 20% of syncs fail', 0.2)
// The slowest acceptable path, for comparison: the real client through the simulator's in-process fetch.
await run('simulate 30 days via JSON-RPC (client + in-process fetch), daily sync', 0, 'json-rpc', 30)
