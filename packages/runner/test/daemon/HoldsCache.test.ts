import { describe, expect, it } from 'vitest'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'

const HOUR = 3_600_000
type Tags = Readonly<Record<string, ReadonlyArray<string>>>

/** One cycle's read as the StateReader does it; `failing` items are not stored. Returns what was asked. */
const read = (
  c: HoldsCache.HoldsCache,
  dataset: string,
  truth: Tags,
  now: number,
  failing: ReadonlyArray<string> = [],
): ReadonlyArray<string> => {
  const toRead = c.toRead(dataset, Object.keys(truth), now)
  const generation = c.generation(dataset)
  c.store(
    dataset,
    new Map(toRead.filter((s) => !failing.includes(s)).map((s) => [s, truth[s] ?? []])),
    generation,
  )
  return toRead
}

describe('HoldsCache', () => {
  it('a recursive hold or release (zfs -r) reaches the cached descendants that list the snapshot, nothing else', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [], s2: [] }, 0)
    read(c, 'tank/a/x', { s1: ['keep'] }, 0)
    read(c, 'tank/a/x/y', { s2: [] }, 0)
    read(c, 'tank/ab', { s1: [] }, 0)
    c.tagPlaced('tank/a', 's1', 'base', true)
    expect(c.holdsOf('tank/a', ['s1'])).toEqual(new Map([['s1', ['base']]]))
    expect(c.holdsOf('tank/a/x', ['s1'])).toEqual(new Map([['s1', ['keep', 'base']]]))
    expect(c.holdsOf('tank/a/x/y', ['s2'])).toEqual(new Map())
    expect(c.holdsOf('tank/ab', ['s1'])).toEqual(new Map())
    c.tagReleased('tank/a', 's1', 'base', true)
    expect(c.holdsOf('tank/a/x', ['s1'])).toEqual(new Map([['s1', ['keep']]]))
    expect(c.holdsOf('tank/a', ['s1'])).toEqual(new Map())
    // Not recursive: the descendants are untouched.
    c.tagPlaced('tank/a', 's1', 'base')
    expect(c.holdsOf('tank/a/x', ['s1'])).toEqual(new Map([['s1', ['keep']]]))
  })

  it('reads everything at start-up, then only snapshots it has not seen', () => {
    const c = HoldsCache.make(HOUR)
    expect(read(c, 'tank/a', { s1: ['keep'], s2: [] }, 0)).toEqual(['s1', 's2'])
    expect(c.toRead('tank/a', ['s1', 's2'], 1000)).toEqual([])
    expect(c.toRead('tank/a', ['s1', 's2', 's3'], 2000)).toEqual(['s3'])
    expect(c.holdsOf('tank/a', ['s1', 's2', 's3'])).toBeUndefined()
  })

  it('rescans the whole dataset once the rescan interval has passed, or the clock went back', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [] }, 10 * HOUR)
    expect(c.toRead('tank/a', ['s1'], 11 * HOUR - 1)).toEqual([])
    expect(c.toRead('tank/a', ['s1'], 11 * HOUR)).toEqual(['s1'])
    read(c, 'tank/a', { s1: [] }, 11 * HOUR)
    expect(c.toRead('tank/a', ['s1'], 9 * HOUR)).toEqual(['s1'])
  })

  it('keeps the items of a partly failed read and asks only for the rest next time', () => {
    const c = HoldsCache.make(HOUR)
    const truth = { s1: ['keep'], s2: [], s3: [], s4: [] }
    expect(read(c, 'tank/a', truth, 0, ['s2', 's4'])).toEqual(['s1', 's2', 's3', 's4'])
    // Never a partial answer: s2 and s4 could be held.
    expect(c.holdsOf('tank/a', Object.keys(truth))).toBeUndefined()
    expect(read(c, 'tank/a', truth, 1, ['s4'])).toEqual(['s2', 's4'])
    expect(c.holdsOf('tank/a', Object.keys(truth))).toBeUndefined()
    expect(read(c, 'tank/a', truth, 2)).toEqual(['s4'])
    expect(c.holdsOf('tank/a', Object.keys(truth))).toEqual(new Map([['s1', ['keep']]]))
  })

  it('asks for half as many after a failed round trip, and doubles back to all after successful ones', () => {
    const c = HoldsCache.make(HOUR)
    const truth = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${i}`, []]))
    expect(c.toRead('tank/a', Object.keys(truth), 0)).toHaveLength(40)
    c.readFailed('tank/a')
    expect(c.toRead('tank/a', Object.keys(truth), 1)).toHaveLength(20)
    c.readFailed('tank/a')
    const sizes = [read(c, 'tank/a', truth, 2), read(c, 'tank/a', truth, 3), read(c, 'tank/a', truth, 4)]
    expect(sizes.map((x) => x.length)).toEqual([10, 20, 10])
    expect(c.holdsOf('tank/a', Object.keys(truth))).toEqual(new Map())
    // Nothing failed for a while: the limit is lifted again.
    for (let i = 0; i < 10; i++) read(c, 'tank/a', truth, 5 + i)
    c.invalidateDataset('tank/a')
    expect(c.toRead('tank/a', Object.keys(truth), 20)).toHaveLength(40)
  })

  it('after a migration ended, the whole dataset is read again (only that dataset)', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [], s2: [] }, 0)
    read(c, 'tank/b', { x: [] }, 0)
    c.invalidateDataset('tank/a')
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toBeUndefined()
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual(['s1', 's2'])
    expect(c.toRead('tank/b', ['x'], 1)).toEqual([])
  })

  it('a rescan after a migration never counts an entry read before it, even if the rescan partly fails', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [], s2: [] }, 0)
    c.invalidateDataset('tank/a')
    // The migration put a sync hold on s2; its re-read fails, s1's succeeds.
    const after = { s1: [], s2: ['sync_2026-01-01-00-00-00_h'] }
    expect(read(c, 'tank/a', after, 1, ['s2'])).toEqual(['s1', 's2'])
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toBeUndefined()
    expect(read(c, 'tank/a', after, 2)).toEqual(['s2'])
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toEqual(new Map([['s2', after.s2]]))
  })

  it('a read issued before an invalidation is dropped when it lands after it', () => {
    const c = HoldsCache.make(HOUR)
    const toRead = c.toRead('tank/a', ['s1'], 0)
    const generation = c.generation('tank/a')
    c.invalidateDataset('tank/a') // a migration ended while the read was in flight
    c.store('tank/a', new Map(toRead.map((s) => [s, []])), generation)
    expect(c.holdsOf('tank/a', ['s1'])).toBeUndefined()
    expect(c.toRead('tank/a', ['s1'], 1)).toEqual(['s1'])
  })

  it('a busy destroy re-reads just that snapshot', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [], s2: [] }, 0)
    c.invalidateSnapshot('tank/a', 's1')
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toBeUndefined()
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual(['s1'])
  })

  it('our own new snapshot is known to carry no holds; released tags and destroyed snapshots are dropped', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: ['sync_2026-01-01-00-00-00_h', 'keep'] }, 0)
    c.seedEmpty('tank/a', 's2')
    expect(c.toRead('tank/a', ['s1', 's2'], 1)).toEqual([])
    c.tagReleased('tank/a', 's1', 'sync_2026-01-01-00-00-00_h')
    expect(c.holdsOf('tank/a', ['s1', 's2'])).toEqual(new Map([['s1', ['keep']]]))
    c.forget('tank/a', 's1')
    expect(c.toRead('tank/a', ['s1', 's2'], 2)).toEqual(['s1'])
  })

  it('forgets snapshots that left the listing, and reports only snapshots with holds', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: ['keep'], s2: [] }, 0)
    c.toRead('tank/a', ['s2'], 1)
    expect(c.allTags('tank/a')).toEqual([])
    expect(c.holdsOf('tank/a', ['s2'])).toEqual(new Map())
  })

  it('invalidateAll forces a full scan of every dataset', () => {
    const c = HoldsCache.make(HOUR)
    read(c, 'tank/a', { s1: [] }, 0)
    read(c, 'tank/b', { s2: [] }, 0)
    c.invalidateAll()
    expect([c.holdsOf('tank/a', ['s1']), c.holdsOf('tank/b', ['s2'])]).toEqual([undefined, undefined])
    expect([c.toRead('tank/a', ['s1'], 1), c.toRead('tank/b', ['s2'], 1)]).toEqual([['s1'], ['s2']])
  })
})
