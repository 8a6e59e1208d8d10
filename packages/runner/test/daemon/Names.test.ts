import { describe, expect, it } from 'vitest'
import * as Names from '../../src/daemon/Names.js'

describe('Names', () => {
  it.each([
    ['sync_2026-11-27-02-01-55_127.0.0.1', '127.0.0.1'],
    ['sync_2026-11-27-02-01-55_my_host', 'my_host'],
    ['sync_2026-11-27-02-01_nas', 'nas'],
    ['sync_2026-11-27-02-01-55_', undefined],
    ['keep', undefined],
  ])('host of %s is %s', (tag, host) => {
    expect(Names.syncTagHost(tag)).toBe(host)
  })

  it('reads sync tag times in the zone of the API host', () => {
    expect(Names.syncTagTime('sync_2026-07-01-12-00-30_nas', 'Europe/Vienna')).toBe(
      Date.UTC(2026, 6, 1, 10, 0, 30),
    )
    expect(Names.syncTagTime('sync_2026-07-01-12-00_nas', 'UTC')).toBe(Date.UTC(2026, 6, 1, 12, 0))
    expect(Names.syncTagTime('sync_2026-13-01-12-00-00_nas', 'UTC')).toBeUndefined()
    expect(Names.syncTagTime('sync_yesterday_nas', 'UTC')).toBeUndefined()
  })

  it('last sync of a host: newest time, ties to the later snapshot; other hosts ignored', () => {
    const snaps = ['a', 'b', 'c']
    const holds = new Map([
      ['a', ['sync_2026-07-01-12-00-00_nas', 'sync_2026-07-02-00-00-00_other']],
      ['b', ['sync_2026-07-01-13-00-00_nas']],
      ['c', ['sync_2026-07-01-13-00-00_nas', 'keep']],
    ])
    expect(Names.lastSyncOf(snaps, holds, 'nas', 'UTC')).toEqual({
      snapshot: 'c',
      tag: 'sync_2026-07-01-13-00-00_nas',
      at: Date.UTC(2026, 6, 1, 13),
    })
    expect(Names.lastSyncOf(snaps, holds, 'none', 'UTC')).toBeUndefined()
  })

  it('last snapshot time: newest of ours by name, foreign names ignored', () => {
    expect(
      Names.lastSnapshotTime([
        'hourly_backup_2026-07-01-13-00',
        'manual',
        'frequent_backup_2026-07-01-12-50',
      ]),
    ).toBe(Date.UTC(2026, 6, 1, 13))
    expect(Names.lastSnapshotTime(['manual'])).toBeUndefined()
  })
})
