import * as O from 'fp-ts/lib/Option.js'
import { describe, expect, it } from 'vitest'
import * as SnapshotName from '../src/SnapshotName.js'
import { utc } from './fixtures.js'

describe('SnapshotName.parse', () => {
  it.each([
    ['frequent_backup_2026-11-27-10-00', 'frequent', '2026-11-27T10:00Z'],
    ['hourly_backup_2026-01-01-00-59', 'hourly', '2026-01-01T00:59Z'],
    ['daily_backup_2024-02-29-23-00', 'daily', '2024-02-29T23:00Z'],
    ['weekly_backup_2000-12-31-12-34', 'weekly', '2000-12-31T12:34Z'],
    ['monthly_backup_1970-01-01-00-00', 'monthly', '1970-01-01T00:00Z'],
    ['yearly_backup_2099-06-15-08-05', 'yearly', '2099-06-15T08:05Z'],
  ])('reads %s as %s at %s', (name, type, iso) => {
    expect(SnapshotName.parse(name)).toEqual(O.some({ type, at: utc(iso) }))
  })

  it.each([
    'my_frequent_manual',
    'frequent_backup_manual',
    'auto_hourly_2026-11-27-01-59',
    'xhourly_backup_2026-11-27-10-00',
    'hourly_backup_2026-11-27-10-00_copy',
    'hourly_backup_2026-11-27-10-00\n',
    'hourly_backup_2026-11-27-10-0',
    'hourly_backup_2026-11-27-10-000',
    'Hourly_backup_2026-11-27-10-00',
    'hourly-backup-2026-11-27-10-00',
    'hourly_backup_2026-02-30-10-00', // no Feb 30
    'hourly_backup_2025-02-29-10-00', // 2025 is not a leap year
    'hourly_backup_2100-02-29-10-00', // nor is 2100
    'hourly_backup_2026-13-01-10-00',
    'hourly_backup_2026-00-10-10-00',
    'hourly_backup_2026-11-00-10-00',
    'hourly_backup_2026-11-27-24-00',
    'hourly_backup_2026-11-27-10-60',
    'hourly_backup_2026-11-27-1a-00',
    'hourly_backup_２０２６-11-27-10-00',
    'sync_2026-11-27-10-00-00_host',
    '',
  ])('treats %j as foreign', (name) => {
    expect(SnapshotName.parse(name)).toEqual(O.none)
    expect(SnapshotName.isOurs(name)).toBe(false)
  })
})

describe('SnapshotName.format', () => {
  it.each([
    ['frequent', '2026-11-27T10:07:59.999Z', 'frequent_backup_2026-11-27-10-07'],
    ['yearly', '2027-01-01T00:00:00Z', 'yearly_backup_2027-01-01-00-00'],
    ['daily', '2024-02-29T23:59:00Z', 'daily_backup_2024-02-29-23-59'],
  ] as const)('formats %s at %s as %s (UTC, minute)', (type, iso, name) => {
    expect(SnapshotName.format(type, utc(iso))).toBe(name)
    expect(SnapshotName.parse(name)).toEqual(O.some({ type, at: Math.floor(utc(iso) / 60_000) * 60_000 }))
  })
})
