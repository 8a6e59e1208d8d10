/**
 * Retention on a descendant of a recursive tree (`recursive: true`; docs/core-planning.md, "Trees"). The tree's root takes
 * one atomic `zfs snapshot -r`, so every descendant gets the same names; each descendant is then pruned on
 * its own listing with the tree's counts and the root's guarantees (`Retention.apply`): only our exact names,
 * never a held one, never its newest, never inside the range of a migration in flight. A hold on one
 * descendant's snapshot protects that snapshot only: the same name elsewhere is pruned by its own listing.
 *
 * A descendant's plan never creates (the root's `-r` does), never holds or releases and never syncs: a
 * replicated tree is sent by its root (`zfs send -R -I <base>`), and the root's base holds are placed and
 * released with `-r`. Any migration in flight that may send from it (its own, or a recursive one of an
 * ancestor) protects all of its snapshots: its range is unknown here.
 *
 * The root's replication bases (`RootBases`) are never destroyed here either: `-R -I <base>` sends each
 * descendant from the same name, and one without it would be sent in full onto a backup that has it
 * already. The root's recursive hold protects them in ZFS, but the plan must not count on it: the hold
 * placed in the root's plan of this very cycle is not observed yet, and it may fail. When the root's bases
 * are unknown (its holds unknown, or it was not planned), a descendant of a replicated tree destroys
 * nothing.
 *
 * Cost: O(snapshots + hold tags + root bases).
 *
 * @since 0.1.0
 */
import type { DestinationKey } from './BaseTag.js'
import type { DatasetObservation, HoldsObservation } from './Observation.js'
import type { Plan } from './Plan.js'
import type { DatasetPolicy } from './Policy.js'
import * as Retention from './Retention.js'
import * as SnapshotName from './SnapshotName.js'
import type { Retention as Counts, SnapshotType } from './SnapshotType.js'

export interface TreeMemberInput {
  /** The descendant's full name, e.g. `tank/data/home`. */
  readonly dataset: string
  /** The tree's counts (all 0 for an excluded descendant: it keeps none beyond what is protected). */
  readonly retention: Counts
  readonly observed: Pick<DatasetObservation, 'snapshots' | 'holds' | 'inFlight'>
  /**
   * Type of the snapshot the root's `-r` create made *this cycle* (confirmed by the API), absent otherwise.
   * It exists on the descendant though its listing, read before, does not show it: it takes rank 1 of
   * its type and is the newest. Never pass a create that may have failed: the listed newest would lose
   * its protection.
   */
  readonly created?: SnapshotType | undefined
  /** The tree root's replication bases (`rootBasesOf`); absent: none (a tree without destinations). */
  readonly rootBases?: RootBases
}

/**
 * The names a tree's root keeps as some destination's replication base, or is about to hold as one in
 * its plan, with whose; `Unknown` when they cannot be known this cycle.
 */
export type RootBases =
  | { readonly _tag: 'Known'; readonly byName: ReadonlyMap<string, ReadonlyArray<DestinationKey>> }
  | { readonly _tag: 'Unknown'; readonly why: string }

/**
 * The root's bases as its plan of this cycle sees them: every `ReplicationBase` it keeps (observed with
 * the base tag, or getting it in this plan). None for a root without destinations; `Unknown` when the
 * root was not planned, or planned on unknown holds or an invalid zone (its plan names no base then).
 * Cost: O(root's decisions).
 */
export const rootBasesOf = (root: {
  readonly policy: Pick<DatasetPolicy, 'destinations'>
  readonly plan: Plan | undefined
  readonly holds: HoldsObservation | undefined
}): RootBases => {
  if (root.policy.destinations.length === 0) return { _tag: 'Known', byName: new Map() }
  if (root.plan === undefined || root.holds === undefined)
    return {
      _tag: 'Unknown',
      why: "the tree's root was not planned this cycle: its replication bases are unknown",
    }
  if (root.holds._tag === 'Unknown')
    return { _tag: 'Unknown', why: `the tree's root's replication bases are unknown (${root.holds.why})` }
  if (root.plan.decisions.some((d) => d._tag === 'NoSnapshot' && d.reason._tag === 'InvalidZone'))
    return { _tag: 'Unknown', why: "the tree's root could not be planned (invalid zone)" }
  const byName = new Map<string, DestinationKey[]>()
  const add = (name: string, d: DestinationKey) => {
    const list = byName.get(name) ?? []
    if (!list.some((x) => x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset))
      list.push({ remoteHost: d.remoteHost, remoteDataset: d.remoteDataset })
    byName.set(name, list)
  }
  for (const d of root.plan.decisions)
    if (d._tag === 'Keep') for (const r of d.reasons) if (r._tag === 'ReplicationBase') add(d.snapshot, r)
  // Already among the keeps (the plan protects the base it places); listed again so no plan shape can lose it.
  for (const a of root.plan.actions) if (a._tag === 'HoldSnapshot') add(a.snapshot, a)
  return { _tag: 'Known', byName }
}

/** Destroys and keeps for one descendant; actions are `DestroySnapshot` only. */
export const plan = (input: TreeMemberInput): Plan => {
  const { dataset, observed } = input
  const { snapshots } = observed
  const root = input.rootBases
  const bases = new Map<number, ReadonlyArray<DestinationKey>>()
  if (root?._tag === 'Known' && root.byName.size > 0)
    snapshots.forEach((s, i) => {
      const whose = root.byName.get(s)
      if (whose !== undefined) bases.set(i, whose)
    })
  const result = Retention.apply({
    dataset,
    snapshots,
    parsed: SnapshotName.parseList(snapshots),
    retention: input.retention,
    holds: root?._tag === 'Unknown' ? root : Retention.heldByIndex(snapshots, observed.holds),
    bases,
    // No base of a descendant is known (no sync tags of its own): each migration protects everything.
    inFlight: observed.inFlight.map((m) => ({ taskId: m.taskId, fromIndex: 0 })),
    created: input.created,
  })
  return { dataset, actions: [...result.destroy], decisions: [...result.keep] }
}
