import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Action, NextDue, type PlanInput, planDataset, SnapshotName } from '../src/index.js'
import { applyPlan, planInputArb } from '../src/testing/index.js'
import { runs } from './runs.js'

/** Actions without their reasons (whose elapsed seconds count up with `now`). */
const actionsOf = (i: PlanInput, now: number) =>
  planDataset({ ...i, now }).actions.map(({ reason: _, ...a }: Action) => a)

/** Instants in (now, due): just after now, just before due, and random ones between (due capped at 40 days). */
const instantsBefore = (now: number, due: number, fractions: ReadonlyArray<number>): number[] => {
  const end = Math.min(due, now + 40 * 86_400_000)
  const out = [now + 1, end - 1, ...fractions.map((f) => now + 1 + Math.floor(f * (end - now - 2)))]
  return out.filter((t) => t > now && t < due)
}

/**
 * Inputs whose `now` sits near what makes a plan change: a name time (names from the future, the clock
 * behind), a back-off about to end, syncs enabled to enabled destinations.
 */
const edgyInputArb = planInputArb().chain((i) => {
  const anchors = [i.now, ...i.observed.snapshots.flatMap((s) => SnapshotName.parseOrUndefined(s)?.at ?? [])]
  return fc
    .tuple(
      fc.constantFrom(...anchors),
      fc.integer({ min: -4 * 3_600_000, max: 3 * 3_600_000 }),
      fc.array(fc.integer({ min: 0, max: 6 * 3_600_000 }), { minLength: 3, maxLength: 3 }),
    )
    .map(([anchor, delta, ago]): PlanInput => {
      const now = anchor + delta
      return {
        ...i,
        now,
        policy: { ...i.policy, remoteSync: { ...i.policy.remoteSync, enabled: true } },
        dataset: { ...i.dataset, destinations: i.dataset.destinations.map((d) => ({ ...d, enabled: true })) },
        observed: {
          ...i.observed,
          failures: i.observed.failures.map((f, k) => ({ ...f, lastFailureAt: now - ago[k % 3]! })),
        },
      }
    })
})

const fractionsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 })

describe('NextDue properties', () => {
  it('is after now, and planning at any instant before it gives the same actions as at now', () => {
    fc.assert(
      fc.property(planInputArb(), fractionsArb, (input, fractions) => {
        const due = NextDue.nextDue(input)
        expect(due.at).toBeGreaterThan(input.now)
        expect(due.cause === undefined).toBe(due.at === Number.POSITIVE_INFINITY)
        const atNow = actionsOf(input, input.now)
        for (const t of instantsBefore(input.now, due.at, fractions))
          expect(actionsOf(input, t), `${new Date(t).toISOString()} before ${due.at}`).toEqual(atNow)
      }),
      runs(400),
    )
  })

  it('the same near name times, back-off ends and sync due times', () => {
    fc.assert(
      fc.property(edgyInputArb, fractionsArb, (input, fractions) => {
        const due = NextDue.nextDue(input)
        expect(due.at).toBeGreaterThan(input.now)
        const atNow = actionsOf(input, input.now)
        for (const t of instantsBefore(input.now, due.at, fractions))
          expect(actionsOf(input, t), `${new Date(t).toISOString()} before ${due.at}`).toEqual(atNow)
      }),
      runs(400),
    )
  })

  it('after the plan is carried out: nothing is missed by sleeping until it (the daemon’s use)', () => {
    fc.assert(
      fc.property(planInputArb(), fractionsArb, (input, fractions) => {
        const after = { ...input, observed: applyPlan(input.observed, planDataset(input)) }
        const due = NextDue.nextDue(after)
        const atNow = actionsOf(after, after.now)
        for (const t of instantsBefore(after.now, due.at, fractions))
          expect(actionsOf(after, t), new Date(t).toISOString()).toEqual(atNow)
      }),
      runs(300),
    )
  })

  it('is exact for snapshots in the common case: at the instant a snapshot is due, a create is planned', () => {
    // Windows always open, no names from the future, whole-hour zones: no conservative rule applies.
    const open = { days: '1111111', hours: '1'.repeat(24) }
    const arb = planInputArb({ zone: fc.constantFrom('UTC', 'Europe/Vienna', 'America/New_York') })
      .map((i) => ({
        ...i,
        policy: { ...i.policy, snapshotWindow: open, remoteSync: { ...i.policy.remoteSync, window: open } },
      }))
      .map((i) => ({ ...i, observed: applyPlan(i.observed, planDataset(i)) }))
    fc.assert(
      fc.property(arb, (input) => {
        const due = NextDue.nextDue(input)
        fc.pre(due.cause?._tag === 'Snapshot')
        // With hourly and daily off, weekly…yearly wake at every day start (early by design).
        const r = input.policy.retention
        fc.pre(r.hourly > 0 || r.daily > 0 || r.weekly + r.monthly + r.yearly === 0)
        const before = planDataset({ ...input, now: due.at - 1 })
        const at = planDataset({ ...input, now: due.at })
        expect(before.actions.some((a) => a._tag === 'CreateSnapshot')).toBe(false)
        // Early by design (see NextDue's header): the clock behind wakes at the newest's name time; and a
        // name that exists already (ours or foreign) is not created.
        const early = [...before.decisions, ...at.decisions].some(
          (d) =>
            d._tag === 'NoSnapshot' && (d.reason._tag === 'ClockBehind' || d.reason._tag === 'NameExists'),
        )
        if (!early) expect(at.actions.some((a) => a._tag === 'CreateSnapshot')).toBe(true)
      }),
      runs(300),
    )
  })
})
