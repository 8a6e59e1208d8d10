import { describe, expect, it } from 'vitest'
import { NextDue, type PlanInput, planDataset, SnapshotType, SyncHold } from '../src/index.js'
import { dataset, input, observed, policy, utc } from './fixtures.js'

const due = (i: PlanInput) => {
  const d = NextDue.nextDue(i)
  return { at: Number.isFinite(d.at) ? new Date(d.at).toISOString() : d.at, cause: d.cause?._tag }
}
const hasSync = (i: PlanInput, now: number) =>
  planDataset({ ...i, now }).actions.some((a) => a._tag === 'StartSync')
const hasCreate = (i: PlanInput, now: number) =>
  planDataset({ ...i, now }).actions.some((a) => a._tag === 'CreateSnapshot')

const hourlyOnly = { frequent: 0, hourly: 48, daily: 7, weekly: 4, monthly: 6, yearly: 3 }
const dest = { remoteHost: 'backup', remoteDataset: 'backup/data', enabled: true }

describe('NextDue.nextDue', () => {
  it('a frequent snapshot: newest + backup_interval', () => {
    const i = input('2026-11-27T10:03:00Z', observed(['frequent_backup_2026-11-27-10-00']), { zone: 'UTC' })
    expect(due(i)).toEqual({ at: '2026-11-27T10:10:00.000Z', cause: 'Snapshot' })
    expect(hasCreate(i, utc('2026-11-27T10:09:59.999Z'))).toBe(false)
    expect(hasCreate(i, utc('2026-11-27T10:10:00Z'))).toBe(true)
  })

  it('hourly only: the next hour start, even in Chatham’s 15-minute hour (issue 10)', () => {
    const i = input(1790431800000, observed(['hourly_backup_2026-09-26-14-00']), {
      zone: 'Pacific/Chatham',
      policy: policy({ retention: hourlyOnly }),
    })
    // 03:55 +13:45; hour 04 starts at 14:15Z.
    expect(due(i)).toEqual({ at: '2026-09-26T14:15:00.000Z', cause: 'Snapshot' })
    expect(hasCreate(i, utc('2026-09-26T14:15:00Z'))).toBe(true)
  })

  it('a create planned now: its name changes at the next minute', () => {
    const i = input('2026-11-27T10:20:30Z', observed(['frequent_backup_2026-11-27-10-00']), { zone: 'UTC' })
    expect(due(i)).toEqual({ at: '2026-11-27T10:21:00.000Z', cause: 'NextMinute' })
  })

  it('outside the snapshot window: when it opens', () => {
    const i = input('2026-11-27T20:00:00Z', observed(['frequent_backup_2026-11-27-16-50']), {
      zone: 'UTC',
      policy: policy({
        snapshotWindow: { days: '1111111', hours: `${'0'.repeat(8)}${'1'.repeat(9)}${'0'.repeat(7)}` },
      }),
    })
    expect(due(i)).toEqual({ at: '2026-11-28T08:00:00.000Z', cause: 'SnapshotWindow' })
  })

  it('a sync: last sync + interval; a back-off ending later wins', () => {
    const snapshots = ['daily_backup_2026-11-27-09-00']
    const holds = {
      'daily_backup_2026-11-27-09-00': [SyncHold.formatTag(utc('2026-11-27T09:00:00Z'), 'backup')],
    }
    const base: Partial<PlanInput> = {
      zone: 'UTC',
      policy: policy({
        retention: { frequent: 0, hourly: 0, daily: 7, weekly: 0, monthly: 0, yearly: 0 },
        remoteSync: {
          enabled: true,
          intervalSeconds: 3600,
          window: { days: '1111111', hours: '1'.repeat(24) },
        },
      }),
      dataset: dataset({ destinations: [dest] }),
    }
    const i = input('2026-11-27T09:30:00Z', observed(snapshots, holds), base)
    expect(due(i)).toEqual({ at: '2026-11-27T10:00:00.000Z', cause: 'Sync' })
    expect(hasSync(i, utc('2026-11-27T09:59:59.999Z'))).toBe(false)
    expect(hasSync(i, utc('2026-11-27T10:00:00Z'))).toBe(true)
    const failures = [{ ...dest, consecutive: 3, lastFailureAt: utc('2026-11-27T09:29:00Z') }]
    const backingOff = input('2026-11-27T09:30:00Z', observed(snapshots, holds, { failures }), base)
    // back-off after 3 failures: 600 s × 2² = 40 min → 10:09
    expect(due(backingOff)).toEqual({ at: '2026-11-27T10:09:00.000Z', cause: 'Sync' })
    expect(hasSync(backingOff, utc('2026-11-27T10:08:59.999Z'))).toBe(false)
    expect(hasSync(backingOff, utc('2026-11-27T10:09:00Z'))).toBe(true)
  })

  it('a base snapshot named in the future becomes the last sync at its time − backup_interval', () => {
    // The base (with the host's sync tag of 09:00) is named 11:00: from the future at 10:00, so the last
    // sync is the tag's 09:00 and a sync is due; from 10:50 the base's name time is the last sync.
    const snapshots = ['daily_backup_2026-11-27-00-00', 'daily_backup_2026-11-27-11-00']
    const holds = {
      'daily_backup_2026-11-27-11-00': [SyncHold.formatTag(utc('2026-11-27T09:00:00Z'), 'backup')],
    }
    const i = input('2026-11-27T10:00:00Z', observed(snapshots, holds), {
      zone: 'UTC',
      policy: policy({
        retention: { frequent: 0, hourly: 0, daily: 7, weekly: 0, monthly: 0, yearly: 0 },
        remoteSync: {
          enabled: true,
          intervalSeconds: 3600,
          window: { days: '1111111', hours: '1'.repeat(24) },
        },
      }),
      dataset: dataset({ destinations: [dest] }),
    })
    expect(NextDue.nextDue(i)).toEqual({
      at: utc('2026-11-27T10:50:00Z'),
      cause: { _tag: 'FutureName', name: 'daily_backup_2026-11-27-11-00' },
    })
    expect(hasSync(i, utc('2026-11-27T10:49:59.999Z'))).toBe(true)
    expect(hasSync(i, utc('2026-11-27T10:50:00Z'))).toBe(false)
  })

  it('nothing time can change: infinity (all types off, no destinations)', () => {
    const i = input('2026-11-27T10:00:00Z', observed([]), {
      policy: policy({ retention: SnapshotType.noCounts }),
    })
    expect(NextDue.nextDue(i)).toEqual({ at: Number.POSITIVE_INFINITY, cause: undefined })
  })
})
