import { describe, expect, it } from 'vitest'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'

const HOUR = 3_600_000
const tags = (pairs: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) => new Map(pairs)

describe('HoldsCache', () => {
  it('reads everything at start-up, then only snapshots it has not seen', () => {
    const c = HoldsCache.make(HOUR)
    expect(c.toRead('tank/a', ['s1', 's2'], 0)).toEqual(['s1', 's2'])
    c.store(
      'tank/a',
      tags([
        ['s1', ['keep']],
        ['s2', []],
      ]),
      true,
      0,
    )
    expect(c.toRead('tank/a', ['s1', 's2'], 1000)).toEqual([])
    expect(c.toRead('tank/a', ['s1', 's2', 's3'], 2000)).toEqual(['s3'])
  })

  it('rescans the whole dataset once the rescan interval has passed, or the clock went back', () => {
    const c = HoldsCache.make(HOUR)
    c.store('tank/a', tags([['s1', []]]), true, 10 * HOUR)
    expect(c.toRead('tank/a', ['s1'], 11 * HOUR - 1)).toEqual([])
    expect(c.toRead('tank/a', ['s1'], 11 * HOUR)).toEqual(['s1'])
    expect(c.toRead('tank/a', ['s1'], 9 * HOUR)).toEqual(['s1'])
  })

  it('a partial store does not count as a full scan', () => {
    const c = HoldsCache.make(HOUR)
    c.store('tank/a', tags([['s1', []]]), false, 0)
    expect(c.toRead('tank/a', ['s1'], 1)).toEqual(['s1'])
  })

  it('after a migration ended, the whole dataset is read again (only that dataset)', () => {
    const c = HoldsCache.make(HOUR)
    c.store(
      'tank/a',
      tags([
        ['s1', []],
        ['s2', []],
      ]),
      true,
      0,
    )
    c.store('tank/b', tags([['x', []]]), true, 0)
    c.invalidateDataset('tank/a')
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual(['s1', 's2'])
    expect(c.toRead('tank/b', ['x'], 1)).toEqual([])
  })

  it('a busy destroy re-reads just that snapshot', () => {
    const c = HoldsCache.make(HOUR)
    c.store(
      'tank/a',
      tags([
        ['s1', []],
        ['s2', []],
      ]),
      true,
      0,
    )
    c.invalidateSnapshot('tank/a', 's1')
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual(['s1'])
  })

  it('our own new snapshot is known to carry no holds; released tags and destroyed snapshots are dropped', () => {
    const c = HoldsCache.make(HOUR)
    c.store('tank/a', tags([['s1', ['sync_2026-01-01-00-00-00_h', 'keep']]]), true, 0)
    c.seedEmpty('tank/a', 's2')
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual([])
    c.tagReleased('tank/a', 's1', 'sync_2026-01-01-00-00-00_h')
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toEqual(new Map([['s1', ['keep']]]))
    c.forget('tank/a', 's1')
    expect(c.toRead('tank/a', ['s1', 's2'], 2)).toEqual(['s1'])
  })

  it('forgets snapshots that left the listing, and reports only snapshots with holds', () => {
    const c = HoldsCache.make(HOUR)
    c.store(
      'tank/a',
      tags([
        ['s1', ['keep']],
        ['s2', []],
      ]),
      true,
      0,
    )
    c.toRead('tank/a', ['s2'], 1)
    expect(c.allTags('tank/a')).toEqual([])
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toEqual(new Map())
  })

  it('invalidateAll forces a full scan of every dataset', () => {
    const c = HoldsCache.make(HOUR)
    c.store('tank/a', tags([['s1', []]]), true, 0)
    c.store('tank/b', tags([['s2', []]]), true, 0)
    c.invalidateAll()
    expect([c.toRead('tank/a', ['s1'], 1), c.toRead('tank/b', ['s2'], 1)]).toEqual([['s1'], ['s2']])
  })
})
