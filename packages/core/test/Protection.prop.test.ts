import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type PlanInput, planDataset } from '../src/index.js'
import { planInputArb } from '../src/testing/index.js'
import { runs } from './runs.js'

// Oracle written from decisions §7 and §8 as amended (docs/core-decisions.md), with regexes, not the parsers.
const syncHost = (tag: string): string | undefined =>
  /^sync_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}(?:-\d{2})?_(.+)$/.exec(tag)?.[1]

const tagsOf = (i: PlanInput, s: string): ReadonlyArray<string> =>
  i.observed.holds._tag === 'Known' ? (i.observed.holds.bySnapshot.get(s) ?? []) : []

/** Index of the host's current base, or `undefined` with none. */
const baseIndex = (i: PlanInput, host: string): number | undefined => {
  const snaps = i.observed.snapshots
  for (let k = snaps.length - 1; k >= 0; k--)
    if (tagsOf(i, snaps[k]!).some((t) => syncHost(t) === host)) return k
  return undefined
}

/** The oldest snapshot carrying the destination's own base hold (§15, readable form), or -1. */
const ownBaseIndex = (i: PlanInput, m: { remoteHost: string; remoteDataset: string }): number =>
  i.observed.snapshots.findIndex((s) =>
    tagsOf(i, s).includes(`autobackup-base@${m.remoteHost}@${m.remoteDataset}`),
  )

/**
 * The lowest index a migration protects: min(its start base, the current base), or 0 when either is
 * unknown. The current base is the destination's own base hold, else the host's sync base.
 */
const protectedFrom = (i: PlanInput, m: PlanInput['observed']['inFlight'][number]): number => {
  const start = typeof m.baseAtStart === 'string' ? i.observed.snapshots.indexOf(m.baseAtStart) : -1
  const own = ownBaseIndex(i, m)
  const base = own >= 0 ? own : baseIndex(i, m.remoteHost)
  return start < 0 || base === undefined ? 0 : Math.min(start, base)
}

const destroyedIndexes = (i: PlanInput): ReadonlyArray<number> =>
  planDataset(i)
    .actions.filter((a) => a._tag === 'DestroySnapshot')
    .map((a) => i.observed.snapshots.indexOf(a.snapshot))

/** Inputs where retention has something to destroy and migrations are in flight. */
const busyInputArb = planInputArb({ maxLength: 40 }).filter((i) => i.observed.inFlight.length > 0)

describe('in-flight protection (decisions §8 as amended)', () => {
  it('destroys no snapshot at or after min(base at start, current base) of any in-flight migration', () => {
    let destroyedSome = 0
    fc.assert(
      fc.property(busyInputArb, (i) => {
        const lo = Math.min(...i.observed.inFlight.map((m) => protectedFrom(i, m)))
        const destroyed = destroyedIndexes(i)
        for (const k of destroyed) expect(k).toBeLessThan(lo)
        if (destroyed.length > 0) destroyedSome++
      }),
      runs(2000),
    )
    // Not vacuous: some inputs with migrations in flight still destroy below the protected range.
    expect(destroyedSome).toBeGreaterThan(0)
  })

  it('destroys nothing while a migration this runner did not start (no baseAtStart) is in flight', () => {
    let wouldDestroy = 0
    fc.assert(
      fc.property(
        busyInputArb.filter((i) => i.observed.inFlight.some((m) => m.baseAtStart === undefined)),
        (i) => {
          expect(destroyedIndexes(i)).toEqual([])
          if (destroyedIndexes({ ...i, observed: { ...i.observed, inFlight: [] } }).length > 0) wouldDestroy++
        },
      ),
      runs(1000),
    )
    // Not vacuous: without the migration, retention would have destroyed something in many of these inputs.
    expect(wouldDestroy).toBeGreaterThan(0)
  })

  it('destroys nothing while a migration to a shared host, whose destination has no base hold of its own, is in flight', () => {
    const shared = (i: PlanInput, host: string) =>
      new Set(
        [...i.dataset.destinations, ...i.observed.inFlight]
          .filter((d) => d.remoteHost === host)
          .map((d) => d.remoteDataset),
      ).size > 1
    fc.assert(
      fc.property(
        busyInputArb.filter((i) =>
          i.observed.inFlight.some((m) => shared(i, m.remoteHost) && ownBaseIndex(i, m) < 0),
        ),
        (i) => {
          expect(destroyedIndexes(i)).toEqual([])
        },
      ),
      runs(300),
    )
  })
})
