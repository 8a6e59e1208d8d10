// The example of docs/core-testing.md, run as written (through the package's public entries).
import { type DatasetObservation, type Policy, planDataset } from '@zfs-autobackup/core'
import { applyPlan, foreignNameArb, minuteArb, planInputArb } from '@zfs-autobackup/core/testing'
import fc from 'fast-check'
import { expect, it } from 'vitest'

const mine: Policy = {
  backupIntervalSeconds: 900,
  snapshotWindow: { days: '1111100', hours: '000000011111111111110000' }, // weekdays 07–19
  retention: { frequent: 4, hourly: 8, daily: 5, weekly: 2, monthly: 0, yearly: 0 },
  remoteSync: { enabled: false, intervalSeconds: 86400, window: { days: '1111111', hours: '1'.repeat(24) } },
}

it('a week at my interval keeps foreign snapshots and stays within my counts', () => {
  fc.assert(
    fc.property(fc.uniqueArray(foreignNameArb, { maxLength: 5 }), minuteArb(), (foreign, start) => {
      let observed: DatasetObservation = {
        snapshots: foreign,
        holds: { _tag: 'Known', bySnapshot: new Map() },
        inFlight: [],
        failures: [],
      }
      const dataset = { dataset: 'tank/home', recursive: false, destinations: [] }
      for (let now = start; now < start + 7 * 86_400_000; now += 900_000) {
        const plan = planDataset({ now, zone: 'Europe/Vienna', policy: mine, dataset, observed })
        observed = applyPlan(observed, plan)
      }
      // foreign snapshots survive; ours stay within the counts (+1: the newest is always kept)
      expect(foreign.every((f) => observed.snapshots.includes(f))).toBe(true)
      const ours = observed.snapshots.filter((s) => !foreign.includes(s))
      expect(ours.length).toBeGreaterThan(0)
      expect(ours.length).toBeLessThanOrEqual(4 + 8 + 5 + 2 + 1)
    }),
    { numRuns: 10 },
  )
})

// The second example of docs/core-testing.md: whole random inputs under *my* policy.
it('under my policy, a plan destroys only our own, unheld snapshots', () => {
  fc.assert(
    fc.property(planInputArb({ policy: fc.constant(mine) }), (input) => {
      expect(input.policy).toBe(mine)
      const held = input.observed.holds._tag === 'Known' ? input.observed.holds.bySnapshot : new Map()
      for (const a of planDataset(input).actions) {
        if (a._tag !== 'DestroySnapshot') continue
        expect(a.snapshot).toMatch(/^(frequent|hourly|daily|weekly|monthly|yearly)_backup_\d{4}(-\d\d){4}$/)
        expect(held.get(a.snapshot) ?? []).toEqual([])
      }
    }),
    { numRuns: 200 },
  )
})
