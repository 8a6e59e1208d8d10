import { type DatasetObservation, planDataset } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import { nextDue } from '../../src/page/DaemonFacts.js'
import { policy } from './Fixtures.js'

const at = (h: number, m: number, day = 2) => Date.UTC(2026, 11, day, h, m)
const observed = (snapshots: ReadonlyArray<string>): DatasetObservation => ({
  snapshots,
  holds: { _tag: 'Known', bySnapshot: new Map() },
  inFlight: [],
  failures: [],
})
const input = (snapshots: ReadonlyArray<string>, p = policy) => ({
  zone: 'UTC',
  policy: p,
  dataset: { dataset: 'tank/home', recursive: false, destinations: [] },
  observed: observed(snapshots),
})

describe('DaemonFacts.nextDue: the planner at the core’s next due instants until one creates', () => {
  it('the interval after the newest snapshot: frequent', () => {
    expect(
      nextDue(
        planDataset,
        input(['hourly_backup_2026-12-02-11-00', 'frequent_backup_2026-12-02-11-40']),
        at(11, 45),
      ),
    ).toEqual({
      at: at(11, 50),
      type: 'frequent',
    })
  })

  it('an hour boundary before the interval ends: hourly, at the boundary', () => {
    expect(
      nextDue(
        planDataset,
        input(['hourly_backup_2026-12-02-11-00', 'frequent_backup_2026-12-02-11-55']),
        at(11, 57),
      ),
    ).toEqual({
      at: at(12, 0),
      type: 'hourly',
    })
  })

  it('a closed snapshot window: when it opens, the next morning', () => {
    const office = {
      ...policy,
      snapshotWindow: { days: '1111111', hours: `${'0'.repeat(8)}${'1'.repeat(10)}${'0'.repeat(6)}` },
    }
    expect(nextDue(planDataset, input(['daily_backup_2026-12-02-17-50'], office), at(18, 10))).toEqual({
      at: at(8, 0, 3),
      type: 'daily',
    })
  })

  it('every type disabled: none in sight', () => {
    const none = {
      ...policy,
      retention: { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
    }
    expect(nextDue(planDataset, input([], none), at(12, 0))).toBeUndefined()
  })
})
