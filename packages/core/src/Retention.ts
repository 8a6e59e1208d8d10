/**
 * Retention: keep the newest N of each type among *our* snapshots, destroy the older ones unless protected.
 * Protected snapshots are kept in addition to the N; foreign snapshots are never candidates. The snapshot
 * this plan creates counts as rank 1 of its type (§4). Holds `Unknown` → nothing is destroyed.
 *
 * Guarantee: every destroyed name is an element of `snapshots`, matches our exact pattern, has no hold, is
 * outside every in-flight range, is no destination's replication base, is not pinned and is not the newest of
 * the dataset. Cost: O(snapshots + in-flight × kept).
 *
 * @since 0.1.0
 */
import type { HoldsObservation } from './Observation.js'
import type { Action, Decision, KeepReason } from './Plan.js'
import * as Protection from './Protection.js'
import type * as SnapshotName from './SnapshotName.js'
import type { Retention, SnapshotType } from './SnapshotType.js'
import * as ST from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Hold tags by list position (keys only for held snapshots), or why they are unknown. */
export type HeldByIndex =
  | { readonly _tag: 'Known'; readonly byIndex: ReadonlyMap<number, ReadonlyArray<string>> }
  | Extract<HoldsObservation, { _tag: 'Unknown' }>

/** Re-keys observed holds by list position: one lookup per snapshot, and only when anything is held. */
export const heldByIndex = (snapshots: ReadonlyArray<string>, holds: HoldsObservation): HeldByIndex => {
  if (holds._tag === 'Unknown') return holds
  const byIndex = new Map<number, ReadonlyArray<string>>()
  if (holds.bySnapshot.size > 0) {
    for (let i = 0; i < snapshots.length; i++) {
      const tags = holds.bySnapshot.get(snapshots[i]!)
      if (tags !== undefined && tags.length > 0) byIndex.set(i, tags)
    }
  }
  return { _tag: 'Known', byIndex }
}

export interface RetentionInput {
  readonly dataset: string
  /** Names in list order, oldest first. */
  readonly snapshots: ReadonlyArray<string>
  /** `snapshots` parsed (`SnapshotName.parseList`). */
  readonly parsed: SnapshotName.ParsedList
  readonly retention: Retention
  readonly holds: HeldByIndex
  readonly inFlight: ReadonlyArray<Protection.InFlightRange>
  /** Type of the snapshot this plan creates, if any: it takes rank 1 of that type and is the newest. */
  readonly created: SnapshotType | undefined
  /**
   * Replication bases by list position (`Replication.plan`'s `protectedBases`): observed with a base hold
   * or given one in this plan. Never destroyed (a hold protects them already; the one placed in this plan
   * is not observed yet). Absent: none.
   */
  readonly bases?: ReadonlyMap<
    number,
    ReadonlyArray<{ readonly remoteHost: string; readonly remoteDataset: string }>
  >
  /**
   * Further reasons to keep by list position, each of which alone forbids the destroy (the backup host's
   * newest snapshot in common with the source, a name from the future there: `TargetRetention`). Ranks
   * are unchanged. Absent: none.
   */
  readonly pinned?: ReadonlyMap<number, ReadonlyArray<KeepReason>>
}

export interface RetentionResult {
  readonly destroy: ReadonlyArray<Extract<Action, { _tag: 'DestroySnapshot' }>>
  /** One `Keep` per existing snapshot not destroyed, in list order. */
  readonly keep: ReadonlyArray<Extract<Decision, { _tag: 'Keep' }>>
}

// -------------------------------------------------------------------------------------
// decision
// -------------------------------------------------------------------------------------

const notOurs: ReadonlyArray<KeepReason> = [{ _tag: 'NotOurs' }]
const noTags: ReadonlyArray<string> = []

/** Rank of each of our snapshots within its type, 1 = newest (0 for foreign names). */
const ranks = (input: RetentionInput): Int32Array => {
  const seen: Record<SnapshotType, number> = { ...ST.noCounts }
  if (input.created !== undefined) seen[input.created] = 1
  const rank = new Int32Array(input.snapshots.length)
  const { typeIndex } = input.parsed
  for (let i = input.snapshots.length - 1; i >= 0; i--) {
    const t = typeIndex[i]!
    if (t >= 0) rank[i] = ++seen[ST.all[t]!]
  }
  return rank
}

export const apply = (input: RetentionInput): RetentionResult => {
  const { dataset, snapshots, parsed, retention, holds } = input
  const rank = ranks(input)
  const lowestInFlight = Protection.lowestProtectedIndex(input.inFlight)
  const newestIndex = input.created === undefined ? snapshots.length - 1 : -1
  const held = holds._tag === 'Known' ? holds.byIndex : undefined
  const destroy: Array<Extract<Action, { _tag: 'DestroySnapshot' }>> = []
  const keep: Array<Extract<Decision, { _tag: 'Keep' }>> = []
  for (let i = 0; i < snapshots.length; i++) {
    const snapshot = snapshots[i]!
    const t = parsed.typeIndex[i]!
    if (t < 0) {
      keep.push({ _tag: 'Keep', snapshot, reasons: notOurs })
      continue
    }
    const type = ST.all[t]!
    const count = retention[type]
    const r = rank[i]!
    const tags = held?.get(i) ?? noTags
    const inFlight = i >= lowestInFlight
    const isNewest = i === newestIndex
    const baseOf = input.bases?.get(i)
    const pins = input.pinned?.get(i)
    if (
      r > count &&
      tags.length === 0 &&
      !inFlight &&
      !isNewest &&
      baseOf === undefined &&
      pins === undefined &&
      held !== undefined
    ) {
      destroy.push({
        _tag: 'DestroySnapshot',
        dataset,
        snapshot,
        reason: { _tag: 'BeyondRetention', type, rank: r, count },
      })
      continue
    }
    const reasons: KeepReason[] = []
    if (r <= count) reasons.push({ _tag: 'AmongNewest', type, rank: r, count })
    if (tags.length > 0) reasons.push({ _tag: 'Held', tags })
    for (const d of baseOf ?? []) reasons.push({ _tag: 'ReplicationBase', ...d })
    for (const p of pins ?? []) reasons.push(p)
    if (inFlight) reasons.push({ _tag: 'InFlight', taskIds: Protection.tasksCovering(input.inFlight, i) })
    if (isNewest) reasons.push({ _tag: 'NewestOfDataset' })
    if (holds._tag === 'Unknown' && reasons.length === 0)
      reasons.push({ _tag: 'HoldsUnknown', why: holds.why })
    keep.push({ _tag: 'Keep', snapshot, reasons })
  }
  return { destroy, keep }
}
