import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as LocalCalendar from '../src/LocalCalendar.js'
import * as SnapshotDue from '../src/SnapshotDue.js'
import * as SnapshotName from '../src/SnapshotName.js'
import type { Retention } from '../src/SnapshotType.js'
import { policy, utc } from './fixtures.js'

const calendar = (now: string, zone = 'Europe/Vienna') => {
  const c = LocalCalendar.at(utc(now), zone)
  if (E.isLeft(c)) throw new Error('bad zone')
  return c.right
}

const newest = (name: string): SnapshotDue.Newest => ({ name, at: SnapshotName.parseOrUndefined(name)!.at })

const dueType = (
  newestName: string | undefined,
  now: string,
  retention?: Partial<Retention>,
  zone?: string,
) => {
  const p = policy()
  const d = SnapshotDue.due(
    { ...p, retention: { ...p.retention, ...retention } },
    calendar(now, zone),
    newestName === undefined ? undefined : newest(newestName),
    () => false,
  )
  return d._tag === 'Due' ? d.type : d.reason._tag
}

describe('SnapshotDue.due: boundaries in Europe/Vienna (UTC+1 in winter, weeks start Monday)', () => {
  it.each([
    // newest (UTC name)                 now (UTC)              expected     why
    [undefined, '2026-11-27T10:00:00Z', 'frequent'], // first run
    ['frequent_backup_2026-12-31-22-50', '2026-12-31T23:00:00Z', 'yearly'], // local 2027-01-01 00:00
    ['frequent_backup_2026-12-31-22-50', '2026-12-31T22:59:59Z', 'NotDue'], // local 23:59, 9 min
    ['frequent_backup_2026-12-31-23-10', '2027-01-01T00:01:00Z', 'hourly'], // UTC year changed, local did not
    ['frequent_backup_2026-11-30-22-55', '2026-11-30T23:00:00Z', 'monthly'], // local Dec 1 (a Tuesday)
    ['frequent_backup_2026-11-29-22-55', '2026-11-29T23:00:00Z', 'weekly'], // Sun 23:55 → Mon 00:00 local
    ['frequent_backup_2026-11-27-22-55', '2026-11-27T23:00:00Z', 'daily'], // Fri → Sat local
    ['frequent_backup_2026-11-27-09-55', '2026-11-27T10:00:00Z', 'hourly'],
    ['frequent_backup_2026-11-27-10-00', '2026-11-27T10:10:00Z', 'frequent'], // interval 600 s elapsed
    ['frequent_backup_2026-11-27-10-00', '2026-11-27T10:09:59Z', 'NotDue'],
    ['daily_backup_2026-11-27-10-00', '2026-11-27T09:59:00Z', 'ClockBehind'], // clock behind the newest
    ['frequent_backup_2026-06-30-21-50', '2026-06-30T22:00:00Z', 'monthly'], // summer: UTC+2
  ] as const)('newest %s, now %s → %s', (n, now, expected) => {
    expect(dueType(n, now)).toBe(expected)
  })

  it('uses the zone, not UTC: the same instants in UTC give different types', () => {
    expect(dueType('frequent_backup_2026-12-31-23-10', '2027-01-01T00:01:00Z', {}, 'UTC')).toBe('yearly')
    expect(dueType('frequent_backup_2026-12-31-22-50', '2026-12-31T23:00:00Z', {}, 'UTC')).toBe('hourly')
  })
})

describe('SnapshotDue.due: disabled types (core-decisions.md §2)', () => {
  it.each([
    [{ yearly: 0 }, 'frequent_backup_2026-12-31-22-50', '2026-12-31T23:00:00Z', 'monthly'],
    [{ yearly: 0, monthly: 0 }, 'frequent_backup_2026-12-31-22-50', '2026-12-31T23:00:00Z', 'daily'], // Jan 1 2027 is a Friday
    [{ hourly: 0 }, 'frequent_backup_2026-11-27-09-55', '2026-11-27T10:05:00Z', 'frequent'],
    [{ hourly: 0 }, 'frequent_backup_2026-11-27-09-59', '2026-11-27T10:05:00Z', 'NotDue'],
    [{ frequent: 0 }, undefined, '2026-11-27T10:05:00Z', 'hourly'], // first snapshot: lowest enabled type
    [{ frequent: 0 }, 'hourly_backup_2026-11-27-09-00', '2026-11-27T09:55:00Z', 'NotDue'],
    [
      { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
      undefined,
      '2026-11-27T10:05:00Z',
      'AllTypesDisabled',
    ],
  ] as const)('%j: newest %s, now %s → %s', (retention, n, now, expected) => {
    expect(dueType(n, now, retention)).toBe(expected)
  })
})

describe('SnapshotDue.due: windows and existing names', () => {
  it('takes no snapshot outside the snapshot window and says the local time', () => {
    const p = { ...policy(), snapshotWindow: { days: '1111111', hours: '0'.repeat(11) + '1'.repeat(13) } }
    // 09:30 UTC = 10:30 Vienna: hour 10 is closed
    expect(SnapshotDue.due(p, calendar('2026-11-27T09:30:00Z'), undefined, () => false)).toEqual({
      _tag: 'NotDue',
      reason: { _tag: 'OutsideWindow', localTime: 'Fri 2026-11-27 10:30 Europe/Vienna' },
    })
    expect(SnapshotDue.due(p, calendar('2026-11-27T10:30:00Z'), undefined, () => false)._tag).toBe('Due')
  })

  it('never plans a name that exists (clock stepped back below an older name)', () => {
    const existing = new Set(['frequent_backup_2026-11-27-10-20', 'frequent_backup_2026-11-27-10-00'])
    const d = SnapshotDue.due(
      policy(),
      calendar('2026-11-27T10:20:30Z'),
      newest('frequent_backup_2026-11-27-10-00'),
      (n) => existing.has(n),
    )
    expect(d).toEqual({
      _tag: 'NotDue',
      reason: { _tag: 'NameExists', name: 'frequent_backup_2026-11-27-10-20' },
    })
  })

  it('names the snapshot with the UTC minute of now', () => {
    expect(SnapshotDue.due(policy(), calendar('2026-11-27T10:20:59.9Z'), undefined, () => false)).toEqual({
      _tag: 'Due',
      type: 'frequent',
      name: 'frequent_backup_2026-11-27-10-20',
      reason: { _tag: 'FirstSnapshot' },
    })
  })
})
