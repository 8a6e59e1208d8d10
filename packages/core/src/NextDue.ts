/**
 * When the plan could next change by time alone: the earliest instant after `now` at which planning the
 * same observed state may give other actions. Before it, re-planning gives the same actions (compared
 * without their reasons, whose elapsed seconds count up), so a runner that has carried out the plan and
 * applied its outcome to what it observed may sleep until then and miss nothing. Only a change of the
 * observed state (a snapshot made or destroyed by someone else, a hold, a migration ending) can change the
 * plan earlier, and watching for that is the runner's part.
 *
 * The instant is exact for snapshots and syncs due by interval, back-off and calendar boundaries in whole-
 * hour zones; it may be *earlier* than necessary (never later) where a rule below says so: an offset change
 * (a point where nothing may change), the clock behind the newest snapshot (wakes at its name time), a
 * higher boundary (weekly…yearly) when `daily` is off (wakes at each day start), and a window that closes
 * again before the due time is reached (wakes at the opening).
 *
 * What the plan depends on in time, and the candidate each gives:
 * - Snapshot due (§2, §3): the interval elapsed and the UTC minute advanced since the newest of ours, or the
 *   next start of the lowest enabled boundary type (hour, else day), or now (first snapshot, a boundary
 *   already crossed); then the first instant the snapshot window is open from there.
 * - A create planned now: its name is the UTC minute, so the next minute.
 * - Sync per destination (§7, §10): the later of its last sync + interval and the back-off's end, then the
 *   first instant the sync window is open; a sync due now lasts until the window closes.
 * - Names from the future (§3, §7 as amended): a snapshot of ours or a sync tag named `at` stops being
 *   from the future at `at − backup_interval`.
 * - Unverified bases (§15 refined): a base of ours named `at` leaves the window that keeps it held at
 *   `at + unverifiedKeepMs` (+1 ms); the plan may then release it.
 * Nothing else in the plan depends on `now`: retention, protection, holds and the other releases depend on
 * the observed state and on the snapshot created (covered above).
 *
 * Cost: one planner analysis, O(snapshots + hold tags + destinations), plus a walk over hour starts only
 * while a window is not always open (at most 8 days of them, memoised per hour).
 *
 * @since 0.2.0
 */
import * as BaseTag from './BaseTag.js'
import * as LocalCalendar from './LocalCalendar.js'
import { type Analysis, analyse, type PlanInput, syncContextOf } from './Planner.js'
import type { ScheduleWindow } from './Policy.js'
import * as Replication from './Replication.js'
import * as Schedule from './Schedule.js'
import * as ST from './SnapshotType.js'
import * as SyncDecision from './SyncDecision.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What may change at the next due instant. */
export type Cause =
  /** A snapshot becomes due (interval, calendar boundary, the clock reaching the newest's name time). */
  | { readonly _tag: 'Snapshot' }
  /** The snapshot window opens (or the calendar moves while it is closed). */
  | { readonly _tag: 'SnapshotWindow' }
  /** A create is planned now, and its name is the current UTC minute. */
  | { readonly _tag: 'NextMinute' }
  /** A sync to this destination becomes due (interval, back-off end) or its window opens or closes. */
  | { readonly _tag: 'Sync'; readonly remoteHost: string; readonly remoteDataset: string }
  /** A name from the future (snapshot or sync tag) stops being from the future. */
  | { readonly _tag: 'FutureName'; readonly name: string }
  /** An unverified base leaves the window in which it stays held (`Replication.unverifiedKeepMs`). */
  | { readonly _tag: 'BaseWindow'; readonly name: string }

export interface NextDue {
  /** Epoch ms after `now`; `+Infinity` when only a change of the observed state can change the plan. */
  readonly at: number
  /** Undefined when `at` is infinite. */
  readonly cause: Cause | undefined
}

/** The caller's memo (like the planner's): calendar parts and window walks, results never depend on it. */
export interface NextDueMemo {
  readonly calendar: LocalCalendar.CalendarMemo
  readonly windows: Map<string, number>
}

export const makeMemo = (): NextDueMemo => ({
  calendar: LocalCalendar.makeCalendarMemo(),
  windows: new Map(),
})

const never: NextDue = { at: Number.POSITIVE_INFINITY, cause: undefined }
const MINUTE = 60_000
/** Window walks give up after this many hour starts (8 days): a window that never opens. */
const WALK_LIMIT = 8 * 25

// -------------------------------------------------------------------------------------
// windows
// -------------------------------------------------------------------------------------

const alwaysOpen = (w: ScheduleWindow): boolean => w.days === '1111111' && w.hours === '1'.repeat(24)

/**
 * The first calendar point after `t` at which the window's state differs from its state at `t`
 * (`+Infinity` when always open, or when it does not change within 8 days). The weekday and hour change
 * only at hour starts, and `nextHourStart` visits each of them.
 */
const nextWindowChange = (w: ScheduleWindow, t: number, zone: string, memo: NextDueMemo): number => {
  if (alwaysOpen(w)) return Number.POSITIVE_INFINITY
  const impl = LocalCalendar.at(t, zone, memo.calendar)
  if (impl._tag === 'Left') return Number.POSITIVE_INFINITY
  // The answer is the same for every t in one hour (same next hour start, same state): memoise on it.
  const key = `${zone}|${w.days}|${w.hours}|${impl.right.startOf.hourly}`
  const known = memo.windows.get(key)
  if (known !== undefined) return known
  const open = Schedule.isOpen(w, impl.right)
  let found = Number.POSITIVE_INFINITY
  let u: number | undefined = t
  for (let i = 0; i < WALK_LIMIT && u !== undefined; i++) {
    u = LocalCalendar.nextHourStart(u, zone)
    if (
      u !== undefined &&
      Schedule.isOpen(w, LocalCalendar.weekdayAndHour(u, impl.right.zoneImpl)) !== open
    ) {
      found = u
      break
    }
  }
  if (memo.windows.size >= 4096) memo.windows.clear()
  memo.windows.set(key, found)
  return found
}

/** The first instant ≥ t at which the window is open. */
const openFrom = (w: ScheduleWindow, t: number, zone: string, memo: NextDueMemo): number => {
  if (alwaysOpen(w)) return t
  const c = LocalCalendar.at(t, zone, memo.calendar)
  if (c._tag === 'Left') return Number.POSITIVE_INFINITY
  return Schedule.isOpen(w, c.right) ? t : nextWindowChange(w, t, zone, memo)
}

// -------------------------------------------------------------------------------------
// candidates
// -------------------------------------------------------------------------------------

/** When the type decision of `SnapshotDue` first yields a type, ignoring the window: `now` if it does now. */
const snapshotTypeDueAt = (input: PlanInput, a: Analysis, memo: NextDueMemo): number => {
  const { policy, now, zone } = input
  const retention = policy.retention
  if (!ST.all.some((t) => retention[t] > 0)) return Number.POSITIVE_INFINITY
  const newest = a.newestOurs
  if (newest === undefined) return now // first snapshot
  if (now < newest.at) return newest.at // clock behind (§3): nothing until its name time (may be early)
  const boundaries = ['yearly', 'monthly', 'weekly', 'daily', 'hourly'] as const
  if (boundaries.some((t) => retention[t] > 0 && newest.at < a.calendar.startOf[t])) return now
  const frequent =
    retention.frequent > 0
      ? Math.max(
          newest.at + policy.backupIntervalSeconds * 1000,
          Math.floor(newest.at / MINUTE) * MINUTE + MINUTE,
        )
      : Number.POSITIVE_INFINITY
  if (frequent <= now) return now
  const boundary =
    retention.hourly > 0
      ? LocalCalendar.nextHourStart(now, zone)
      : boundaries.some((t) => retention[t] > 0)
        ? LocalCalendar.nextDayStart(now, zone, memo.calendar)
        : undefined
  return Math.min(frequent, boundary ?? Number.POSITIVE_INFINITY)
}

const snapshotCandidate = (input: PlanInput, a: Analysis, memo: NextDueMemo): NextDue => {
  const { now, zone } = input
  const w = input.policy.snapshotWindow
  const typeAt = snapshotTypeDueAt(input, a, memo)
  if (typeAt === Number.POSITIVE_INFINITY) return never
  if (typeAt > now) {
    const at = openFrom(w, typeAt, zone, memo)
    return { at, cause: at === typeAt ? { _tag: 'Snapshot' } : { _tag: 'SnapshotWindow' } }
  }
  if (Schedule.isOpen(w, a.calendar)) {
    // Created now (or its name exists): a new name at the next minute; the type changes only at hour starts,
    // which are whole minutes too.
    return { at: Math.floor(now / MINUTE) * MINUTE + MINUTE, cause: { _tag: 'NextMinute' } }
  }
  return { at: nextWindowChange(w, now, zone, memo), cause: { _tag: 'SnapshotWindow' } }
}

const syncCandidates = (input: PlanInput, a: Analysis, memo: NextDueMemo): NextDue[] => {
  const { policy, now, zone } = input
  const ctx = syncContextOf(input, a)
  const out: NextDue[] = []
  for (const d of input.dataset.destinations) {
    if (!policy.remoteSync.enabled || !d.enabled) continue
    // Not time: a source, known holds, and no migration in flight come only from a changed observation.
    if (ctx.source === undefined || ctx.holds._tag === 'Unknown') continue
    if (ctx.inFlight.some((m) => m.remoteHost === d.remoteHost)) continue
    const same = (x: { readonly remoteHost: string; readonly remoteDataset: string }) =>
      x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset
    const failed = ctx.failures.find(same)
    const backOffEnd =
      failed !== undefined && failed.consecutive > 0
        ? failed.lastFailureAt + SyncDecision.backOffMs(policy.backupIntervalSeconds, failed.consecutive)
        : Number.NEGATIVE_INFINITY
    const last = ctx.replication.find(same)?.lastSync
    const intervalEnd =
      last === undefined ? Number.NEGATIVE_INFINITY : last.at + policy.remoteSync.intervalSeconds * 1000
    const dueAt = Math.max(backOffEnd, intervalEnd)
    const w = policy.remoteSync.window
    // Due now: started now while the window is open, until it closes; else when it opens.
    const at = dueAt <= now ? nextWindowChange(w, now, zone, memo) : openFrom(w, dueAt, zone, memo)
    out.push({ at, cause: { _tag: 'Sync', remoteHost: d.remoteHost, remoteDataset: d.remoteDataset } })
  }
  return out
}

const futureCandidates = (input: PlanInput, a: Analysis): NextDue[] => {
  const intervalMs = input.policy.backupIntervalSeconds * 1000
  let best: NextDue = never
  const consider = (at: number, name: string) => {
    if (at > a.futureAfter && at - intervalMs < best.at)
      best = { at: at - intervalMs, cause: { _tag: 'FutureName', name } }
  }
  const { snapshots } = input.observed
  for (let i = 0; i < snapshots.length; i++)
    if (a.parsed.typeIndex[i]! >= 0) consider(a.parsed.at[i]!, snapshots[i]!)
  for (const state of a.hosts.values()) for (const p of state.points) consider(p.at, p.tag)
  return [best]
}

/**
 * Unverified bases stay held while named within `Replication.unverifiedKeepMs` of now (§15 refined): the
 * plan releases one the instant after it leaves that window (unless it is among its tag's newest two; early
 * is allowed, so every base of ours counts).
 */
const baseWindowCandidates = (input: PlanInput, a: Analysis): NextDue[] => {
  const { holds, snapshots } = input.observed
  if (holds._tag === 'Unknown') return []
  const keepMs = Replication.unverifiedKeepMs(input.policy.remoteSync.intervalSeconds)
  let best: NextDue = never
  for (let i = 0; i < snapshots.length; i++) {
    if (a.parsed.typeIndex[i]! < 0) continue
    const leaves = a.parsed.at[i]! + keepMs + 1
    if (
      leaves > input.now &&
      leaves < best.at &&
      holds.bySnapshot.get(snapshots[i]!)?.some(BaseTag.isBaseTag)
    )
      best = { at: leaves, cause: { _tag: 'BaseWindow', name: snapshots[i]! } }
  }
  return [best]
}

// -------------------------------------------------------------------------------------
// entry points
// -------------------------------------------------------------------------------------

/** The next due instant of `input` (see the module header), with a memo the caller keeps. */
export const nextDueWith = (input: PlanInput, memo: NextDueMemo): NextDue => {
  const a = analyse(input, memo.calendar)
  if (a === undefined) return never // invalid zone: the plan is empty whatever the time
  let best = never
  for (const c of [
    snapshotCandidate(input, a, memo),
    ...syncCandidates(input, a, memo),
    ...futureCandidates(input, a),
    ...baseWindowCandidates(input, a),
  ])
    if (c.at < best.at) best = c
  return best
}

/** The next due instant of `input` (see the module header). */
export const nextDue = (input: PlanInput): NextDue => nextDueWith(input, makeMemo())

/** A `nextDue` with its own memo, for callers that ask for every dataset of each wake (the daemon). */
export const make = (): ((input: PlanInput) => NextDue) => {
  const memo = makeMemo()
  return (input) => nextDueWith(input, memo)
}
