/**
 * Clock faults through the real daemon on the simulator: DST fall-back and spring-forward in Europe/Vienna
 * and America/New_York, the wall clock stepped back 1 h, jumping forward 1 day, and a leap day.
 *
 * Each run starts from a converged week of history (planned by the core, so retention is full and a
 * destroy storm would show) and checks after every cycle: the safety invariants (no duplicate or
 * out-of-order name, nothing foreign/held destroyed), at most the policy's normal destroys per cycle (one
 * per dataset, plus one per destination whose sync hold moved), and every created snapshot's type against an
 * independent oracle of docs/core-*.md: the highest calendar boundary in the zone crossed since the previous
 * snapshot, else `frequent` once `backup_interval` elapsed (core-decisions.md §2, §3).
 */
import {
  type DatasetObservation,
  type DatasetPolicy,
  type Policy,
  planDataset,
  SnapshotName,
  type SnapshotType as ST,
} from '@zfs-autobackup/core'

type SnapshotType = ST.SnapshotType

import { applyPlan } from '@zfs-autobackup/core/testing'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import { safety, seedForeign } from './Invariants.js'
import { allWindow, DAY, HOUR, MINUTE, makeWorld, type World } from './World.js'

const INTERVAL = 10 * MINUTE

const policy = (sync: boolean): Policy => ({
  backupIntervalSeconds: INTERVAL / 1000,
  snapshotWindow: allWindow,
  retention: { frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 },
  remoteSync: { enabled: sync, intervalSeconds: 3600, window: allWindow },
})

const dataset = (sync: boolean): DatasetPolicy => ({
  dataset: 'tank/data',
  recursive: false,
  destinations: sync ? [{ remoteHost: 'nas', remoteDataset: 'backup/data', enabled: true }] : [],
})

// -------------------------------------------------------------------------------------
// the type oracle (independent of the core: luxon for day/week/month/year, UTC hours for whole-hour zones)
// -------------------------------------------------------------------------------------

const startOf = (at: number, zone: string, unit: 'day' | 'week' | 'month' | 'year'): number =>
  DateTime.fromMillis(at, { zone }).startOf(unit).toMillis()

/** The type the docs promise for a snapshot at `at` when the previous one of ours was at `prev`. */
const expectedType = (prev: number, at: number, zone: string): SnapshotType | 'none' => {
  if (startOf(at, zone, 'year') > prev) return 'yearly'
  if (startOf(at, zone, 'month') > prev) return 'monthly'
  if (startOf(at, zone, 'week') > prev) return 'weekly'
  if (startOf(at, zone, 'day') > prev) return 'daily'
  // Both zones here have whole-hour offsets, so a local hour starts on a UTC hour, even in a repeated hour.
  if (Math.floor(at / HOUR) * HOUR > prev) return 'hourly'
  return at - prev >= INTERVAL ? 'frequent' : 'none'
}

// -------------------------------------------------------------------------------------
// harness
// -------------------------------------------------------------------------------------

/** A week of history as the core would have left it at `start` (no syncs), to seed the simulator with. */
const history = (start: number, zone: string, ds: DatasetPolicy): ReadonlyArray<string> => {
  let observed: DatasetObservation = {
    snapshots: [],
    holds: { _tag: 'Known', bySnapshot: new Map() },
    inFlight: [],
    failures: [],
  }
  for (let now = start - 8 * DAY; now < start; now += INTERVAL)
    observed = applyPlan(observed, planDataset({ now, zone, policy: policy(false), dataset: ds, observed }))
  return observed.snapshots
}

interface Run {
  readonly w: World
  /** Successful creates, in order: name, type, time in the name. */
  readonly created: Array<{ readonly name: string; readonly type: SnapshotType; readonly at: number }>
  readonly maxDestroysPerCycle: () => number
  /** Runs `n` cycles (one per tick of 10 min, the backup interval), checking after each. */
  readonly cycles: (n: number) => Promise<void>
}

const TICK = INTERVAL

const setUp = (start: number, zone: string, sync = false): Run => {
  const ds = dataset(sync)
  const w = makeWorld({
    seed: 1,
    start,
    zone,
    policy: policy(sync),
    datasets: [ds],
    daemon: { tickMs: TICK },
  })
  const check = safety(w, seedForeign(w))
  const past = history(start, zone, ds)
  w.sim.seed.snapshots(ds.dataset, past)
  const created: Run['created'] = []
  let prev = Math.max(...past.map((s) => SnapshotName.parseOrUndefined(s)?.at ?? 0))
  let seen = 0
  let maxDestroys = 0
  w.start()
  /** Checks what the cycle that just ran did. */
  const observe = () => {
    check()
    const log = w.sim.inspect.mutations()
    let destroys = 0
    for (; seen < log.length; seen++) {
      const m = log[seen]!
      if (m.error !== undefined) continue
      if (m.method === 'snapshot_destroy') destroys += 1
      if (m.method !== 'snapshot_create') continue
      const name = String(m.params['name'])
      const parsed = SnapshotName.parseOrUndefined(name)
      expect(parsed, name).toBeDefined()
      // A name older than the previous one: the clock was stepped back by more than backup_interval, so
      // the names ahead are from the future (§3 as amended) and snapshots go on from the newest that is
      // not. The oracle knows nothing of that; it checks the type again from there on (list order).
      if (parsed!.at > prev)
        expect(parsed!.type, `${name} after ${new Date(prev).toISOString()}`).toBe(
          expectedType(prev, parsed!.at, zone),
        )
      expect(created.some((c) => c.name === name)).toBe(false)
      created.push({ name, type: parsed!.type, at: parsed!.at })
      prev = parsed!.at
    }
    maxDestroys = Math.max(maxDestroys, destroys)
  }
  let started = false
  const cycles = async (n: number) => {
    if (!started) {
      started = true
      await w.clock.advance(0) // the first cycle runs at start
      observe()
    }
    for (let i = 0; i < n; i++) {
      await w.clock.advance(TICK)
      observe()
    }
  }
  return { w, created, maxDestroysPerCycle: () => maxDestroys, cycles }
}

const utc = (iso: string) => Date.parse(iso)

/** Creates by type whose name time lies in [from, to). */
const countByType = (run: Run, from: number, to: number): Partial<Record<SnapshotType, number>> => {
  const out: Partial<Record<SnapshotType, number>> = {}
  for (const c of run.created) if (c.at >= from && c.at < to) out[c.type] = (out[c.type] ?? 0) + 1
  return out
}

// -------------------------------------------------------------------------------------
// DST
// -------------------------------------------------------------------------------------

describe('DST transitions (a cycle every 10 minutes across the whole local day)', () => {
  it.each([
    // zone, transition, hours in that local day, type of its midnight snapshot, the day's bounds (UTC)
    ['Europe/Vienna', 'fall-back', 25, 'daily', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'],
    ['Europe/Vienna', 'spring-forward', 23, 'daily', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
    ['America/New_York', 'fall-back', 25, 'monthly', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z'],
    ['America/New_York', 'spring-forward', 23, 'daily', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'],
  ] as const)(
    '%s %s: a %i-hour day, %s at midnight, types as documented',
    async (zone, _what, hours, midnight, from, to) => {
      const dayStart = utc(from)
      const dayEnd = utc(to)
      expect((dayEnd - dayStart) / HOUR).toBe(hours)
      const run = setUp(dayStart - 30 * MINUTE, zone)
      await run.cycles((dayEnd - dayStart) / TICK + 6)
      expect(countByType(run, dayStart, dayEnd)).toEqual({
        [midnight]: 1,
        hourly: hours - 1,
        frequent: hours * 5,
      })
      expect(run.maxDestroysPerCycle()).toBeLessThanOrEqual(1)
      expect(await run.w.stop()).toEqual({ _tag: 'Stopped' })
    },
  )
})

// -------------------------------------------------------------------------------------
// clock steps
// -------------------------------------------------------------------------------------

describe('wall-clock steps', () => {
  it('stepped back 1 h: the names ahead are from the future (§3 as amended): snapshots go on within an interval under new names, then as before', async () => {
    const run = setUp(utc('2026-06-10T08:03:00Z'), 'Europe/Vienna', true)
    await run.cycles(12)
    const before = run.created.length
    const newest = run.created[before - 1]!.at
    run.w.stepClock(-HOUR)
    const stepped = run.w.now()
    await run.cycles(1)
    // Within one interval of the step a snapshot named at the stepped-back clock (never a listed name:
    // checked by `observe`), since the names of the last hour are all more than an interval ahead.
    const resumed = run.created.slice(before)
    expect(resumed.length).toBeGreaterThan(0)
    expect(resumed[0]!.at).toBeLessThan(newest)
    expect(resumed[0]!.at - stepped).toBeLessThanOrEqual(INTERVAL)
    await run.cycles(12)
    const after = run.created.slice(before)
    // Past the newest name again, types as the oracle says (checked by `observe`).
    expect(after.at(-1)!.at).toBeGreaterThan(newest)
    expect(run.maxDestroysPerCycle()).toBeLessThanOrEqual(2)
    expect(await run.w.stop()).toEqual({ _tag: 'Stopped' })
  })

  it('jumped forward 1 day: one daily, no destroy storm, syncs carry on', async () => {
    const run = setUp(utc('2026-06-10T08:03:00Z'), 'Europe/Vienna', true)
    await run.cycles(12)
    const before = run.created.length
    run.w.stepClock(DAY)
    await run.cycles(1)
    expect(run.created.slice(before).map((c) => c.type)).toEqual(['daily'])
    await run.cycles(18)
    expect(run.maxDestroysPerCycle()).toBeLessThanOrEqual(2)
    const ours = run.w.sim.inspect.snapshots('tank/data').filter(SnapshotName.isOurs)
    expect(ours.length).toBeGreaterThanOrEqual(4 + 24 + 7)
    const synced = run.w.sim.inspect.snapshots('backup/data', 'nas')
    expect(synced.length).toBeGreaterThan(0)
    expect(await run.w.stop()).toEqual({ _tag: 'Stopped' })
  })
})

// -------------------------------------------------------------------------------------
// leap day
// -------------------------------------------------------------------------------------

describe('leap day', () => {
  it('2028-02-29: named, typed and pruned like any other day; March starts monthly', async () => {
    const run = setUp(utc('2028-02-28T22:30:00Z'), 'UTC')
    await run.cycles((27 * HOUR) / TICK)
    const leap = run.created.filter((c) => c.name.includes('_2028-02-29-'))
    expect(leap.find((c) => c.type === 'daily')?.name).toBe('daily_backup_2028-02-29-00-00')
    expect(leap.filter((c) => c.type === 'hourly')).toHaveLength(23)
    expect(run.created.find((c) => c.type === 'monthly')?.name).toBe('monthly_backup_2028-03-01-00-00')
    const destroyed = run.w.sim.inspect
      .mutations()
      .filter((m) => m.method === 'snapshot_destroy' && m.error === undefined)
      .map((m) => String(m.params['snapshot']))
    expect(destroyed.filter((s) => s.startsWith('frequent_backup_2028-02-29-')).length).toBeGreaterThan(100)
    const frequent = run.w.sim.inspect
      .snapshots('tank/data')
      .filter((s) => SnapshotName.parseOrUndefined(s)?.type === 'frequent')
    expect(frequent).toHaveLength(4)
    expect(run.maxDestroysPerCycle()).toBeLessThanOrEqual(1)
    expect(await run.w.stop()).toEqual({ _tag: 'Stopped' })
  })
})
