/**
 * The example from docs/operator-tools.md: property-testing YOUR policy with `simulatePolicy` (exported by
 * the runner package) and the core's fast-check arbitraries. Copy it, put your own policy in `myPolicy`.
 */
import type { DatasetPolicy, Policy } from '@zfs-autobackup/core'
import { SnapshotType } from '@zfs-autobackup/core'
import { foreignNameArb, minuteArb, zoneArb } from '@zfs-autobackup/core/testing'
import { simulatePolicy } from '@zfs-autobackup/runner'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const always = { days: '1111111', hours: '111111111111111111111111' }
const myPolicy: Policy = {
  backupIntervalSeconds: 900,
  snapshotWindow: always,
  retention: { frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 2 },
  remoteSync: {
    enabled: true,
    intervalSeconds: 6 * 3600,
    window: { days: '1111111', hours: '000000111111111111111111' },
  },
}
const myDataset: DatasetPolicy = {
  dataset: 'tank/home',
  recursive: false,
  destinations: [{ remoteHost: 'backup.example.com', remoteDataset: 'vault/home', enabled: true }],
}

/** Names the simulated ZFS accepts (the arbitrary also yields arbitrary strings). */
const foreign = fc.uniqueArray(
  foreignNameArb.filter((s) => /^[A-Za-z0-9_.:-]+$/.test(s)),
  { maxLength: 3 },
)

describe('my policy, over any 3 days, in any zone, with flaky syncs', () => {
  it('keeps foreign snapshots, never destroys one being sent, keeps at most N per type, never stalls', async () => {
    await fc.assert(
      fc.asyncProperty(
        zoneArb,
        minuteArb(),
        foreign,
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        async (zone, from, initialSnapshots, failRate) => {
          const r = await simulatePolicy({
            policy: myPolicy,
            dataset: myDataset,
            zone,
            from,
            to: from + 3 * 86_400_000,
            stepMs: myPolicy.backupIntervalSeconds * 1000,
            initialSnapshots,
            faults: { seed: from % 1000, syncFailureProbability: failRate },
            // Checked on every plan of the run, not only at the end.
            onPlan: (_now, plan) => {
              for (const a of plan.actions)
                if (a._tag === 'DestroySnapshot') expect(initialSnapshots).not.toContain(a.snapshot)
            },
          })
          const names = r.snapshots.map((s) => s.name)
          for (const f of initialSnapshots) expect(names).toContain(f)
          expect(r.violations).toEqual([])
          const syncing = r.destinations.some((d) => d.syncs.some((s) => s.outcome === 'in-flight'))
          if (!syncing)
            for (const t of SnapshotType.all) {
              const free = r.snapshots.filter((s) => s.type === t && s.holds.length === 0)
              // The newest snapshot of the dataset is always kept too (it is the next sync's source).
              expect(free.length).toBeLessThanOrEqual(myPolicy.retention[t] + 1)
            }
          const newest = Math.max(...r.snapshots.filter((s) => s.type !== undefined).map((s) => s.at))
          expect(r.to - newest).toBeLessThan(2 * myPolicy.backupIntervalSeconds * 1000)
        },
      ),
      { numRuns: 20 },
    )
  })
})
