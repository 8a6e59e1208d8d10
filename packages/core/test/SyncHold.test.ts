import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as Retention from '../src/Retention.js'
import * as SyncHold from '../src/SyncHold.js'
import { utc } from './fixtures.js'

const vienna = IANAZone.create('Europe/Vienna')

describe('SyncHold.parseTag', () => {
  it.each([
    ['sync_2026-11-27-02-01-55_127.0.0.1', '127.0.0.1', '2026-11-27T02:01:55Z'],
    ['sync_2026-11-27-02-01-55_my_host_b', 'my_host_b', '2026-11-27T02:01:55Z'], // host keeps its `_`
    ['sync_2026-11-27-02-01_10.0.0.5', '10.0.0.5', '2026-11-27T02:01:00Z'], // original parsers' minute form
  ])('reads %s as host %s at local %s', (tag, host, local) => {
    expect(SyncHold.parseTag(tag)).toEqual({ tag, host, wall: utc(local) })
  })

  it.each([
    'keep',
    'sync',
    'sync_',
    'sync_2026-11-27-02-01-55',
    'sync_2026-11-27-02-01-55_',
    'sync_garbage_10.0.0.5',
    'sync_2026-02-30-02-01-55_10.0.0.5',
    'sync_2026-11-27-25-01-55_10.0.0.5',
    'sync_2026-11-27-02-01-5_10.0.0.5',
    'Sync_2026-11-27-02-01-55_10.0.0.5',
    'syncx_2026-11-27-02-01-55_10.0.0.5',
  ])('treats %j as an ordinary hold', (tag) => {
    expect(SyncHold.parseTag(tag)).toBeUndefined()
  })

  it('formatTag is read back by parseTag', () => {
    const wall = utc('2026-03-29T02:30:07Z')
    expect(SyncHold.parseTag(SyncHold.formatTag(wall, 'my_host'))).toEqual({
      tag: 'sync_2026-03-29-02-30-07_my_host',
      host: 'my_host',
      wall,
    })
  })
})

describe('SyncHold.byHost (core-decisions.md §7, §11)', () => {
  const snapshots = ['a', 'b', 'c', 'd']
  const byHost = (holds: ReadonlyMap<string, ReadonlyArray<string>>) => {
    const held = Retention.heldByIndex(snapshots, { _tag: 'Known', bySnapshot: holds })
    return SyncHold.byHost(held._tag === 'Known' ? held.byIndex : new Map(), snapshots, vienna)
  }

  it('finds per host the newest tag (local time in the zone) and the base (last in list order)', () => {
    const hosts = byHost(
      new Map([
        ['a', ['sync_2026-11-27-10-00-00_h1', 'keep']],
        ['c', ['sync_2026-11-27-09-00-00_h1', 'sync_2026-11-20-09-00-00_my_h2']],
        ['gone', ['sync_2026-11-28-09-00-00_h1']], // not listed any more: ignored
      ]),
    )
    expect([...hosts.keys()].sort()).toEqual(['h1', 'my_h2'])
    const h1 = hosts.get('h1')!
    expect(h1.newest).toMatchObject({
      tag: 'sync_2026-11-27-10-00-00_h1',
      snapshot: 'a',
      at: utc('2026-11-27T09:00:00Z'),
    })
    expect(h1.baseIndex).toBe(2) // `c` is the last snapshot in list order with an h1 tag
    expect(h1.points).toHaveLength(2)
    expect(hosts.get('my_h2')!.newest.at).toBe(utc('2026-11-20T08:00:00Z'))
  })

  it('breaks timestamp ties by list position, then by tag text', () => {
    const hosts = byHost(
      new Map([
        ['b', ['sync_2026-11-27-10-00-00_h1']],
        ['d', ['sync_2026-11-27-10-00_h1', 'sync_2026-11-27-10-00-00_h1']],
      ]),
    )
    expect(hosts.get('h1')!.newest).toMatchObject({ snapshot: 'd', tag: 'sync_2026-11-27-10-00_h1' })
  })

  it('reads an ambiguous fall-back time as the earlier instant', () => {
    const hosts = byHost(
      new Map([
        ['a', ['sync_2026-10-25-02-30-00_h1']], // CEST reading: 00:30Z
        ['b', ['sync_2026-10-25-02-10-00_h1']], // CEST reading: 00:10Z
      ]),
    )
    expect(hosts.get('h1')!.newest).toMatchObject({ snapshot: 'a', at: utc('2026-10-25T00:30:00Z') })
  })
})
