/**
 * Retention over recursive trees (issue 11): random trees whose descendants share the root's `-r` names
 * (joined late, some names destroyed by hand), with foreign snapshots, holds on some descendants'
 * snapshots and migrations in flight on some. After every descendant's plan is carried out, each keeps
 * exactly what the policy selects plus what is protected; the oracle is written from the rules, with a
 * regex for our names, not with the core's parser or ranks.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { DatasetObservation, HoldsObservation } from '../src/index.js'
import { TreeMember } from '../src/index.js'
import type { Retention, SnapshotType } from '../src/SnapshotType.js'
import { applyPlan, foreignNameArb, snapshotListArb, snapshotTypeArb } from '../src/testing/index.js'
import { runs } from './runs.js'

const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/

/** Our exact pattern and a real calendar minute (2026-02-30 is not ours). */
const ourType = (name: string): SnapshotType | undefined => {
  const m = OURS.exec(name)
  if (m === null) return undefined
  const [y, mo, d, h, mi] = m.slice(2).map(Number) as [number, number, number, number, number]
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi))
  const real =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi
  return real ? (m[1] as SnapshotType) : undefined
}

interface Member {
  readonly dataset: string
  readonly observed: DatasetObservation
}

interface Tree {
  readonly retention: Retention
  readonly members: ReadonlyArray<Member>
  readonly created: SnapshotType | undefined
}

const retentionArb: fc.Arbitrary<Retention> = fc.record({
  frequent: fc.integer({ min: 0, max: 4 }),
  hourly: fc.integer({ min: 0, max: 3 }),
  daily: fc.integer({ min: 0, max: 3 }),
  weekly: fc.integer({ min: 0, max: 2 }),
  monthly: fc.integer({ min: 0, max: 2 }),
  yearly: fc.integer({ min: 0, max: 1 }),
})

/** A descendant's listing: a suffix of the tree's names (joined late), some dropped, foreign ones mixed in. */
const memberArb = (history: ReadonlyArray<string>, k: number): fc.Arbitrary<Member> =>
  fc
    .tuple(
      fc.nat({ max: history.length }),
      fc.array(fc.boolean(), { minLength: history.length, maxLength: history.length }),
      fc.uniqueArray(foreignNameArb, { maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 4 }),
    )
    .chain(([joined, dropped, foreign, at]) => {
      const names = history.slice(joined).filter((_, i) => !dropped[i + joined])
      const snapshots = [...names]
      foreign
        .filter((f) => !snapshots.includes(f))
        .forEach((f, i) => {
          snapshots.splice((at[i] ?? 0) % (snapshots.length + 1), 0, f)
        })
      const holds: fc.Arbitrary<HoldsObservation> = fc.oneof(
        { weight: 8, arbitrary: knownHolds(snapshots) },
        { weight: 1, arbitrary: fc.constant({ _tag: 'Unknown', why: 'test' } as const) },
      )
      return fc.record({
        dataset: fc.constant(`tank/data/c${k}`),
        observed: fc.record({
          snapshots: fc.constant(snapshots),
          holds,
          inFlight: fc.oneof(
            { weight: 6, arbitrary: fc.constant([]) },
            {
              weight: 1,
              arbitrary: fc.constant([
                { taskId: `t${k}`, remoteHost: 'nas', remoteDataset: 'b', status: 'running' as const },
              ]),
            },
          ),
          failures: fc.constant([]),
        }),
      })
    })

const knownHolds = (snapshots: ReadonlyArray<string>): fc.Arbitrary<HoldsObservation> =>
  snapshots.length === 0
    ? fc.constant({ _tag: 'Known', bySnapshot: new Map() })
    : fc
        .uniqueArray(fc.constantFrom(...snapshots), { maxLength: 4 })
        .map((held) => ({ _tag: 'Known', bySnapshot: new Map(held.map((s) => [s, ['keep']])) }))

const treeArb: fc.Arbitrary<Tree> = fc
  .tuple(
    snapshotListArb({ maxLength: 30 }).map((l) => l.filter((n) => ourType(n) !== undefined)),
    fc.integer({ min: 1, max: 5 }),
    retentionArb,
    fc.option(snapshotTypeArb, { nil: undefined }),
  )
  .chain(([history, k, retention, created]) =>
    fc
      .tuple(...Array.from({ length: k }, (_, i) => memberArb(history, i)))
      .map((members) => ({ retention, members, created })),
  )

/** What must survive on one descendant, from the rules alone. */
const expectedKept = (tree: Tree, m: Member): ReadonlyArray<string> => {
  const { snapshots, holds, inFlight } = m.observed
  if (holds._tag === 'Unknown' || inFlight.length > 0) return snapshots
  const seen: Record<string, number> = {}
  if (tree.created !== undefined) seen[tree.created] = 1
  const keep = new Set<string>()
  for (let i = snapshots.length - 1; i >= 0; i--) {
    const s = snapshots[i]!
    const type = ourType(s)
    if (type === undefined) keep.add(s)
    else {
      seen[type] = (seen[type] ?? 0) + 1
      if (seen[type]! <= tree.retention[type]) keep.add(s)
    }
    if ((holds.bySnapshot.get(s) ?? []).length > 0) keep.add(s)
  }
  const newest = snapshots.at(-1)
  if (tree.created === undefined && newest !== undefined) keep.add(newest)
  return snapshots.filter((s) => keep.has(s))
}

describe('retention over recursive trees', () => {
  it('after the plans, every descendant keeps exactly what the policy selects plus what is protected', () => {
    let prunedDespiteHoldElsewhere = 0
    let destroyedSome = 0
    fc.assert(
      fc.property(treeArb, (tree) => {
        const destroyedBy = new Map<string, Set<string>>()
        for (const m of tree.members) {
          const plan = TreeMember.plan({
            dataset: m.dataset,
            retention: tree.retention,
            observed: m.observed,
            created: tree.created,
          })
          for (const a of plan.actions) {
            expect(a._tag).toBe('DestroySnapshot')
            expect(a.dataset).toBe(m.dataset)
          }
          const after = applyPlan(m.observed, plan).snapshots
          expect(after).toEqual(expectedKept(tree, m))
          const gone = new Set(m.observed.snapshots.filter((s) => !after.includes(s)))
          destroyedBy.set(m.dataset, gone)
          if (gone.size > 0) destroyedSome++
        }
        // A hold on one descendant's snapshot protects that one only.
        for (const m of tree.members) {
          if (m.observed.holds._tag !== 'Known') continue
          for (const [s] of m.observed.holds.bySnapshot)
            for (const other of tree.members)
              if (other !== m && destroyedBy.get(other.dataset)?.has(s)) prunedDespiteHoldElsewhere++
        }
      }),
      runs(1500),
    )
    // Not vacuous: retention destroyed, and a name held on one descendant was pruned on another.
    expect(destroyedSome).toBeGreaterThan(0)
    expect(prunedDespiteHoldElsewhere).toBeGreaterThan(0)
  })

  it('never destroys a held snapshot, a foreign one or the newest, and nothing at all while a migration may send', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        for (const m of tree.members) {
          const { snapshots, holds, inFlight } = m.observed
          const destroyed = TreeMember.plan({
            dataset: m.dataset,
            retention: tree.retention,
            observed: m.observed,
            created: tree.created,
          }).actions.map((a) => a.snapshot)
          for (const s of destroyed) {
            expect(snapshots).toContain(s)
            expect(ourType(s)).toBeDefined()
            expect(holds._tag === 'Known' && (holds.bySnapshot.get(s) ?? []).length === 0).toBe(true)
            if (tree.created === undefined) expect(s).not.toBe(snapshots.at(-1))
          }
          if (inFlight.length > 0 || holds._tag === 'Unknown') expect(destroyed).toEqual([])
        }
      }),
      runs(1500),
    )
  })
})

describe('TreeMember.plan', () => {
  const names = [
    'frequent_backup_2026-01-01-00-00',
    'frequent_backup_2026-01-01-00-15',
    'frequent_backup_2026-01-01-00-30',
  ]
  const retention: Retention = { frequent: 1, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }
  const observed = (held: ReadonlyArray<string>): DatasetObservation => ({
    snapshots: names,
    holds: { _tag: 'Known', bySnapshot: new Map(held.map((s) => [s, ['keep']])) },
    inFlight: [],
    failures: [],
  })
  const destroyed = (o: DatasetObservation, created?: SnapshotType) =>
    TreeMember.plan({ dataset: 'tank/a/b', retention, observed: o, created }).actions.map((a) => a.snapshot)

  it('a name held on one descendant is still pruned on another', () => {
    expect(destroyed(observed([names[0]!]))).toEqual([names[1]])
    expect(destroyed(observed([]))).toEqual([names[0], names[1]])
  })

  it('the snapshot the root created this cycle takes rank 1: the listed newest goes too', () => {
    expect(destroyed(observed([]), 'frequent')).toEqual(names)
  })
})
