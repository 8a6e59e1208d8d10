/**
 * Retention on a descendant of a recursive tree (`recursive: true`; docs/core-planning.md, "Trees"). The tree's root takes
 * one atomic `zfs snapshot -r`, so every descendant gets the same names; each descendant is then pruned on
 * its own listing with the tree's counts and the root's guarantees (`Retention.apply`): only our exact names,
 * never a held one, never its newest, never inside the range of a migration in flight. A hold on one
 * descendant's snapshot protects that snapshot only: the same name elsewhere is pruned by its own listing.
 *
 * A descendant's plan never creates (the root's `-r` does), never holds or releases and never syncs (trees
 * are not replicated: the API's sync holds are not recursive). Any migration in flight that may send from
 * it (its own, or a recursive one of an ancestor) protects all of its snapshots: its range is unknown here.
 *
 * Cost: O(snapshots + hold tags).
 *
 * @since 0.1.0
 */
import type { DatasetObservation } from './Observation.js'
import type { Plan } from './Plan.js'
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
}

/** Destroys and keeps for one descendant; actions are `DestroySnapshot` only. */
export const plan = (input: TreeMemberInput): Plan => {
  const { dataset, observed } = input
  const { snapshots } = observed
  const result = Retention.apply({
    dataset,
    snapshots,
    parsed: SnapshotName.parseList(snapshots),
    retention: input.retention,
    holds: Retention.heldByIndex(snapshots, observed.holds),
    // No base of a descendant is known (no sync tags of its own): each migration protects everything.
    inFlight: observed.inFlight.map((m) => ({ taskId: m.taskId, fromIndex: 0 })),
    created: input.created,
  })
  return { dataset, actions: [...result.destroy], decisions: [...result.keep] }
}
