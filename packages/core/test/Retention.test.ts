import { describe, expect, it } from 'vitest'
import type { HoldsObservation } from '../src/Observation.js'
import * as Retention from '../src/Retention.js'
import * as SnapshotName from '../src/SnapshotName.js'
import type { SnapshotType } from '../src/SnapshotType.js'

const f = (hhmm: string) => `frequent_backup_2026-11-27-${hhmm}`
const h = (hhmm: string) => `hourly_backup_2026-11-27-${hhmm}`

const run = (
  snapshots: ReadonlyArray<string>,
  over: {
    holds?: HoldsObservation
    inFlight?: Retention.RetentionInput['inFlight']
    created?: SnapshotType
    frequent?: number
  } = {},
) =>
  Retention.apply({
    dataset: 'tank/data',
    snapshots,
    parsed: SnapshotName.parseList(snapshots),
    retention: { frequent: over.frequent ?? 2, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 },
    holds: Retention.heldByIndex(snapshots, over.holds ?? { _tag: 'Known', bySnapshot: new Map() }),
    inFlight: over.inFlight ?? [],
    created: over.created,
  })

const destroyed = (r: Retention.RetentionResult) => r.destroy.map((d) => d.snapshot)
const keepOf = (r: Retention.RetentionResult, s: string) => r.keep.find((k) => k.snapshot === s)?.reasons

describe('Retention.apply', () => {
  const list = [f('09-00'), h('09-00'), f('09-10'), 'my_frequent_manual', f('09-20'), h('10-00'), f('10-10')]

  it('keeps the newest N per type and destroys the older ones, ranking within each type', () => {
    const r = run(list)
    expect(destroyed(r)).toEqual([f('09-00'), h('09-00'), f('09-10')])
    expect(r.destroy[0]!.reason).toEqual({ _tag: 'BeyondRetention', type: 'frequent', rank: 4, count: 2 })
    expect(keepOf(r, f('09-20'))).toEqual([{ _tag: 'AmongNewest', type: 'frequent', rank: 2, count: 2 }])
    expect(keepOf(r, 'my_frequent_manual')).toEqual([{ _tag: 'NotOurs' }])
    expect(keepOf(r, f('10-10'))).toEqual([
      { _tag: 'AmongNewest', type: 'frequent', rank: 1, count: 2 },
      { _tag: 'NewestOfDataset' },
    ])
  })

  it('counts the snapshot being created as rank 1 of its type (§4), and the newest existing loses §13', () => {
    const r = run(list, { created: 'frequent' })
    expect(destroyed(r)).toEqual([f('09-00'), h('09-00'), f('09-10'), f('09-20')])
    expect(keepOf(r, f('10-10'))).toEqual([{ _tag: 'AmongNewest', type: 'frequent', rank: 2, count: 2 }])
  })

  it('N = 0 destroys every snapshot of that type except the newest of the dataset', () => {
    expect(destroyed(run(list, { frequent: 0 }))).toEqual([f('09-00'), h('09-00'), f('09-10'), f('09-20')])
  })

  it('never destroys a held snapshot; held ones are kept in addition to the N', () => {
    const r = run(list, { holds: { _tag: 'Known', bySnapshot: new Map([[f('09-00'), ['keep']]]) } })
    expect(destroyed(r)).toEqual([h('09-00'), f('09-10')])
    expect(keepOf(r, f('09-00'))).toEqual([{ _tag: 'Held', tags: ['keep'] }])
  })

  it('never destroys inside an in-flight range (§8)', () => {
    const r = run(list, { inFlight: [{ taskId: 't1', fromIndex: 1 }] })
    expect(destroyed(r)).toEqual([f('09-00')])
    expect(keepOf(r, f('09-10'))).toEqual([{ _tag: 'InFlight', taskIds: ['t1'] }])
  })

  it('destroys nothing when holds are unknown', () => {
    const r = run(list, { holds: { _tag: 'Unknown', why: 'HTTP 502' } })
    expect(destroyed(r)).toEqual([])
    expect(keepOf(r, f('09-00'))).toEqual([{ _tag: 'HoldsUnknown', why: 'HTTP 502' }])
    expect(r.keep).toHaveLength(list.length)
  })

  it('returns one Keep per snapshot not destroyed, in list order', () => {
    const r = run(list)
    expect(r.keep.map((k) => k.snapshot)).toEqual(list.filter((s) => !destroyed(r).includes(s)))
  })
})
