/**
 * Retention on a backup host (core-decisions.md §17): the destination's own snapshots pruned to its counts
 * (`target_retention`), with the source's selection rules (`Retention.apply`: newest N of each type, by
 * list position) and more reasons to keep, because there a destroy can freeze replication for good:
 * - only names of our exact pattern (foreign names are never candidates);
 * - never the destination's newest snapshot;
 * - never its newest snapshot in common with the source (the API starts the next incremental there) nor a
 *   snapshot the source holds as this destination's base (§15);
 * - never a held snapshot, and nothing at all when the holds are unknown;
 * - never a name from the future (§3 as amended): it still takes its rank, as on the source;
 * - nothing a migration to this destination may be receiving against: from the name it started from to
 *   the newest, and everything when that name is unknown or not listed there.
 *
 * Cost: O(destination snapshots + source snapshots + in-flight × kept).
 *
 * @since 0.2.0
 */
import * as Future from './Future.js'
import type { HoldsObservation } from './Observation.js'
import type { KeepReason, TargetDestroy, TargetPlan } from './Plan.js'
import type { Policy } from './Policy.js'
import * as Retention from './Retention.js'
import * as SnapshotName from './SnapshotName.js'
import type { Retention as Counts } from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A migration to this destination in flight, and the source snapshot its incremental started from. */
export interface TargetInFlight {
  readonly taskId: string
  /** The base it started from (`InFlightMigration.baseAtStart`); absent or `null`: unknown. */
  readonly from?: string | null | undefined
}

export interface TargetInput {
  /** Epoch milliseconds. */
  readonly now: number
  /** Names more than `backupIntervalSeconds` after `now` are from the future (`Future.after`). */
  readonly policy: Pick<Policy, 'backupIntervalSeconds'>
  readonly remoteHost: string
  readonly remoteDataset: string
  /** The destination's counts (`target_retention`). */
  readonly retention: Counts
  /** The destination's snapshot names as its API lists them, oldest first. */
  readonly snapshots: ReadonlyArray<string>
  /** The destination's holds; `Unknown` → nothing is destroyed. */
  readonly holds: HoldsObservation
  /** The source's snapshot names: the destination's newest one of these is kept. */
  readonly source: ReadonlyArray<string>
  /** Names the source holds as this destination's base (its base hold, §15). */
  readonly bases: ReadonlyArray<string>
  readonly inFlight: ReadonlyArray<TargetInFlight>
}

// -------------------------------------------------------------------------------------
// planning
// -------------------------------------------------------------------------------------

/** List position of the last of `snapshots` that `source` lists too (the API's common snapshot), or -1. */
export const newestCommonIndex = (
  snapshots: ReadonlyArray<string>,
  source: ReadonlyArray<string>,
): number => {
  const onSource = new Set(source)
  for (let i = snapshots.length - 1; i >= 0; i--) if (onSource.has(snapshots[i]!)) return i
  return -1
}

const newestCommon: ReadonlyArray<KeepReason> = [{ _tag: 'NewestCommon' }]

export const plan = (input: TargetInput): TargetPlan => {
  const { snapshots, remoteHost, remoteDataset } = input
  const parsed = SnapshotName.parseList(snapshots)
  const futureAfter = Future.after(input.policy, input.now)
  let indexOf: Map<string, number> | undefined
  const find = (name: string): number | undefined => {
    if (indexOf === undefined) indexOf = new Map(snapshots.map((s, i) => [s, i]))
    return indexOf.get(name)
  }

  const pinned = new Map<number, KeepReason[]>()
  const pin = (i: number, r: ReadonlyArray<KeepReason>) => {
    const list = pinned.get(i)
    if (list === undefined) pinned.set(i, [...r])
    else list.push(...r)
  }
  const common = newestCommonIndex(snapshots, input.source)
  if (common >= 0) pin(common, newestCommon)
  for (let i = 0; i < snapshots.length; i++) {
    const at = parsed.at[i]!
    if (at > futureAfter)
      pin(i, [{ _tag: 'FromTheFuture', aheadSeconds: Math.floor((at - input.now) / 1000) }])
  }

  const key = [{ remoteHost, remoteDataset }]
  const bases = new Map<number, typeof key>()
  for (const b of input.bases) {
    const i = find(b)
    if (i !== undefined) bases.set(i, key)
  }

  const inFlight = input.inFlight.map((m) => ({
    taskId: m.taskId,
    fromIndex: typeof m.from === 'string' ? (find(m.from) ?? 0) : 0,
  }))

  const r = Retention.apply({
    dataset: remoteDataset,
    snapshots,
    parsed,
    retention: input.retention,
    holds: Retention.heldByIndex(snapshots, input.holds),
    inFlight,
    created: undefined,
    bases,
    pinned,
  })
  const destroy = r.destroy.map(
    (d): TargetDestroy => ({
      _tag: 'DestroyTargetSnapshot',
      remoteHost,
      remoteDataset,
      snapshot: d.snapshot,
      reason: d.reason,
    }),
  )
  return { remoteHost, remoteDataset, destroy, keep: r.keep }
}
