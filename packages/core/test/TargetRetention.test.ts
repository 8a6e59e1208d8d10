import { describe, expect, it } from 'vitest'
import * as Explain from '../src/Explain.js'
import type { HoldsObservation } from '../src/Observation.js'
import * as SnapshotType from '../src/SnapshotType.js'
import * as TargetRetention from '../src/TargetRetention.js'

const f = (hhmm: string) => `frequent_backup_2026-11-27-${hhmm}`
const h = (hhmm: string) => `hourly_backup_2026-11-27-${hhmm}`
const now = Date.UTC(2026, 10, 27, 12, 0)

const run = (
  snapshots: ReadonlyArray<string>,
  over: Partial<Omit<TargetRetention.TargetInput, 'snapshots'>> = {},
) =>
  TargetRetention.plan({
    now,
    policy: { backupIntervalSeconds: 600 },
    remoteHost: 'nas',
    remoteDataset: 'backup/data',
    retention: { frequent: 2, hourly: 1, daily: 1, weekly: 1, monthly: 1, yearly: 1 },
    holds: { _tag: 'Known', bySnapshot: new Map() },
    source: [],
    bases: [],
    inFlight: [],
    snapshots,
    ...over,
  })

const destroyed = (p: ReturnType<typeof run>) => p.destroy.map((d) => d.snapshot)
const keepOf = (p: ReturnType<typeof run>, s: string) => p.keep.find((k) => k.snapshot === s)?.reasons

describe('TargetRetention.plan', () => {
  const list = [f('09-00'), h('09-00'), f('09-10'), 'manual', f('09-20'), h('10-00'), f('10-10'), f('10-20')]

  it('prunes the backup host with the source rules: newest N per type, foreign names kept', () => {
    const p = run(list)
    expect(destroyed(p)).toEqual([f('09-00'), h('09-00'), f('09-10'), f('09-20')])
    expect(p.destroy[0]).toEqual({
      _tag: 'DestroyTargetSnapshot',
      remoteHost: 'nas',
      remoteDataset: 'backup/data',
      snapshot: f('09-00'),
      reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 2 },
    })
    expect(keepOf(p, 'manual')).toEqual([{ _tag: 'NotOurs' }])
    expect(p.keep.map((k) => k.snapshot)).toEqual(['manual', h('10-00'), f('10-10'), f('10-20')])
  })

  it('keeps the newest common snapshot with the source and the base the source holds for it', () => {
    const p = run(list, { source: [f('09-00'), f('09-10'), 'elsewhere'], bases: [h('09-00')] })
    expect(destroyed(p)).toEqual([f('09-00'), f('09-20')])
    expect(keepOf(p, f('09-10'))).toEqual([{ _tag: 'NewestCommon' }])
    expect(keepOf(p, h('09-00'))).toEqual([
      { _tag: 'ReplicationBase', remoteHost: 'nas', remoteDataset: 'backup/data' },
    ])
  })

  it('keeps held snapshots, and destroys nothing when the holds are unknown', () => {
    const holds: HoldsObservation = { _tag: 'Known', bySnapshot: new Map([[f('09-00'), ['keep']]]) }
    expect(destroyed(run(list, { holds }))).toEqual([h('09-00'), f('09-10'), f('09-20')])
    const unknown = run(list, { holds: { _tag: 'Unknown', why: 'timeout' } })
    expect(unknown.destroy).toEqual([])
    expect(keepOf(unknown, f('09-00'))).toEqual([{ _tag: 'HoldsUnknown', why: 'timeout' }])
  })

  it('never destroys a name from the future, which still takes its rank', () => {
    const future = 'frequent_backup_2027-01-01-00-00'
    const p = run([f('09-00'), future, f('10-00'), f('11-00')])
    expect(destroyed(p)).toEqual([f('09-00')])
    expect(keepOf(p, future)).toEqual([{ _tag: 'FromTheFuture', aheadSeconds: 2_980_800 }])
    // Within backup_interval it is an ordinary name (a clock slightly behind, §3).
    const near = f('12-10')
    expect(destroyed(run([near, f('10-00'), f('11-00')]))).toEqual([near])
  })

  it('keeps the newest of the backup host, ours or foreign', () => {
    expect(destroyed(run([f('09-00'), f('09-10'), f('09-20')], { retention: zero }))).toEqual([
      f('09-00'),
      f('09-10'),
    ])
    expect(keepOf(run([f('09-00'), f('09-10')], { retention: zero }), f('09-10'))).toEqual([
      { _tag: 'NewestOfDataset' },
    ])
  })

  it('protects from where an in-flight migration started, everything when that is unknown', () => {
    const from = run(list, { inFlight: [{ taskId: 't1', from: h('09-00') }] })
    expect(destroyed(from)).toEqual([f('09-00')])
    expect(keepOf(from, f('09-10'))).toEqual([{ _tag: 'InFlight', taskIds: ['t1'] }])
    expect(destroyed(run(list, { inFlight: [{ taskId: 't1' }] }))).toEqual([])
    expect(destroyed(run(list, { inFlight: [{ taskId: 't1', from: 'gone' }] }))).toEqual([])
  })

  it('explains each line naming the backup host', () => {
    const lines = Explain.targetPlan(run(list, { source: [f('10-10')] }))
    expect(lines[0]).toBe(`destroy nas:backup/data@${f('09-00')}: beyond newest 2 frequent (rank 5)`)
    expect(lines).toContain(
      `kept nas:backup/data@${f('10-10')}: among newest 2 frequent (rank 2); newest snapshot in common with the source (the next incremental starts there)`,
    )
  })
})

const zero = SnapshotType.noCounts
