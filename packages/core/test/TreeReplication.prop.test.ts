/**
 * A replicated recursive tree (issue 11): the root is planned by the planner (recursive base holds, `-R`
 * syncs), each descendant by `TreeMember` with the root's bases (`rootBasesOf`), cycle after cycle, and
 * the plans are applied the way ZFS would take them: `-r` creates on every descendant, `zfs hold -r` /
 * `zfs release -r` all or nothing on every descendant that has the name, destroys refused on held
 * snapshots. Random evidence (sent or verified, of any listed snapshot), root holds sometimes unknown,
 * root base holds that sometimes fail, descendants joining late, user holds on descendants, and
 * descendants whose own view of their holds misses our base tags (a stale cache).
 *
 * Property: no descendant's plan ever destroys a name that carries a base tag on the root before the cycle
 * or gets one in it; so every descendant keeps, cycle after cycle, each name that is a base of the root;
 * and the root's base tag sits on that name on every descendant that has it (the holds are recursive).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type ArrivalEvidence,
  BaseTag,
  type DatasetObservation,
  type DatasetPolicy,
  makePlanner,
  type Plan,
  type Policy,
  TreeMember,
} from '../src/index.js'
import { runs } from './runs.js'

const ROOT = 'tank/data'
const DEST = { remoteHost: 'nas', remoteDataset: 'backup/data' } as const
const TAG = BaseTag.of(DEST)
const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1)

/** One dataset as ZFS has it: names in creation order, tags per name. */
interface Ds {
  snapshots: string[]
  holds: Map<string, string[]>
}

interface Step {
  readonly minutes: number
  /** Index into the root's listing (modulo its length) and whether it was verified; null: no evidence. */
  readonly evidence: { readonly at: number; readonly verified: boolean } | null
  readonly rootHoldsUnknown: boolean
  readonly holdFails: boolean
  readonly newChild: boolean
  /** A user hold on a descendant's snapshot (indices modulo), or null. */
  readonly userHold: { readonly child: number; readonly at: number } | null
  /** Each descendant's view of its own holds lacks our base tags (a cache that never saw the `-r` hold). */
  readonly staleChildren: boolean
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  minutes: fc.constantFrom(10, 20, 30, 60, 120, 300),
  evidence: fc.option(fc.record({ at: fc.nat(), verified: fc.boolean() }), { freq: 2 }),
  rootHoldsUnknown: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  holdFails: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  newChild: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  userHold: fc.option(fc.record({ child: fc.nat(), at: fc.nat() }), { freq: 4 }),
  staleChildren: fc.boolean(),
})

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    frequent: fc.integer({ min: 1, max: 3 }),
    hourly: fc.integer({ min: 0, max: 2 }),
    daily: fc.integer({ min: 0, max: 1 }),
  })
  .map((r) => ({
    backupIntervalSeconds: 600,
    snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
    retention: { ...r, weekly: 0, monthly: 0, yearly: 0 },
    remoteSync: {
      enabled: true,
      intervalSeconds: 3600,
      window: { days: '1111111', hours: '1'.repeat(24) },
    },
  }))

const tree: DatasetPolicy = {
  dataset: ROOT,
  recursive: true,
  destinations: [{ ...DEST, enabled: true }],
}

const observe = (d: Ds, dropBaseTags = false): DatasetObservation => ({
  snapshots: [...d.snapshots],
  holds: {
    _tag: 'Known',
    bySnapshot: new Map(
      [...d.holds]
        .map(
          ([s, tags]) => [s, dropBaseTags ? tags.filter((t) => !BaseTag.isBaseTag(t)) : [...tags]] as const,
        )
        .filter(([, tags]) => tags.length > 0),
    ),
  },
  inFlight: [],
  failures: [],
})

const tagsOf = (d: Ds, s: string): ReadonlyArray<string> => d.holds.get(s) ?? []
const baseNames = (root: Ds): ReadonlySet<string> =>
  new Set(root.snapshots.filter((s) => tagsOf(root, s).includes(TAG)))

/** `zfs hold [-r]`: all or nothing over the datasets that have the name; a tag there already refuses all. */
const zfsHold = (targets: ReadonlyArray<Ds>, s: string, tag: string): boolean => {
  const having = targets.filter((d) => d.snapshots.includes(s))
  if (having.length === 0 || having.some((d) => tagsOf(d, s).includes(tag))) return false
  for (const d of having) d.holds.set(s, [...tagsOf(d, s), tag])
  return true
}

/** `zfs release [-r]`: all or nothing; one without the tag refuses all. */
const zfsRelease = (targets: ReadonlyArray<Ds>, s: string, tag: string): boolean => {
  const having = targets.filter((d) => d.snapshots.includes(s))
  if (having.length === 0 || having.some((d) => !tagsOf(d, s).includes(tag))) return false
  for (const d of having)
    d.holds.set(
      s,
      tagsOf(d, s).filter((t) => t !== tag),
    )
  return true
}

/** `zfs destroy ds@s`: refused while held. */
const zfsDestroy = (d: Ds, s: string): void => {
  if (tagsOf(d, s).length > 0 || !d.snapshots.includes(s)) return
  d.snapshots = d.snapshots.filter((x) => x !== s)
  d.holds.delete(s)
}

/** Base names a descendant plan would have destroyed without the root's bases (non-vacuity). */
let wouldHaveLost = 0
let descendantDestroys = 0

describe('a replicated recursive tree', () => {
  it('no descendant ever loses the snapshot that carries (or is about to carry) the root’s base tag', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 3 }),
        fc.array(stepArb, { minLength: 4, maxLength: 24 }),
        (policy, k, steps) => {
          const planner = makePlanner()
          const root: Ds = { snapshots: [], holds: new Map() }
          const children: Ds[] = Array.from({ length: k }, () => ({ snapshots: [], holds: new Map() }))
          let now = T0
          for (const step of steps) {
            now += step.minutes * MIN
            if (step.newChild) children.push({ snapshots: [], holds: new Map() })
            if (step.userHold !== null && children.length > 0) {
              const c = children[step.userHold.child % children.length]!
              const s = c.snapshots[step.userHold.at % Math.max(1, c.snapshots.length)]
              if (s !== undefined && !tagsOf(c, s).includes('keep')) c.holds.set(s, [...tagsOf(c, s), 'keep'])
            }
            const listed = root.snapshots
            const evidence: ReadonlyArray<ArrivalEvidence> =
              step.evidence === null || listed.length === 0
                ? []
                : [
                    step.evidence.verified
                      ? {
                          _tag: 'Arrived',
                          ...DEST,
                          snapshot: listed[step.evidence.at % listed.length]!,
                          guid: '1',
                        }
                      : { _tag: 'Sent', ...DEST, snapshot: listed[step.evidence.at % listed.length]! },
                  ]
            const rootObserved: DatasetObservation = step.rootHoldsUnknown
              ? { ...observe(root), holds: { _tag: 'Unknown', why: 'test' }, evidence }
              : { ...observe(root), evidence }
            const childViews = children.map((c) => observe(c, step.staleChildren))
            const basesBefore = baseNames(root)

            const plan: Plan = planner({ now, zone: 'UTC', policy, dataset: tree, observed: rootObserved })
            const rootBases = TreeMember.rootBasesOf({ policy: tree, plan, holds: rootObserved.holds })

            // Create (-r: every descendant, all at once).
            const create = plan.actions.find((a) => a._tag === 'CreateSnapshot')
            if (create?._tag === 'CreateSnapshot') {
              expect(create.recursive).toBe(true)
              for (const d of [root, ...children]) d.snapshots.push(create.snapshot)
            }
            // The descendants' plans, made on what was read before the cycle (as the runner does).
            const memberPlans = childViews.map((view, i) =>
              TreeMember.plan({
                dataset: `${ROOT}/c${i}`,
                retention: policy.retention,
                observed: view,
                created: create?._tag === 'CreateSnapshot' ? create.type : undefined,
                rootBases,
              }),
            )
            // Holds, then releases (skipped for a tag whose hold failed), as the runner orders them.
            const failedHold = new Set<string>()
            const placed = new Set<string>()
            for (const a of plan.actions) {
              if (a._tag !== 'HoldSnapshot') continue
              expect(a.recursive).toBe(true)
              placed.add(a.snapshot)
              if (step.holdFails || !zfsHold([root, ...children], a.snapshot, a.tag)) failedHold.add(a.tag)
            }
            for (const a of plan.actions) {
              if (a._tag !== 'ReleaseHold' || failedHold.has(a.tag)) continue
              if (BaseTag.isBaseTag(a.tag)) {
                expect(a.recursive).toBe(true)
                zfsRelease([root, ...children], a.snapshot, a.tag)
              } else zfsRelease([root], a.snapshot, a.tag)
            }
            // Destroys: the root's, then every descendant's.
            for (const a of plan.actions) if (a._tag === 'DestroySnapshot') zfsDestroy(root, a.snapshot)
            memberPlans.forEach((p, i) => {
              const without = TreeMember.plan({
                dataset: `${ROOT}/c${i}`,
                retention: policy.retention,
                observed: childViews[i]!,
                created: create?._tag === 'CreateSnapshot' ? create.type : undefined,
              })
              for (const a of without.actions)
                if (a._tag === 'DestroySnapshot' && (basesBefore.has(a.snapshot) || placed.has(a.snapshot)))
                  wouldHaveLost += 1
              for (const a of p.actions) {
                if (a._tag !== 'DestroySnapshot') continue
                descendantDestroys += 1
                expect(basesBefore.has(a.snapshot), `${a.snapshot} was a base`).toBe(false)
                expect(placed.has(a.snapshot), `${a.snapshot} is getting the base hold`).toBe(false)
                zfsDestroy(children[i]!, a.snapshot)
              }
            })

            // Every base of the root is on every descendant that had it, with the tag on it there.
            for (const s of baseNames(root))
              for (const [i, c] of children.entries()) {
                if (childViews[i]!.snapshots.includes(s) || create?.snapshot === s)
                  expect(c.snapshots, `c${i} lost base ${s}`).toContain(s)
                if (c.snapshots.includes(s)) expect(tagsOf(c, s), `c${i}@${s}`).toContain(TAG)
              }
          }
        },
      ),
      runs(200),
    )
    expect(descendantDestroys).toBeGreaterThan(0)
    // Without the root's bases, descendants' plans would have destroyed some (the property can fail).
    expect(wouldHaveLost).toBeGreaterThan(0)
  })

  it('rootBasesOf: none without destinations; unknown when the root was not planned or its holds are unknown', () => {
    const noDest = { ...tree, destinations: [] }
    expect(TreeMember.rootBasesOf({ policy: noDest, plan: undefined, holds: undefined })).toEqual({
      _tag: 'Known',
      byName: new Map(),
    })
    expect(TreeMember.rootBasesOf({ policy: tree, plan: undefined, holds: undefined })._tag).toBe('Unknown')
    const plan: Plan = { dataset: ROOT, actions: [], decisions: [] }
    expect(TreeMember.rootBasesOf({ policy: tree, plan, holds: { _tag: 'Unknown', why: 'x' } })._tag).toBe(
      'Unknown',
    )
    // A descendant of a tree whose bases are unknown destroys nothing, and says why.
    const p = TreeMember.plan({
      dataset: `${ROOT}/a`,
      retention: { frequent: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
      observed: {
        snapshots: ['frequent_backup_2026-03-01-00-00', 'frequent_backup_2026-03-01-00-10'],
        holds: { _tag: 'Known', bySnapshot: new Map() },
        inFlight: [],
      },
      rootBases: { _tag: 'Unknown', why: 'root unknown' },
    })
    expect(p.actions).toEqual([])
    expect(p.decisions[0]).toEqual({
      _tag: 'Keep',
      snapshot: 'frequent_backup_2026-03-01-00-00',
      reasons: [{ _tag: 'HoldsUnknown', why: 'root unknown' }],
    })
  })
})
