import { describe, expect, it } from 'vitest'
import { type Plan, type PlanInput, planDataset } from '../src/index.js'
import * as SnapshotName from '../src/SnapshotName.js'
import type { SnapshotType } from '../src/SnapshotType.js'
import { applyPlan } from '../src/testing/index.js'
import { dataset, input, observed, policy, utc } from './fixtures.js'

const created = (p: Plan) => p.actions.find((a) => a._tag === 'CreateSnapshot')
const destroyed = (p: Plan) => p.actions.filter((a) => a._tag === 'DestroySnapshot').map((a) => a.snapshot)

/** Runs the planner every `stepMin` minutes over [from, to), carrying each plan out; returns all plans. */
const simulate = (start: PlanInput, from: number, to: number, stepMin = 10) => {
  let state = start.observed
  const plans: Array<{ now: number; plan: Plan }> = []
  for (let now = from; now < to; now += stepMin * 60_000) {
    const plan = planDataset({ ...start, now, observed: state })
    plans.push({ now, plan })
    state = applyPlan(state, plan)
  }
  return { plans, state }
}

const typesCreated = (plans: ReadonlyArray<{ plan: Plan }>) => {
  const counts: Record<string, number> = {}
  for (const { plan } of plans) {
    const c = created(plan)
    if (c) counts[c.type] = (counts[c.type] ?? 0) + 1
  }
  return counts
}

// Zones whose clocks change at local midnight. Havana's fall-back (01:00 CDT → 00:00 CST) repeats midnight:
// luxon's startOf('day') moves from the first pass to the second when the offset changes, which once gave
// a second daily snapshot that day (audit regression); the day starts at its first instant.
describe('planDataset: DST changes at local midnight at 10-minute cadence', () => {
  it.each([
    // zone, day, local midnight (UTC), next local midnight (UTC), hours in the day
    ['America/Havana', 'fall-back 2026-11-01', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25],
    ['America/Havana', 'spring-forward 2026-03-08', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 23],
    ['America/Santiago', 'fall-back 2026-04-04', '2026-04-04T03:00:00Z', '2026-04-05T04:00:00Z', 25],
    ['America/Santiago', 'spring-forward 2026-09-06', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', 23],
  ])(
    '%s %s: one daily (or monthly), an hourly at every other hour start, frequent otherwise',
    (zone, _, from, to, hours) => {
      const start = input(0, observed([SnapshotName.format('frequent', utc(from) - 10 * 60_000)]), {
        zone,
        policy: policy({
          retention: { frequent: 200, hourly: 50, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
        }),
      })
      const { plans } = simulate(start, utc(from), utc(to))
      const names = plans.flatMap(({ plan }) => (created(plan) ? [created(plan)!.snapshot] : []))
      expect(new Set(names).size).toBe(hours * 6)
      const counts = typesCreated(plans)
      // 2026-11-01 is also the first of a month; none of the days is a Monday.
      const first = from.startsWith('2026-11-01') ? 'monthly' : 'daily'
      expect(counts).toEqual({ [first]: 1, hourly: hours - 1, frequent: hours * 6 - hours })
    },
  )
})

describe('planDataset: DST days in Europe/Vienna at 10-minute cadence', () => {
  const base = (lastName: string) =>
    input(0, observed([lastName]), {
      policy: policy({
        retention: { frequent: 200, hourly: 50, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
      }),
    })

  it.each([
    // day, local midnight (UTC), next local midnight (UTC), hours in the day
    ['fall-back 2026-10-25', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 25],
    ['spring-forward 2026-03-29', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 23],
  ])(
    '%s: one daily (or monthly), an hourly at every other hour start, frequent otherwise, no duplicate name',
    (_, from, to, hours) => {
      const start = base(SnapshotName.format('frequent', utc(from) - 10 * 60_000))
      const { plans } = simulate(start, utc(from), utc(to))
      const names = plans.flatMap(({ plan }) => (created(plan) ? [created(plan)!.snapshot] : []))
      expect(names).toHaveLength(hours * 6)
      expect(new Set(names).size).toBe(names.length)
      expect(typesCreated(plans)).toEqual({ daily: 1, hourly: hours - 1, frequent: hours * 6 - hours })
      for (const { now, plan } of plans) {
        const type: SnapshotType = now === utc(from) ? 'daily' : now % 3_600_000 === 0 ? 'hourly' : 'frequent'
        expect(created(plan)?.type, new Date(now).toISOString()).toBe(type)
      }
    },
  )
})

// Offset changes of 30 or 45 minutes move the clock into the middle of an hour. Chatham (+12:45 → +13:45
// on 2026-09-27, 02:45 → 03:45 at 14:00Z) skips 02:45–03:44, which is parts of two hours, not one: the clock
// still shows every hour 00..23 that day, 02 for 45 minutes (02:00–02:44) and 03 for 15 (03:45–03:59). The
// 23-hour day thus has 24 local hours: one daily at 00:00 and 23 hourlies, one per other hour, is right
// (a 23-hour day in Vienna skips all of 02:00–02:59 and has 22). The fault was two hourlies in hour 03.
describe('planDataset: hours cut by offset changes of 30 or 45 minutes, at 10-minute cadence', () => {
  const hourlyOnly = policy({
    retention: { frequent: 0, hourly: 48, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  })

  it('plans no second hourly in Chatham’s 15-minute hour 03 (issue 10)', () => {
    const plan = planDataset(
      input(1790431800000, observed(['hourly_backup_2026-09-26-14-00']), {
        zone: 'Pacific/Chatham',
        policy: hourlyOnly,
      }),
    )
    expect(created(plan)).toBeUndefined()
    expect(plan.decisions).toContainEqual({
      _tag: 'NoSnapshot',
      reason: { _tag: 'NotDue', since: 'hourly_backup_2026-09-26-14-00', elapsedSeconds: 600 },
    })
  })

  it.each([
    // zone, day, local midnight (UTC), next local midnight (UTC), local hours that day (runs of one hour on
    // the clock, each pass of a repeated hour counted), start of the hour the change cuts
    // Chatham spring: 00, 01, 02 (45 min), 03 (15 min), 04..23 = 24 hours in 23.
    ['Pacific/Chatham', 'spring 2026-09-27', '2026-09-26T11:15:00Z', '2026-09-27T10:15:00Z', 24],
    // Chatham fall-back: 00, 01, 02 (+13:45), 03 (+13:45, 45 min), 02 again (02:45–02:59 +12:45), 03 (+12:45),
    // 04..23 = 26 hours in 25, since the clock reads 03:00 again after the second 02.
    ['Pacific/Chatham', 'fall-back 2026-04-05', '2026-04-04T10:15:00Z', '2026-04-05T11:15:00Z', 26],
    // Lord Howe spring (02:00 +10:30 → 02:30 +11): 00, 01, 02 (30 min), 03..23 = 24 hours in 23.5.
    ['Australia/Lord_Howe', 'spring 2026-10-04', '2026-10-03T13:30:00Z', '2026-10-04T13:00:00Z', 24],
    // Lord Howe fall-back (02:00 +11 → 01:30 +10:30): the clock shows 01 for 90 minutes without reading
    // 01:00 again: 00, 01 (90 min), 02..23 = 24 hours in 24.5.
    ['Australia/Lord_Howe', 'fall-back 2026-04-05', '2026-04-04T13:00:00Z', '2026-04-05T13:30:00Z', 24],
  ])('%s %s: one daily and one hourly in each of the other local hours', (zone, _, from, to, hours) => {
    // Cycles every 10 minutes on the UTC hour, so one falls on each change (at :00 or :30 UTC).
    const first = Math.ceil(utc(from) / 600_000) * 600_000
    const start = input(0, observed([SnapshotName.format('daily', first - 86_400_000)]), {
      zone,
      policy: hourlyOnly,
    })
    const { plans } = simulate(start, first, utc(to))
    const counts = typesCreated(plans)
    expect(counts).toEqual({ daily: 1, hourly: hours - 1 })
  })
})

describe('planDataset: clock stepped back (core-decisions.md §3 as amended)', () => {
  const start = input(0, observed(['frequent_backup_2026-11-27-07-50']), {
    policy: policy({ retention: { frequent: 3, hourly: 2, daily: 7, weekly: 4, monthly: 6, yearly: 3 } }),
  })
  const { state } = simulate(start, utc('2026-11-27T08:00:00Z'), utc('2026-11-27T12:00:00Z'))

  it('by at most backup_interval: no snapshot and no destroy until the newest is reached, no duplicate name', () => {
    const seen = new Set(state.snapshots)
    const back = simulate(
      { ...start, observed: state },
      utc('2026-11-27T11:45:00Z'),
      utc('2026-11-27T13:00:00Z'),
      5,
    )
    for (const { now, plan } of back.plans) {
      const c = created(plan)
      if (now < utc('2026-11-27T12:00:00Z')) {
        expect(c).toBeUndefined()
        expect(destroyed(plan)).toEqual([])
      }
      if (now < utc('2026-11-27T11:50:00Z')) {
        expect(plan.decisions).toContainEqual({
          _tag: 'NoSnapshot',
          reason: { _tag: 'ClockBehind', newest: 'frequent_backup_2026-11-27-11-50' },
        })
      }
      if (c) {
        expect(seen.has(c.snapshot)).toBe(false)
        seen.add(c.snapshot)
      }
    }
    expect(created(back.plans.at(-2)!.plan)?.snapshot).toBe('frequent_backup_2026-11-27-12-50')
  })

  it('by an hour: the names ahead are from the future, snapshots go on at once and never repeat a listed name', () => {
    const back = simulate(
      { ...start, observed: state },
      utc('2026-11-27T10:50:00Z'),
      utc('2026-11-27T13:00:00Z'),
    )
    // At 10:50 the frequent 11:30–11:50 are from the future; hourly 11:00 is only 10 min ahead (§3).
    const first = back.plans[0]!.plan
    expect(first.decisions.filter((d) => d._tag === 'FromTheFuture')).toHaveLength(3)
    expect(first.decisions).toContainEqual({
      _tag: 'NoSnapshot',
      reason: { _tag: 'ClockBehind', newest: 'hourly_backup_2026-11-27-11-00' },
    })
    const creates = back.plans.filter(({ plan }) => created(plan))
    expect(created(creates[0]!.plan)?.snapshot).toBe('frequent_backup_2026-11-27-11-10')
    let listed = state.snapshots
    for (const { plan } of back.plans) {
      const c = created(plan)
      if (c) expect(listed).not.toContain(c.snapshot)
      listed = applyPlan({ ...start.observed, snapshots: listed }, plan).snapshots
    }
    // From 11:10 on every 10 min, except a minute whose name is still listed (11:30 here).
    expect(back.plans.filter(({ plan }) => created(plan)).length).toBe(11)
  })
})

describe('planDataset: first run and foreign snapshots', () => {
  it('first run creates a frequent snapshot and keeps foreign ones with type words', () => {
    const foreign = [
      'my_frequent_manual',
      'hourly_backup_manual',
      'daily_backup_2026-02-30-00-00',
      'auto_weekly_2026-11-27-01-59',
    ]
    const p = planDataset(
      input('2026-11-27T10:00:00Z', observed(foreign), {
        policy: policy({ retention: { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 1 } }),
      }),
    )
    expect(created(p)).toMatchObject({
      snapshot: 'yearly_backup_2026-11-27-10-00',
      type: 'yearly',
      reason: { _tag: 'FirstSnapshot' },
    })
    expect(destroyed(p)).toEqual([])
    expect(p.decisions.filter((d) => d._tag === 'Keep')).toEqual(
      foreign.map((snapshot) => ({ _tag: 'Keep', snapshot, reasons: [{ _tag: 'NotOurs' }] })),
    )
  })

  it('destroys our old snapshots but never the foreign ones next to them', () => {
    const snaps = [
      'frequent_backup_2026-11-27-09-00',
      'my_frequent_manual',
      'frequent_backup_2026-11-27-09-10',
      'frequent_backup_2026-11-27-09-20',
      'frequent_manual_2026-11-27-09-25',
    ]
    const p = planDataset(
      input('2026-11-27T09:30:00Z', observed(snaps), {
        policy: policy({ retention: { frequent: 1, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 } }),
      }),
    )
    expect(created(p)?.snapshot).toBe('frequent_backup_2026-11-27-09-30')
    expect(destroyed(p)).toEqual([
      'frequent_backup_2026-11-27-09-00',
      'frequent_backup_2026-11-27-09-10',
      'frequent_backup_2026-11-27-09-20',
    ])
  })

  it('outside the snapshot window takes no snapshot but still runs retention', () => {
    const snaps = [
      'frequent_backup_2026-11-27-09-00',
      'frequent_backup_2026-11-27-09-10',
      'frequent_backup_2026-11-27-09-20',
    ]
    const p = planDataset(
      input('2026-11-27T09:30:00Z', observed(snaps), {
        policy: policy({
          snapshotWindow: { days: '0000000', hours: '1'.repeat(24) },
          retention: { frequent: 1, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 },
        }),
      }),
    )
    expect(created(p)).toBeUndefined()
    expect(p.decisions[0]).toMatchObject({ _tag: 'NoSnapshot', reason: { _tag: 'OutsideWindow' } })
    expect(destroyed(p)).toEqual(['frequent_backup_2026-11-27-09-00', 'frequent_backup_2026-11-27-09-10'])
  })

  it('an invalid zone plans nothing and says why', () => {
    const p = planDataset(
      input('2026-11-27T09:30:00Z', observed(['frequent_backup_2026-11-27-09-00']), { zone: 'Europe/Vienn' }),
    )
    expect(p).toEqual({
      dataset: 'tank/data',
      actions: [],
      decisions: [{ _tag: 'NoSnapshot', reason: { _tag: 'InvalidZone', zone: 'Europe/Vienn' } }],
    })
  })
})

describe('planDataset: composition', () => {
  it('orders actions create, hold, release, destroy, sync, and syncs the snapshot it creates', () => {
    const snaps = [
      'frequent_backup_2026-11-26-09-00',
      'frequent_backup_2026-11-26-09-10',
      'frequent_backup_2026-11-26-09-20',
      'frequent_backup_2026-11-26-09-30',
    ]
    const p = planDataset(
      input(
        '2026-11-27T09:30:00Z',
        observed(snaps, {
          'frequent_backup_2026-11-26-09-00': ['sync_2026-11-26-10-00-05_10.0.0.5'],
          'frequent_backup_2026-11-26-09-10': ['sync_2026-11-26-10-10-05_10.0.0.5'],
        }),
        {
          policy: policy({
            retention: { frequent: 1, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 },
          }),
          dataset: dataset({
            destinations: [{ remoteHost: '10.0.0.5', remoteDataset: 'backup/data', enabled: true }],
          }),
        },
      ),
    )
    expect(p.actions.map((a) => a._tag)).toEqual([
      'CreateSnapshot',
      'HoldSnapshot',
      'ReleaseHold',
      'DestroySnapshot',
      'StartSync',
    ])
    expect(p.actions.map((a) => a.snapshot)).toEqual([
      'daily_backup_2026-11-27-09-30',
      'frequent_backup_2026-11-26-09-10', // the base hold starts where the host's sync hold is (§15)
      'frequent_backup_2026-11-26-09-00',
      'frequent_backup_2026-11-26-09-20',
      'daily_backup_2026-11-27-09-30',
    ])
  })

  it('holds Unknown: destroys and releases nothing, still creates', () => {
    const snaps = [
      'frequent_backup_2026-11-27-09-00',
      'frequent_backup_2026-11-27-09-10',
      'frequent_backup_2026-11-27-09-20',
    ]
    const p = planDataset(
      input(
        '2026-11-27T09:30:00Z',
        { ...observed(snaps), holds: { _tag: 'Unknown', why: 'timeout' } },
        {
          policy: policy({
            retention: { frequent: 1, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 },
          }),
        },
      ),
    )
    expect(p.actions.map((a) => a._tag)).toEqual(['CreateSnapshot'])
    expect(p.decisions).toContainEqual({
      _tag: 'Keep',
      snapshot: snaps[0],
      reasons: [{ _tag: 'HoldsUnknown', why: 'timeout' }],
    })
  })
})

describe('planDataset: refinements found by the idempotence property (docs/core-decisions.md)', () => {
  it('ignores snapshots of disabled types when deciding what is due', () => {
    const p = policy({ retention: { frequent: 0, hourly: 0, daily: 2, weekly: 1, monthly: 1, yearly: 1 } })
    const plan = planDataset(
      input(
        '2026-11-27T10:00:00Z',
        observed(['daily_backup_2026-11-26-10-00', 'frequent_backup_2026-11-27-09-50']),
        { policy: p },
      ),
    )
    expect(created(plan)).toMatchObject({
      type: 'daily',
      reason: { _tag: 'BoundaryCrossed', type: 'daily', since: 'daily_backup_2026-11-26-10-00' },
    })
    expect(destroyed(plan)).toEqual(['frequent_backup_2026-11-27-09-50'])
  })

  it('an interval under a minute never creates a second snapshot in the newest one’s minute', () => {
    const p = policy({ backupIntervalSeconds: 30 })
    const plan = planDataset(
      input('2026-11-27T10:00:45Z', observed(['monthly_backup_2026-11-27-10-00']), { policy: p }),
    )
    expect(created(plan)).toBeUndefined()
    expect(
      created(
        planDataset(
          input('2026-11-27T10:01:00Z', observed(['monthly_backup_2026-11-27-10-00']), { policy: p }),
        ),
      )?.snapshot,
    ).toBe('frequent_backup_2026-11-27-10-01')
  })
})
