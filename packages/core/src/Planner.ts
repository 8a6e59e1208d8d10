/**
 * The one entry point of the core: plan the next cycle for one dataset. Composes the rules, each in its own
 * module: `SnapshotDue` (what to create), `SyncHold` (what the sync tags say), `Replication` (each
 * destination's base hold and last sync), `Retention` with `Protection` (what to destroy), `HoldHygiene`
 * (what to release) and `SyncDecision` (where to send).
 *
 * Cost: O(snapshots + hold tags + destinations) plus O(1) luxon calls per (now, zone).
 *
 * @since 0.1.0
 */
import * as Future from './Future.js'
import * as HoldHygiene from './HoldHygiene.js'
import * as LocalCalendar from './LocalCalendar.js'
import type { DatasetObservation } from './Observation.js'
import type { Action, Decision, Plan } from './Plan.js'
import type { DatasetPolicy, Policy } from './Policy.js'
import * as Protection from './Protection.js'
import * as Replication from './Replication.js'
import * as Retention from './Retention.js'
import * as SnapshotDue from './SnapshotDue.js'
import * as SnapshotName from './SnapshotName.js'
import * as ST from './SnapshotType.js'
import * as SyncDecision from './SyncDecision.js'
import * as SyncHold from './SyncHold.js'

export interface PlanInput {
  /** Epoch milliseconds; the core never reads a clock. */
  readonly now: number
  /** IANA zone for calendar boundaries, windows and sync hold timestamps, e.g. `Europe/Vienna`. */
  readonly zone: string
  readonly policy: Policy
  readonly dataset: DatasetPolicy
  readonly observed: DatasetObservation
}

const noHosts: ReadonlyMap<string, SyncHold.HostSyncState> = new Map()

/**
 * The newest of our snapshots that decides what is due: last in list order, of an enabled type, and not
 * from the future. Snapshots of disabled types (count 0) are skipped: retention is about to destroy them,
 * and due times must not hinge on a snapshot the same plan removes (re-planning would then create again).
 * Snapshots from the future are skipped (§3 as amended): they would stop snapshots until their date.
 */
export const newestDueInput = (
  policy: Policy,
  snapshots: ReadonlyArray<string>,
  parsed: SnapshotName.ParsedList,
  futureAfter: number,
): SnapshotDue.Newest | undefined => {
  for (let i = snapshots.length - 1; i >= 0; i--) {
    const t = parsed.typeIndex[i]!
    const at = parsed.at[i]!
    if (t >= 0 && policy.retention[ST.all[t]!] > 0 && at <= futureAfter) return { name: snapshots[i]!, at }
  }
  return undefined
}

/**
 * Plans one dataset: at most one snapshot to create, the base holds to place and release, the releases of
 * superseded sync holds, the destroys retention allows, and one sync decision per destination; every
 * other choice appears as a decision with its reason. Actions are in the order the runner carries them
 * out: create, hold, release, destroy, sync.
 */
export const planDataset = (input: PlanInput): Plan => planWith(input, LocalCalendar.makeCalendarMemo())

/**
 * A planner with its own calendar memo, for callers that plan many times (every dataset of a daemon cycle,
 * a simulated year): the same plans as `planDataset`, with the zone arithmetic done once per local hour
 * instead of once per call. The memo is private to the returned function; use one per thread of planning.
 */
export const makePlanner = (): ((input: PlanInput) => Plan) => {
  const memo = LocalCalendar.makeCalendarMemo()
  return (input) => planWith(input, memo)
}

/** What a plan is made of before it becomes actions: shared by the planner and `NextDue`. */
export interface Analysis {
  readonly calendar: LocalCalendar.LocalCalendar
  readonly parsed: SnapshotName.ParsedList
  /** Name times after this instant are from the future (§3, §7 as amended). */
  readonly futureAfter: number
  readonly newestOurs: SnapshotDue.Newest | undefined
  readonly due: SnapshotDue.Due
  readonly hosts: ReadonlyMap<string, SyncHold.HostSyncState>
  readonly replication: Replication.ReplicationPlan
  readonly held: Retention.HeldByIndex
}

/** The analysis of `input`, or undefined when its zone is invalid. */
export const analyse = (input: PlanInput, memo: LocalCalendar.CalendarMemo): Analysis | undefined => {
  const { now, zone, policy, observed } = input
  const calendarE = LocalCalendar.at(now, zone, memo)
  if (calendarE._tag === 'Left') return undefined
  const calendar = calendarE.right
  const { snapshots, holds } = observed

  const parsed = SnapshotName.parseList(snapshots)
  const futureAfter = Future.after(policy, now)
  const newestOurs = newestDueInput(policy, snapshots, parsed, futureAfter)
  const due = SnapshotDue.due(policy, calendar, newestOurs, (name) => snapshots.includes(name))

  const held = Retention.heldByIndex(snapshots, holds)
  const hosts =
    held._tag === 'Known'
      ? SyncHold.byHost(held.byIndex, snapshots, calendar.zoneImpl, memo, futureAfter)
      : noHosts
  const replication = Replication.plan({
    dataset: input.dataset.dataset,
    now,
    futureMs: futureAfter - now,
    snapshots,
    heldByIndex: held._tag === 'Known' ? held.byIndex : new Map(),
    hosts,
    destinations: input.dataset.destinations,
    evidence: held._tag === 'Known' ? (observed.evidence ?? []) : [],
    unverifiedKeepMs: Replication.unverifiedKeepMs(policy.remoteSync.intervalSeconds),
    recursive: input.dataset.recursive,
  })
  return { calendar, parsed, futureAfter, newestOurs, due, hosts, replication, held }
}

/** The sync context of an analysed input (§12: the snapshot created in this plan is the source). */
export const syncContextOf = (input: PlanInput, a: Analysis): SyncDecision.SyncContext => ({
  dataset: input.dataset.dataset,
  now: input.now,
  policy: input.policy,
  calendar: a.calendar,
  source: a.due._tag === 'Due' ? a.due.name : input.observed.snapshots[input.observed.snapshots.length - 1],
  holds: input.observed.holds,
  replication: a.replication.states,
  inFlight: input.observed.inFlight,
  failures: input.observed.failures,
  recursive: input.dataset.recursive,
})

const planWith = (input: PlanInput, memo: LocalCalendar.CalendarMemo): Plan => {
  const { now, zone, policy, observed } = input
  const dataset = input.dataset.dataset
  const analysis = analyse(input, memo)
  if (analysis === undefined) {
    return {
      dataset,
      actions: [],
      decisions: [{ _tag: 'NoSnapshot', reason: { _tag: 'InvalidZone', zone } }],
    }
  }
  const { parsed, futureAfter, due, hosts, replication, held } = analysis
  const { snapshots, holds } = observed
  const created = due._tag === 'Due' ? due : undefined
  const byTag = held._tag === 'Known' ? Replication.baseIndicesByTag(held.byIndex) : new Map()
  const retention = Retention.apply({
    dataset,
    snapshots,
    parsed,
    retention: policy.retention,
    holds: held,
    inFlight: Protection.inFlightRanges(
      observed.inFlight,
      hosts,
      snapshots,
      Protection.sharedHosts(input.dataset.destinations, observed.inFlight),
      (m) => Replication.lowestBaseIndex(byTag, m),
    ),
    created: created?.type,
    bases: replication.protectedBases,
  })
  const releases = holds._tag === 'Known' ? HoldHygiene.releases(dataset, hosts) : []

  const syncContext = syncContextOf(input, analysis)
  const syncs = input.dataset.destinations.map((d) => SyncDecision.decide(syncContext, d))

  const actions: Action[] = []
  const decisions: Decision[] = []
  if (created !== undefined) {
    actions.push({
      _tag: 'CreateSnapshot',
      dataset,
      snapshot: created.name,
      type: created.type,
      recursive: input.dataset.recursive,
      reason: created.reason,
    })
  } else if (due._tag === 'NotDue') {
    decisions.push({ _tag: 'NoSnapshot', reason: due.reason })
  }
  for (const reason of Future.reasons(now, futureAfter, snapshots, parsed, hosts))
    decisions.push({ _tag: 'FromTheFuture', reason })
  // Loops, not spread: a dataset may have more snapshots than the engine allows as call arguments.
  // Holds only when holds are Known (`Replication.plan` saw no holds and no evidence otherwise; a seed
  // needs a sync tag, so it plans nothing there either).
  for (const h of replication.holds) actions.push(h)
  for (const r of releases) actions.push(r)
  if (holds._tag === 'Known') for (const r of replication.releases) actions.push(r)
  for (const d of retention.destroy) actions.push(d)
  for (const s of syncs) {
    if (s._tag === 'StartSync') actions.push(s)
    else decisions.push(s)
  }
  for (const s of replication.decisions) decisions.push(s)
  for (const k of retention.keep) decisions.push(k)
  return { dataset, actions, decisions }
}

/**
 * Each configured destination's replication state as the plan for `input` sees it (its base after this
 * plan's moves, its last sync), for status, metrics and the monitor; `undefined` when the holds are
 * unknown or the zone is invalid (then nothing can be said).
 */
export const replicationOf = (input: PlanInput): ReadonlyArray<Replication.DestinationState> | undefined => {
  const calendar = LocalCalendar.at(input.now, input.zone)
  const { snapshots, holds } = input.observed
  if (calendar._tag === 'Left' || holds._tag === 'Unknown') return undefined
  const held = Retention.heldByIndex(snapshots, holds)
  if (held._tag === 'Unknown') return undefined
  const futureAfter = Future.after(input.policy, input.now)
  return Replication.plan({
    dataset: input.dataset.dataset,
    now: input.now,
    futureMs: futureAfter - input.now,
    snapshots,
    heldByIndex: held.byIndex,
    hosts: SyncHold.byHost(held.byIndex, snapshots, calendar.right.zoneImpl, undefined, futureAfter),
    destinations: input.dataset.destinations,
    evidence: input.observed.evidence ?? [],
    unverifiedKeepMs: Replication.unverifiedKeepMs(input.policy.remoteSync.intervalSeconds),
  }).states
}
