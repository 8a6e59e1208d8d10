/**
 * Planning cost: 1,000 datasets × 1,000 snapshots (the target: <= 1 s on 2 cores), plus 1 × 10,000
 * and 100 × 1,000. Realistic names (10-minute cadence with hourly/daily/weekly/… at their boundaries, a few
 * foreign names), sync holds on some snapshots, one destination per dataset. Inputs are built before timing.
 * Run: `npm run bench` (node --expose-gc).
 */
import { performance } from 'node:perf_hooks'
import { makePlanner, type PlanInput } from '../src/index.js'
import type { Policy } from '../src/Policy.js'
import * as Schedule from '../src/Schedule.js'
import * as SnapshotName from '../src/SnapshotName.js'
import type { SnapshotType } from '../src/SnapshotType.js'

const now = Date.parse('2026-11-27T09:21:30Z')
const step = 10 * 60_000

const policy = (keepAll: boolean): Policy => ({
  backupIntervalSeconds: 600,
  snapshotWindow: Schedule.always,
  retention: keepAll
    ? {
        frequent: 100_000,
        hourly: 100_000,
        daily: 100_000,
        weekly: 100_000,
        monthly: 100_000,
        yearly: 100_000,
      }
    : { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: true, intervalSeconds: 86400, window: Schedule.always },
})

const typeAt = (t: number): SnapshotType => {
  const d = new Date(t)
  if (d.getUTCMinutes() !== 0) return 'frequent'
  if (d.getUTCHours() !== 0) return 'hourly'
  if (d.getUTCDate() === 1) return d.getUTCMonth() === 0 ? 'yearly' : 'monthly'
  return d.getUTCDay() === 1 ? 'weekly' : 'daily'
}

/** `n` snapshot names ending 10 min before `now`, 1 in 100 foreign; holds on 1 in 50 plus two sync tags. */
const dataset = (k: number, n: number, keepAll: boolean): PlanInput => {
  const snapshots: string[] = []
  const bySnapshot = new Map<string, ReadonlyArray<string>>()
  const first = now - (n + (k % 7)) * step
  for (let i = 0; i < n; i++) {
    const t = first + i * step
    const name = i % 100 === 50 ? `manual_${k}_${i}` : SnapshotName.format(typeAt(t), t)
    snapshots.push(name)
    if (i % 50 === 25) bySnapshot.set(name, ['keep'])
  }
  const host = `10.0.${k % 256}.5`
  bySnapshot.set(snapshots[n - 200]!, ['sync_2026-11-20-10-00-05_' + host])
  bySnapshot.set(snapshots[n - 2]!, ['sync_2026-11-27-09-01-55_' + host])
  return {
    now,
    zone: 'Europe/Vienna',
    policy: policy(keepAll),
    dataset: {
      dataset: `tank/ds${k}`,
      recursive: false,
      destinations: [{ remoteHost: host, remoteDataset: `backup/ds${k}`, enabled: true }],
    },
    // Names arrive through JSON-RPC as flat strings; JSON round-trip them like the runner's decoder does
    // (concatenated strings would make the first charCodeAt flatten them, which is not planning cost).
    observed: {
      snapshots: JSON.parse(JSON.stringify(snapshots)) as string[],
      holds: { _tag: 'Known', bySnapshot },
      inFlight: [],
      failures: [],
    },
  }
}

const gc = (globalThis as { gc?: () => void }).gc

const run = (label: string, datasets: number, snapshots: number, keepAll = false): void => {
  const inputs = Array.from({ length: datasets }, (_, k) => dataset(k, snapshots, keepAll))
  const planDataset = makePlanner() // one calendar memo, as the daemon keeps for its cycles
  for (const i of inputs.slice(0, 3)) planDataset(i) // warm up the JIT on a few datasets
  gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const t0 = performance.now()
  let actions = 0
  let decisions = 0
  let peakHeap = heapBefore
  for (const [j, i] of inputs.entries()) {
    const p = planDataset(i)
    actions += p.actions.length
    decisions += p.decisions.length
    if (j % 100 === 99) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }
  const ms = performance.now() - t0
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  const total = datasets * snapshots
  console.log(
    `${label.padEnd(34)} ${String(datasets).padStart(5)} × ${String(snapshots).padStart(6)}: ` +
      `${ms.toFixed(0).padStart(5)} ms, ${((ms * 1e6) / total).toFixed(0).padStart(4)} ns/snapshot, ` +
      `${actions} actions, ${decisions} decisions, heap +${((peakHeap - heapBefore) / 2 ** 20).toFixed(0)} MiB, ` +
      `maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  )
}

const parseOnly = (): void => {
  const names = JSON.parse(
    JSON.stringify(
      Array.from({ length: 1_000_000 }, (_, i) =>
        i % 100 === 0
          ? `my_frequent_manual_${i}`
          : SnapshotName.format(typeAt(now - i * step), now - i * step),
      ),
    ),
  ) as string[]
  const t0 = performance.now()
  let ours = 0
  for (const n of names) if (SnapshotName.parseOrUndefined(n) !== undefined) ours++
  console.log(
    `${'parse names (SnapshotName)'.padEnd(34)} 1,000,000 names: ${(performance.now() - t0).toFixed(0)} ms (${ours} ours)`,
  )
}

console.log(`core planning benchmark — node ${process.version}, ${process.arch}`)
parseOnly()
run('plan, default retention', 1000, 1000)
run('plan, default retention (again)', 1000, 1000)
run('plan, keep everything', 1000, 1000, true)
run('plan, one large dataset', 1, 10_000)
run('plan, 100 datasets', 100, 1000)
