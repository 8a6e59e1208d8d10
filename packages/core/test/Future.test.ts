import { describe, expect, it } from 'vitest'
import * as Explain from '../src/Explain.js'
import { type DatasetObservation, type Plan, type PlanInput, planDataset } from '../src/index.js'
import * as SnapshotName from '../src/SnapshotName.js'
import * as SyncHold from '../src/SyncHold.js'
import { applyPlan } from '../src/testing/index.js'
import { dataset, input, observed, policy, utc } from './fixtures.js'

const MIN = 60_000
const YEAR = 365 * 86_400_000
const created = (p: Plan) => p.actions.find((a) => a._tag === 'CreateSnapshot')
const synced = (p: Plan) => p.actions.find((a) => a._tag === 'StartSync')
const future = (p: Plan) => p.decisions.filter((d) => d._tag === 'FromTheFuture')

/**
 * The daemon's view minute by minute: `clock(real)` is what the host's clock reads at real time `real`.
 * A started sync lands within the minute: the API tags the sent snapshot with the *clock's* local time
 * (zone UTC here) and the migration ends. Returns, per real minute, the plan and the clock's reading.
 */
const run = (start: PlanInput, from: number, to: number, clock: (real: number) => number) => {
  let state: DatasetObservation = start.observed
  const out: Array<{ real: number; now: number; plan: Plan }> = []
  for (let real = from; real < to; real += MIN) {
    const now = clock(real)
    const plan = planDataset({ ...start, now, observed: state })
    out.push({ real, now, plan })
    state = applyPlan(state, plan)
    const sync = synced(plan)
    if (sync !== undefined && state.holds._tag === 'Known') {
      const bySnapshot = new Map(state.holds.bySnapshot)
      const tag = SyncHold.formatTag(Math.floor(now / 1000) * 1000, sync.remoteHost)
      bySnapshot.set(sync.snapshot, [...(bySnapshot.get(sync.snapshot) ?? []), tag])
      state = { ...state, holds: { _tag: 'Known', bySnapshot }, inFlight: [] }
    }
  }
  return { out, state }
}

/** Largest gap (ms of real time) between two consecutive matching events in [from, to], ends included. */
const largestGap = (times: ReadonlyArray<number>, from: number, to: number): number => {
  const all = [from, ...times, to]
  return Math.max(...all.slice(1).map((t, i) => t - all[i]!))
}

describe('names from the future (core-decisions.md §3, §7 as amended)', () => {
  const start = utc('2026-11-27T00:00:00Z')
  const jump = utc('2026-11-27T10:03:00Z')
  const fixed = jump + 20 * MIN
  const end = utc('2026-11-28T12:00:00Z')
  const base = input(
    start,
    observed([SnapshotName.format('frequent', start - 10 * MIN)], {}, { inFlight: [], failures: [] }),
    {
      zone: 'UTC',
      policy: policy({
        remoteSync: { enabled: true, intervalSeconds: 3600, window: policy().remoteSync.window },
      }),
      dataset: dataset({
        destinations: [{ remoteHost: 'backup', remoteDataset: 'tank/data', enabled: true }],
      }),
    },
  )

  it('a clock that jumped a year ahead for 20 minutes: snapshots and syncs resume within one interval', () => {
    const { out, state } = run(base, start, end, (real) =>
      real >= jump && real < fixed ? real + YEAR : real,
    )
    const after = out.filter((o) => o.real >= fixed)
    const creates = after.filter((o) => created(o.plan)).map((o) => o.real)
    const syncs = after.filter((o) => synced(o.plan)).map((o) => o.real)
    // The jump left snapshots named a year ahead, and a sync tag too.
    expect(out.some((o) => o.now !== o.real && created(o.plan))).toBe(true)
    expect(out.some((o) => o.now !== o.real && synced(o.plan))).toBe(true)
    // After the correction: never a gap longer than one interval (plus the minute of the cadence).
    expect(largestGap(creates, fixed, end)).toBeLessThanOrEqual(10 * MIN + MIN)
    expect(largestGap(syncs, fixed, end)).toBeLessThanOrEqual(60 * MIN + MIN)
    // The plan said why it ignored them.
    const first = after[0]!.plan
    expect(future(first).map((d) => d.reason._tag)).toEqual(
      expect.arrayContaining(['FutureSnapshot', 'FutureSyncTag']),
    )
    // Retention counts them by list position: of the two taken during the jump, the frequent one is long
    // gone a day later (4 frequent kept); the yearly one is still the newest yearly (3 kept).
    expect(out.filter((o) => o.now !== o.real && created(o.plan)).map((o) => created(o.plan)!.type)).toEqual([
      'yearly',
      'frequent',
    ])
    expect(state.snapshots.filter((s) => SnapshotName.parseOrUndefined(s)!.at > end)).toEqual([
      'yearly_backup_2027-11-27-10-03',
    ])
  })

  it('a hand-made snapshot dated 2030 does not stop snapshots, is reported, and retention still counts it', () => {
    const now = utc('2026-11-27T10:30:00Z')
    const handMade = 'daily_backup_2030-01-01-00-00'
    const p = planDataset(input(now, observed(['frequent_backup_2026-11-27-10-10', handMade])))
    expect(created(p)?.snapshot).toBe('frequent_backup_2026-11-27-10-30')
    expect(future(p)).toEqual([
      {
        _tag: 'FromTheFuture',
        reason: {
          _tag: 'FutureSnapshot',
          snapshot: handMade,
          aheadSeconds: (utc('2030-01-01T00:00:00Z') - now) / 1000,
        },
      },
    ])
    expect(Explain.decision(future(p)[0]!)).toMatch(
      /^from the future: daily_backup_2030-01-01-00-00 is named \d+d after now/,
    )
    expect(p.decisions).toContainEqual({
      _tag: 'Keep',
      snapshot: handMade,
      reasons: [{ _tag: 'AmongNewest', type: 'daily', rank: 1, count: 7 }],
    })
  })

  it('at most backup_interval ahead is a clock behind (§3): no snapshot, no duplicate name; one minute more is the future', () => {
    const now = utc('2026-11-27T10:30:00Z')
    const at = (name: string) => planDataset(input(now, observed([name])))
    const within = at('frequent_backup_2026-11-27-10-40') // exactly backup_interval ahead
    expect(created(within)).toBeUndefined()
    expect(within.decisions).toContainEqual({
      _tag: 'NoSnapshot',
      reason: { _tag: 'ClockBehind', newest: 'frequent_backup_2026-11-27-10-40' },
    })
    expect(future(within)).toEqual([])
    const beyond = at('frequent_backup_2026-11-27-10-41')
    expect(created(beyond)?.reason).toEqual({ _tag: 'FirstSnapshot' })
    expect(future(beyond)).toHaveLength(1)
  })

  it('a sync tag from the future is no last sync, and hygiene keeps the host’s newest tag that is not', () => {
    const now = utc('2026-11-27T10:30:00Z')
    // Foreign names: with one of ours as the base, the base's name time would be the last sync (§15).
    const snaps = ['manual-a', 'manual-b']
    const p = planDataset(
      input(
        now,
        observed(snaps, {
          [snaps[0]!]: ['sync_2026-11-26-09-00-00_backup'],
          [snaps[1]!]: ['sync_2027-11-27-10-20-00_backup'],
        }),
        {
          zone: 'UTC',
          dataset: dataset({
            destinations: [{ remoteHost: 'backup', remoteDataset: 'tank/data', enabled: true }],
          }),
        },
      ),
    )
    expect(synced(p)?.reason).toEqual({
      _tag: 'IntervalElapsed',
      lastSync: 'sync_2026-11-26-09-00-00_backup',
      elapsedSeconds: 25.5 * 3600,
    })
    expect(p.actions.filter((a) => a._tag === 'ReleaseHold').map((a) => a.tag)).toEqual([
      'sync_2027-11-27-10-20-00_backup',
    ])
    // Only future tags: never synced as far as due goes, and the tag is kept until the next sync replaces it.
    const only = planDataset(
      input(now, observed(snaps, { [snaps[1]!]: ['sync_2027-11-27-10-20-00_backup'] }), {
        zone: 'UTC',
        dataset: dataset({
          destinations: [{ remoteHost: 'backup', remoteDataset: 'tank/data', enabled: true }],
        }),
      }),
    )
    expect(synced(only)?.reason).toEqual({ _tag: 'NeverSynced' })
    expect(only.actions.filter((a) => a._tag === 'ReleaseHold')).toEqual([])
    expect(future(only).map((d) => d.reason._tag)).toEqual(['FutureSyncTag'])
  })
})
