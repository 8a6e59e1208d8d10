/**
 * Replication state, one per destination `(remoteHost, remoteDataset)` (core-decisions.md §7, §15): the one place
 * that reads the daemon's base holds (`BaseTag`) and the API's `sync_*` holds (`SyncHold`) and derives
 * what plan, monitor, status and metrics need: the destination's base, where an incremental may start, and
 * its last sync. It also plans the moves of each base hold on the runner's arrival evidence.
 *
 * Rules:
 * - The base of a destination is the newest snapshot carrying its base tag. Without a base hold yet, the
 *   host's `sync_*` base (§7) stands in, and the plan seeds the base hold there (an upgrade from a version
 *   without base holds). The `sync_*` tags are otherwise advisory: a new one is never proof of arrival.
 * - A base moves only on evidence (`ArrivalEvidence`) and only forward: `Arrived` (verified through the
 *   destination API) moves the hold to that snapshot alone; `Sent` (no destination API) adds it and keeps
 *   the earlier bases that are *unverified-recent*: the newest two, and every one whose name time is within
 *   `unverifiedKeepMs` of now. Evidence behind the base or about a snapshot no longer listed changes
 *   nothing and is reported (`StaleEvidence`).
 *   Why a window and not only the last two sent (§15 as amended here): a receive that fails because the
 *   backup host is out of space fails again at every sync until someone frees space; after the second, the
 *   destination's real newest snapshot would lose its hold, be pruned, and the destination would be frozen
 *   for good (`zfs recv -F` takes an incremental only from the destination's newest snapshot). Keeping
 *   four sync intervals of sent snapshots lets it heal for as long as that lasts, at the cost of a few holds.
 * - A new hold comes before the release of the old one (the runner skips the release if the hold failed),
 *   so there is no moment without a base. A tree's root (`recursive`) holds and releases with `-r`: the tree
 *   is sent with `zfs send -R -I <base>`, so every descendant needs the base name too. Without evidence, holds of one tag beyond the same keep rule (an
 *   interrupted move, an expired window) are released.
 * - Last sync: the UTC time in the base snapshot's name when it is one of ours and not from the future;
 *   otherwise the host's newest `sync_*` tag time (§7).
 *
 * Cost: O(hold tags + destinations × log) plus the `SyncHold` parse of every tag.
 *
 * @since 0.2.0
 */
import * as BaseTag from './BaseTag.js'
import type { ArrivalEvidence, InFlightMigration } from './Observation.js'
import type { Action, Decision } from './Plan.js'
import type { Destination } from './Policy.js'
import * as SnapshotName from './SnapshotName.js'
import type { HostSyncState } from './SyncHold.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type DestinationKey = BaseTag.DestinationKey

/** Where a destination's base comes from. */
export type BaseSource = 'BaseHold' | 'SyncHold'

export interface DestinationState extends DestinationKey {
  /** This destination's base hold tag. */
  readonly tag: string
  /** List positions carrying the base tag after this plan's moves, oldest first. */
  readonly bases: ReadonlyArray<number>
  /** Newest base (after this plan's moves), or the host's sync base when there is no base hold. */
  readonly base: { readonly snapshot: string; readonly index: number; readonly from: BaseSource } | undefined
  /** When the destination last received a sync, as far as the source knows (see header). */
  readonly lastSync: { readonly at: number; readonly label: string } | undefined
  /** What the host's `sync_*` tags say (advisory; shared by every destination on that host). */
  readonly host: HostSyncState | undefined
}

export type HoldAction = Extract<Action, { _tag: 'HoldSnapshot' }>
export type ReleaseAction = Extract<Action, { _tag: 'ReleaseHold' }>
export type StaleEvidence = Extract<Decision, { _tag: 'StaleEvidence' }>

export interface ReplicationPlan {
  readonly states: ReadonlyArray<DestinationState>
  readonly holds: ReadonlyArray<HoldAction>
  readonly releases: ReadonlyArray<ReleaseAction>
  readonly decisions: ReadonlyArray<StaleEvidence>
  /** Every snapshot that is some destination's base (observed or placed now), with whose: never destroyed. */
  readonly protectedBases: ReadonlyMap<number, ReadonlyArray<DestinationKey>>
}

export interface ReplicationInput {
  readonly dataset: string
  readonly now: number
  /** Name times later than `now + futureMs` are from the future and say nothing about the last sync. */
  readonly futureMs: number
  readonly snapshots: ReadonlyArray<string>
  /** Hold tags by list position (`Retention.heldByIndex`); only held snapshots are keys. */
  readonly heldByIndex: ReadonlyMap<number, ReadonlyArray<string>>
  /** `SyncHold.byHost` of the same holds. */
  readonly hosts: ReadonlyMap<string, HostSyncState>
  readonly destinations: ReadonlyArray<Destination>
  readonly evidence: ReadonlyArray<ArrivalEvidence>
  /** Unverified bases named within this of `now` stay held (`unverifiedKeepMs`); default: none (last two). */
  readonly unverifiedKeepMs?: number
  /** A tree's root: its base holds are placed and released recursively (`zfs hold -r`). Default: false. */
  readonly recursive?: boolean
}

/**
 * How long sent-but-unverified bases stay held: four sync intervals, so a destination whose receives fail
 * at three syncs in a row (out of space, say) still heals at the next; at most about five holds each.
 */
export const unverifiedKeepMs = (remoteSyncIntervalSeconds: number): number =>
  4 * remoteSyncIntervalSeconds * 1000

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/** List positions of every base tag found, oldest first. Cost: O(hold tags). */
export const baseIndicesByTag = (
  heldByIndex: ReadonlyMap<number, ReadonlyArray<string>>,
): ReadonlyMap<string, ReadonlyArray<number>> => {
  const out = new Map<string, number[]>()
  for (const [index, tags] of heldByIndex) {
    for (const tag of tags) {
      if (!BaseTag.isBaseTag(tag)) continue
      const list = out.get(tag)
      if (list === undefined) out.set(tag, [index])
      else list.push(index)
    }
  }
  for (const list of out.values()) list.sort((a, b) => a - b)
  return out
}

const same = (a: DestinationKey) => (b: DestinationKey) =>
  a.remoteHost === b.remoteHost && a.remoteDataset === b.remoteDataset

/**
 * The unverified bases to keep among `xs` (list positions, ascending): the newest two, and every one named
 * in `[since, latest]` (ours only: a foreign name has no time; a name from the future says nothing of
 * when it was sent, and would otherwise stay held until its time came).
 */
const unverifiedKept = (
  xs: ReadonlyArray<number>,
  snapshots: ReadonlyArray<string>,
  since: number,
  latest: number,
): ReadonlyArray<number> =>
  xs.filter((i, k) => {
    if (k >= xs.length - 2) return true
    const at = SnapshotName.parseOrUndefined(snapshots[i]!)?.at
    return at !== undefined && at >= since && at <= latest
  })

/**
 * Where a migration to `d` may start its `-I` range (§8 as amended): the oldest snapshot carrying its base
 * tag, else the host's sync base; `undefined` when neither exists. The runner records it when it starts a
 * migration (`InFlightMigration.baseAtStart`). Cost: O(snapshots) lookups, from the oldest.
 */
export const baseAtStartOf = (
  snapshots: ReadonlyArray<string>,
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  d: DestinationKey,
  syncHostOf: (tag: string) => string | undefined,
): string | null => {
  const tag = BaseTag.of(d)
  let hostBase: string | null = null
  for (let i = 0; i < snapshots.length; i++) {
    const tags = bySnapshot.get(snapshots[i]!)
    if (tags === undefined) continue
    if (tags.includes(tag)) return snapshots[i]!
    if (tags.some((t) => syncHostOf(t) === d.remoteHost)) hostBase = snapshots[i]!
  }
  return hostBase
}

/**
 * The lowest list position a migration to `m`'s destination may send from, by its base holds (after this
 * plan's moves the old holds still exist: §5), or `undefined` when it has none (the caller falls back).
 */
export const lowestBaseIndex = (
  byTag: ReadonlyMap<string, ReadonlyArray<number>>,
  m: Pick<InFlightMigration, 'remoteHost' | 'remoteDataset'>,
): number | undefined => byTag.get(BaseTag.of(m))?.[0]

// -------------------------------------------------------------------------------------
// planning
// -------------------------------------------------------------------------------------

/**
 * Per configured destination: its state after this plan, the base holds to place and release, and the
 * evidence that did not apply. Holds must be `Known` (the caller plans nothing here otherwise).
 */
export const plan = (input: ReplicationInput): ReplicationPlan => {
  const { dataset, snapshots, hosts } = input
  const byTag = baseIndicesByTag(input.heldByIndex)
  let indexOf: Map<string, number> | undefined
  const find = (name: string): number | undefined => {
    if (indexOf === undefined) indexOf = new Map(snapshots.map((s, i) => [s, i]))
    return indexOf.get(name)
  }
  const states: DestinationState[] = []
  const holds: HoldAction[] = []
  const releases: ReleaseAction[] = []
  const decisions: StaleEvidence[] = []
  const protectedBases = new Map<number, DestinationKey[]>()
  const recursively = input.recursive === true ? { recursive: true } : {}
  const protect = (index: number, d: DestinationKey) => {
    const key = { remoteHost: d.remoteHost, remoteDataset: d.remoteDataset }
    const list = protectedBases.get(index)
    if (list === undefined) protectedBases.set(index, [key])
    else if (!list.some(same(key))) list.push(key)
  }

  for (const d of input.destinations) {
    const tag = BaseTag.of(d)
    const observed = byTag.get(tag) ?? []
    for (const i of observed) protect(i, d)
    const newestObserved = observed.length === 0 ? -1 : observed[observed.length - 1]!
    const host = hosts.get(d.remoteHost)
    const ev = input.evidence.find(same(d))
    const hold = (index: number, reason: HoldAction['reason']) => {
      protect(index, d)
      holds.push({
        _tag: 'HoldSnapshot',
        dataset,
        snapshot: snapshots[index]!,
        tag,
        remoteHost: d.remoteHost,
        remoteDataset: d.remoteDataset,
        reason,
        ...recursively,
      })
    }

    const since = input.now - (input.unverifiedKeepMs ?? 0)
    const latest = input.now + input.futureMs
    let keep: ReadonlyArray<number> = unverifiedKept(observed, snapshots, since, latest)
    const e = ev === undefined ? undefined : find(ev.snapshot)
    if (ev !== undefined && e === undefined) {
      decisions.push(stale(ev, { _tag: 'NotListed' }))
    } else if (ev !== undefined && e !== undefined) {
      const forward = ev._tag === 'Arrived' ? e >= newestObserved : e > newestObserved
      if (forward) {
        if (!observed.includes(e))
          hold(e, ev._tag === 'Arrived' ? { _tag: 'Arrived', guid: ev.guid } : { _tag: 'Sent' })
        keep =
          ev._tag === 'Arrived' || newestObserved < 0
            ? [e]
            : unverifiedKept([...observed.filter((i) => i !== e), e], snapshots, since, latest)
      } else if (!(ev._tag === 'Sent' && observed.includes(e))) {
        decisions.push(stale(ev, { _tag: 'BehindBase', base: snapshots[newestObserved]! }))
      }
    }
    // Seeded whenever no base is held or placed, stale evidence included: else hold hygiene may release the
    // host's `sync_*` tag on the base (it keeps the newest by tag *time*, §11), the base would step back and
    // the next plan see another last sync (found by the planner's idempotence property, seed -1184144458).
    if (keep.length === 0 && host !== undefined) {
      const seed = host.points.find((p) => p.index === host.baseIndex)!
      hold(host.baseIndex, { _tag: 'SeedFromSyncHold', syncTag: seed.tag })
      keep = [host.baseIndex]
    }

    const newest = keep.length === 0 ? undefined : keep[keep.length - 1]!
    for (const i of observed) {
      if (keep.includes(i) || newest === undefined) continue
      releases.push({
        _tag: 'ReleaseHold',
        dataset,
        snapshot: snapshots[i]!,
        tag,
        reason: {
          _tag: 'BaseMoved',
          remoteHost: d.remoteHost,
          remoteDataset: d.remoteDataset,
          to: snapshots[newest]!,
        },
        ...recursively,
      })
    }

    const base =
      newest !== undefined
        ? { snapshot: snapshots[newest]!, index: newest, from: 'BaseHold' as const }
        : host !== undefined
          ? { snapshot: snapshots[host.baseIndex]!, index: host.baseIndex, from: 'SyncHold' as const }
          : undefined
    states.push({
      remoteHost: d.remoteHost,
      remoteDataset: d.remoteDataset,
      tag,
      bases: keep,
      base,
      lastSync: lastSyncOf(base?.snapshot, host, input.now + input.futureMs),
      host,
    })
  }
  return { states, holds, releases, decisions, protectedBases }
}

const stale = (ev: ArrivalEvidence, reason: StaleEvidence['reason']): StaleEvidence => ({
  _tag: 'StaleEvidence',
  remoteHost: ev.remoteHost,
  remoteDataset: ev.remoteDataset,
  snapshot: ev.snapshot,
  reason,
})

/** The base snapshot's name time when ours and not from the future; else the host's last sync tag (§7). */
const lastSyncOf = (
  base: string | undefined,
  host: HostSyncState | undefined,
  latest: number,
): DestinationState['lastSync'] => {
  const at = base === undefined ? undefined : SnapshotName.parseOrUndefined(base)?.at
  if (at !== undefined && at <= latest) return { at, label: base! }
  const last = host?.lastSync // never a tag from the future (§7 as amended)
  return last === undefined ? undefined : { at: last.at, label: last.tag }
}

/**
 * Whether the runner may forget `ev`: the observed holds show it applied (its snapshot carries the base
 * tag, and for `Arrived` no other does), or it can never apply (not listed, or behind the base).
 */
export const settled = (
  snapshots: ReadonlyArray<string>,
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  ev: ArrivalEvidence,
): boolean => {
  const tag = BaseTag.of(ev)
  const e = snapshots.indexOf(ev.snapshot)
  if (e < 0) return true
  const held: number[] = []
  snapshots.forEach((s, i) => {
    if (bySnapshot.get(s)?.includes(tag)) held.push(i)
  })
  const newest = held.length === 0 ? -1 : held[held.length - 1]!
  if (e < newest) return true
  if (!held.includes(e)) return false
  return ev._tag === 'Sent' || held.length === 1
}
