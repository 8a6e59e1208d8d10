import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as HoldHygiene from '../src/HoldHygiene.js'
import * as SyncHold from '../src/SyncHold.js'
import { byIndex } from './fixtures.js'

const snapshots = ['a', 'b', 'c']
const hostsOf = (holds: Record<string, ReadonlyArray<string>>) =>
  SyncHold.byHost(
    byIndex(snapshots, new Map(Object.entries(holds))),
    snapshots,
    IANAZone.create('Europe/Vienna'),
  )

describe('HoldHygiene.releases (core-decisions.md §11)', () => {
  it('keeps the newest sync tag per host and releases the older ones of that host only', () => {
    const r = HoldHygiene.releases(
      'tank/data',
      hostsOf({
        a: ['sync_2026-11-25-10-00-00_h1', 'keep', 'sync_2026-11-25-11-00-00_my_h2'],
        b: ['sync_2026-11-26-10-00-00_h1', 'sync_garbage_h1'],
        c: ['sync_2026-11-27-10-00-00_h1'],
      }),
    )
    expect(r.map((x) => [x.snapshot, x.tag])).toEqual([
      ['a', 'sync_2026-11-25-10-00-00_h1'],
      ['b', 'sync_2026-11-26-10-00-00_h1'],
    ])
    expect(r[0]!.reason).toEqual({
      _tag: 'SupersededSyncHold',
      newer: 'sync_2026-11-27-10-00-00_h1',
      newerOn: 'c',
    })
  })

  it('releases the second of two tags of one host on the same snapshot', () => {
    const r = HoldHygiene.releases(
      'tank/data',
      hostsOf({ c: ['sync_2026-11-27-10-00-00_h1', 'sync_2026-11-27-09-00-00_h1'] }),
    )
    expect(r.map((x) => x.tag)).toEqual(['sync_2026-11-27-09-00-00_h1'])
  })

  it('keeps the later of one tag text found on two snapshots and releases the earlier (§11 tie → list position)', () => {
    // Regression for the audit's counterexample (FC_SEED=31): the property wrongly required different texts.
    const r = HoldHygiene.releases(
      'tank/data',
      hostsOf({ a: ['sync_2027-01-04-02-13_nas_2_b'], c: ['sync_2027-01-04-02-13_nas_2_b'] }),
    )
    expect(r.map((x) => [x.snapshot, x.tag, x.reason.newerOn])).toEqual([
      ['a', 'sync_2027-01-04-02-13_nas_2_b', 'c'],
    ])
  })

  it('releases nothing when each host has one tag', () => {
    expect(
      HoldHygiene.releases('tank/data', hostsOf({ a: ['sync_2026-11-25-10-00-00_h1'], b: ['keep'] })),
    ).toEqual([])
  })
})
