import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HoldsObservation } from '../src/Observation.js'
import * as TargetRetention from '../src/TargetRetention.js'
import { minuteArb, snapshotListArb, snapshotTypeArb } from '../src/testing/index.js'
import { runs } from './runs.js'

// Oracle written from the rules (docs/core-decisions.md §17), with a regex, not the parsers.
const ours = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/
const parse = (name: string): { type: string; at: number } | undefined => {
  const m = ours.exec(name)
  if (m === null) return undefined
  const [y, mo, d, h, mi] = m.slice(2).map(Number) as [number, number, number, number, number]
  const at = Date.UTC(y, mo - 1, d, h, mi)
  const back = new Date(at)
  // A real calendar date only (`…-02-30-…` is foreign).
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60
    ? { type: m[1]!, at }
    : undefined
}

const countsArb = fc.record({
  frequent: fc.integer({ min: 0, max: 5 }),
  hourly: fc.integer({ min: 0, max: 5 }),
  daily: fc.integer({ min: 0, max: 5 }),
  weekly: fc.integer({ min: 0, max: 3 }),
  monthly: fc.integer({ min: 0, max: 3 }),
  yearly: fc.integer({ min: 0, max: 2 }),
})

const subsetArb = (xs: ReadonlyArray<string>, max: number) =>
  xs.length === 0 ? fc.constant([]) : fc.uniqueArray(fc.constantFrom(...xs), { maxLength: max })

const holdsArb = (snapshots: ReadonlyArray<string>): fc.Arbitrary<HoldsObservation> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: subsetArb(snapshots, 4).map(
        (held): HoldsObservation => ({
          _tag: 'Known',
          bySnapshot: new Map(held.map((s) => [s, ['keep']])),
        }),
      ),
    },
    { weight: 1, arbitrary: fc.constant<HoldsObservation>({ _tag: 'Unknown', why: 'timeout' }) },
  )

/** A backup host's listing with everything that must survive, around a `now` among its names. */
const inputArb: fc.Arbitrary<TargetRetention.TargetInput> = snapshotListArb({ maxLength: 40 }).chain(
  (snapshots) =>
    fc.record({
      // `now` at a random minute or at one of the listed names (names from the future come up then).
      now: fc.oneof(
        minuteArb(),
        ...snapshots
          .flatMap((s) => {
            const at = parse(s)?.at
            return at === undefined ? [] : [fc.constant(at)]
          })
          .slice(0, 3),
      ),
      policy: fc.record({ backupIntervalSeconds: fc.constantFrom(60, 600, 3600) }),
      remoteHost: fc.constant('nas'),
      remoteDataset: fc.constant('backup/data'),
      retention: countsArb,
      snapshots: fc.constant(snapshots),
      holds: holdsArb(snapshots),
      source: fc
        .tuple(subsetArb(snapshots, 3), fc.boolean())
        .map(([s, other]) => (other ? [...s, 'only-on-source'] : s)),
      bases: subsetArb(snapshots, 2),
      inFlight: fc.array(
        fc.record({
          taskId: fc.constantFrom('t1', 't2'),
          from: fc.oneof(
            fc.constant(undefined),
            fc.constant(null),
            fc.constant('gone'),
            ...(snapshots.length === 0 ? [] : [fc.constantFrom(...snapshots)]),
          ),
        }),
        { maxLength: 2 },
      ),
    }),
)

/** Newest common: the last destination name the source lists. */
const common = (i: TargetRetention.TargetInput): number => {
  for (let k = i.snapshots.length - 1; k >= 0; k--) if (i.source.includes(i.snapshots[k]!)) return k
  return -1
}

describe('retention on a backup host (decisions §17)', () => {
  it('destroys only unheld names of ours, never the newest, the common one, a base, a name from the future or anything in flight', () => {
    let some = 0
    fc.assert(
      fc.property(inputArb, (i) => {
        const p = TargetRetention.plan(i)
        if (p.destroy.length > 0) some++
        if (i.holds._tag === 'Unknown') expect(p.destroy).toEqual([])
        const lowestInFlight = Math.min(
          ...i.inFlight.map((m) =>
            typeof m.from === 'string' && i.snapshots.includes(m.from) ? i.snapshots.indexOf(m.from) : 0,
          ),
        )
        for (const d of p.destroy) {
          const k = i.snapshots.indexOf(d.snapshot)
          expect(k).toBeGreaterThanOrEqual(0)
          expect(d.remoteHost).toBe('nas')
          expect(d.remoteDataset).toBe('backup/data')
          const name = parse(d.snapshot)
          expect(name).toBeDefined()
          expect(name!.at).toBeLessThanOrEqual(i.now + i.policy.backupIntervalSeconds * 1000)
          expect(k).not.toBe(i.snapshots.length - 1)
          expect(k).not.toBe(common(i))
          expect(i.bases).not.toContain(d.snapshot)
          if (i.holds._tag === 'Known') expect(i.holds.bySnapshot.has(d.snapshot)).toBe(false)
          expect(k).toBeLessThan(lowestInFlight)
        }
        // Every snapshot is either destroyed or kept with a reason, exactly once.
        const seen = [...p.destroy.map((d) => d.snapshot), ...p.keep.map((k) => k.snapshot)].sort()
        expect(seen).toEqual([...i.snapshots].sort())
        for (const k of p.keep) expect(k.reasons.length).toBeGreaterThan(0)
      }),
      runs(2000),
    )
    expect(some).toBeGreaterThan(0)
  })

  it('keeps the newest N of each type and, with nothing else to keep, exactly those (and the newest)', () => {
    let pruned = 0
    fc.assert(
      fc.property(inputArb, fc.boolean(), (i0, bare) => {
        // `bare`: no holds, base, common snapshot, migration or name from the future: counts converge.
        const i: TargetRetention.TargetInput = bare
          ? {
              ...i0,
              holds: { _tag: 'Known', bySnapshot: new Map() },
              source: [],
              bases: [],
              inFlight: [],
              now: Date.UTC(2030, 0, 1),
            }
          : i0
        const p = TargetRetention.plan(i)
        const destroyed = new Set(p.destroy.map((d) => d.snapshot))
        const seen: Record<string, number> = {}
        for (let k = i.snapshots.length - 1; k >= 0; k--) {
          const s = i.snapshots[k]!
          const name = parse(s)
          if (name === undefined) {
            expect(destroyed.has(s)).toBe(false)
            continue
          }
          const rank = (seen[name.type] ?? 0) + 1
          seen[name.type] = rank
          const count = i.retention[name.type as keyof typeof i.retention]
          if (rank <= count) expect(destroyed.has(s)).toBe(false)
          if (bare) expect(destroyed.has(s)).toBe(rank > count && k !== i.snapshots.length - 1)
        }
        if (bare && destroyed.size > 0) pruned++
      }),
      runs(2000),
    )
    expect(pruned).toBeGreaterThan(0)
  })

  it('holds only forbid: with the holds of the destroys planned on no holds, the same destroys as with all', () => {
    // The runner reads holds of those candidates only (TargetPruner); this is why that is enough.
    let held = 0
    fc.assert(
      fc.property(inputArb, (i) => {
        if (i.holds._tag !== 'Known') return
        const all = i.holds.bySnapshot
        const none = TargetRetention.plan({ ...i, holds: { _tag: 'Known', bySnapshot: new Map() } })
        const candidates = new Map(
          none.destroy.flatMap((d) => (all.has(d.snapshot) ? [[d.snapshot, all.get(d.snapshot)!]] : [])),
        )
        if (candidates.size > 0) held++
        const some = TargetRetention.plan({ ...i, holds: { _tag: 'Known', bySnapshot: candidates } })
        expect(some.destroy).toEqual(TargetRetention.plan(i).destroy)
      }),
      runs(2000),
    )
    expect(held).toBeGreaterThan(0)
  })

  it('a name from the future is never destroyed, whatever its rank', () => {
    fc.assert(
      fc.property(snapshotTypeArb, fc.integer({ min: 1, max: 6 }), (type, older) => {
        const now = Date.UTC(2026, 10, 27, 12, 0)
        const future = `${type}_backup_2031-01-01-00-00`
        const list = [
          future,
          ...Array.from({ length: older }, (_, k) => `${type}_backup_2026-11-27-0${k}-00`),
        ]
        const p = TargetRetention.plan({
          now,
          policy: { backupIntervalSeconds: 600 },
          remoteHost: 'nas',
          remoteDataset: 'backup/data',
          retention: { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
          snapshots: list,
          holds: { _tag: 'Known', bySnapshot: new Map() },
          source: [],
          bases: [],
          inFlight: [],
        })
        expect(p.destroy.map((d) => d.snapshot)).not.toContain(future)
        expect(p.destroy).toHaveLength(older - 1)
      }),
      runs(200),
    )
  })
})
