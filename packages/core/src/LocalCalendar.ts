/**
 * What `now` looks like in the configured zone: the start of its hour, day, week (Monday), month and year
 * as instants, its weekday and hour for schedule windows, and the conversion of local wall-clock times
 * (sync hold tags) to instants. All zone arithmetic of the core lives here, done by luxon.
 *
 * A boundary is compared as an *instant* (`newest < startOf(day)`), never as an hour number, so DST days
 * of 23 or 25 hours need no special case.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { IANAZone } from 'luxon'
import * as CivilTime from './CivilTime.js'
import type { SnapshotType } from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The calendar boundaries a snapshot type marks (all types but `frequent`). */
export type BoundaryType = Exclude<SnapshotType, 'frequent'>

export interface LocalCalendar {
  readonly zone: string
  readonly now: number
  /** Start of the current hour/day/week/month/year in the zone, epoch ms. */
  readonly startOf: { readonly [K in BoundaryType]: number }
  /** 0 = Monday … 6 = Sunday. */
  readonly weekdayIndex: number
  /** 0..23 local hour. */
  readonly hour: number
  /** Human rendering of `now` in the zone, e.g. `Fri 2026-11-27 04:40 Europe/Vienna`. */
  readonly localTime: string
  readonly zoneImpl: IANAZone
}

export interface InvalidZone {
  readonly _tag: 'InvalidZone'
  readonly zone: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
/** The span over which the offset is read at both ends (see below). */
const SLOT = HOUR
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const
const two = (n: number): string => (n < 10 ? '0' : '') + n

// The calendar is assembled from parts that are each a pure function of a small key, and each part is
// memoised on exactly that key (one entry each). A runner plans all datasets of a cycle with one `now`, and
// `simulate` plans a year of cycles minutes apart: luxon then runs O(1) times per local hour, not per call.
//
// - `now` → its offset `o` → local wall time `now + o`, exactly as luxon reads it. Offsets are asked of the
//   zone (an Intl call, ~25 µs, the costly part) at the ends of the UTC hour holding `now`; when both ends
//   agree the whole hour has that offset, since no zone in the tz database changes its offset and back
//   within an hour (changes are weeks apart at the closest, e.g. Morocco's Ramadan suspensions). An hour
//   with a change asks the zone for every `now`.
// - Local date (zone, civil midnight) → the starts of day, week, month and year. Each is the *earliest*
//   instant of that local midnight (§6 reading: a repeated midnight, as in Havana's fall-back, counts from
//   its first pass; a midnight in a gap, as in Santiago's spring-forward, from the end of the gap), so one
//   local day has one start whatever the offset of `now` (luxon's `startOf('day')` depends on it).
// - (zone, offset, civil hour) → the start of the hour: local hh:00 at the offset of `now` when the zone
//   really has that offset there, else found around the change within the hour (`hourPart`). A repeated
//   hour thus starts at its own instant on each pass; luxon's `startOf('hour')` is not used: in an hour
//   entered mid-way by a 30/45-minute change it answers the *next* hour's start, after `now`.

interface ZonePart {
  readonly zone: string
  readonly impl: IANAZone
}

interface DayPart {
  readonly zone: string
  /** Local midnight as civil ms (wall time read as UTC). */
  readonly wall: number
  readonly startOf: Omit<LocalCalendar['startOf'], 'hourly'>
  readonly weekdayIndex: number
  /** `ccc yyyy-MM-dd`. */
  readonly text: string
}

interface HourPart {
  readonly zone: string
  readonly offset: number
  readonly wall: number
  readonly start: number
}

const zonePart = (zone: string): ZonePart | undefined => {
  const impl = IANAZone.create(zone)
  return impl.isValid ? { zone, impl } : undefined
}

const dayPart = (z: ZonePart, wall: number, memo: CalendarMemo): DayPart => {
  const f = CivilTime.fromEpochMs(wall)
  const weekdayIndex = (((Math.floor(wall / DAY) + 3) % 7) + 7) % 7 // 1970-01-01 was a Thursday
  const first = (w: number): number => firstInstantFrom(z.impl, w, memo)
  return {
    zone: z.zone,
    wall,
    startOf: {
      daily: first(wall),
      weekly: first(wall - weekdayIndex * DAY),
      monthly: first(CivilTime.toEpochMs(f.year, f.month, 1, 0, 0, 0)),
      yearly: first(CivilTime.toEpochMs(f.year, 1, 1, 0, 0, 0)),
    },
    weekdayIndex,
    text: `${weekdays[weekdayIndex]} ${String(f.year).padStart(4, '0')}-${two(f.month)}-${two(f.day)}`,
  }
}

/**
 * The first instant whose local time is `wall` or later: a repeated `wall` → its first pass, a `wall` in a
 * spring-forward gap → the end of the gap (searched to the minute between the instants just before and
 * just after it; once per local day).
 */
const firstInstantFrom = (zone: IANAZone, wall: number, memo: CalendarMemo): number => {
  const shows = (t: number): number => t + zone.offset(t) * MINUTE
  const t = instantOfWallTime(zone, wall, memo)
  if (shows(t) === wall) return t
  let lo = wall - zone.offset(wall + DAY) * MINUTE // shows a time before the gap
  let hi = t // shows a time after it
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE
    if (shows(mid) >= wall) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * The start of the local hour `wall` shown at offset `offset`: the last instant the clock read hh:00, or,
 * when an offset change jumped past hh:00 into the hour (Chatham's 02:45 → 03:45, Lord Howe's 02:00 →
 * 02:30), the jump itself. A repeated hour reads hh:00 again and starts anew on each pass (Vienna's 02:00
 * twice); an hour the clock shows without a break across a change that never reads hh:00 again (Lord
 * Howe's 01:59 +11 → 01:30 +10:30) is one hour, started at its hh:00 before the change. Never after `now`.
 */
/** The one offset change in (lo, hi] (offsets at the ends differ): its first instant, to the ms. */
const changeIn = (zone: IANAZone, lo0: number, hi0: number): number => {
  const target = zone.offset(hi0)
  let lo = lo0
  let hi = hi0
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (zone.offset(mid) === target) hi = mid
    else lo = mid
  }
  return hi
}

const hourPart = (z: ZonePart, run: OffsetPart, offset: number, wall: number, now: number): HourPart => {
  const hh00 = wall - offset * MINUTE // ≤ now: `now` shows `wall` or later at `offset`
  if (offsetAt(z, run, hh00) === offset) return { zone: z.zone, offset, wall, start: hh00 }
  // The offset changed in (hh00, now]: find the change (to the ms; once per memoised hour).
  const hi = changeIn(z.impl, hh00, now)
  const before = z.impl.offset(hi - 1)
  const shownBefore = hi - 1 + before * MINUTE
  const sameHour = Math.floor(shownBefore / HOUR) * HOUR === wall
  return { zone: z.zone, offset, wall, start: sameHour ? wall - before * MINUTE : hi }
}

interface OffsetPart {
  readonly zone: string
  /** Start of the UTC hour, epoch ms. */
  readonly from: number
  readonly atFrom: number
  /** Offset at `from + SLOT`. */
  readonly atTo: number
}

/** The offset of `zone` at `t`, read from `run` when `t` lies in an hour of one offset. */
const offsetAt = (z: ZonePart, run: OffsetPart, t: number): number =>
  run.atFrom === run.atTo && t >= run.from && t <= run.from + SLOT ? run.atFrom : z.impl.offset(t)

const offsetPart = (z: ZonePart, from: number, previous: OffsetPart | undefined): OffsetPart => ({
  zone: z.zone,
  from,
  atFrom: previous?.zone === z.zone && previous.from + SLOT === from ? previous.atTo : z.impl.offset(from),
  atTo: z.impl.offset(from + SLOT),
})

/**
 * The memo of `at` and `instantOfWallTime`: the last part computed for each key (one entry each) and the
 * wall-time conversions of sync tags (bounded). A value the caller creates and passes, not module state:
 * the functions stay pure (a memo never changes a result; `LocalCalendar.prop.test.ts` checks that any
 * sequence of calls leaves `at` equal to a fresh computation), and whoever plans many times (a daemon
 * cycle, a simulated year) keeps one memo to make luxon run O(1) times per local hour.
 */
export interface CalendarMemo {
  zone: ZonePart | undefined
  offset: OffsetPart | undefined
  day: DayPart | undefined
  hour: HourPart | undefined
  readonly wall: Map<string, number>
}

export const makeCalendarMemo = (): CalendarMemo => ({
  zone: undefined,
  offset: undefined,
  day: undefined,
  hour: undefined,
  wall: new Map(),
})

/** The calendar of `now` (epoch ms) in the IANA `zone`, or `InvalidZone`. */
export const at = (
  now: number,
  zone: string,
  memo: CalendarMemo = makeCalendarMemo(),
): E.Either<InvalidZone, LocalCalendar> => {
  const z = memo.zone?.zone === zone ? memo.zone : zonePart(zone)
  if (z === undefined || !Number.isFinite(now) || Math.abs(now) > 8.64e15) {
    return E.left({ _tag: 'InvalidZone', zone })
  }
  memo.zone = z
  const from = Math.floor(now / SLOT) * SLOT
  const run =
    memo.offset?.zone === zone && memo.offset.from === from ? memo.offset : offsetPart(z, from, memo.offset)
  memo.offset = run
  const offset = offsetAt(z, run, now)
  const local = now + offset * MINUTE
  const dayWall = Math.floor(local / DAY) * DAY
  const hourWall = Math.floor(local / HOUR) * HOUR
  const day = memo.day?.zone === zone && memo.day.wall === dayWall ? memo.day : dayPart(z, dayWall, memo)
  memo.day = day
  const hour =
    memo.hour?.zone === zone && memo.hour.offset === offset && memo.hour.wall === hourWall
      ? memo.hour
      : hourPart(z, run, offset, hourWall, now)
  memo.hour = hour
  const h = Math.floor((local - dayWall) / HOUR)
  const m = Math.floor((local - hourWall) / MINUTE)
  return E.right({
    zone,
    now,
    startOf: { hourly: hour.start, ...day.startOf },
    weekdayIndex: day.weekdayIndex,
    hour: h,
    localTime: `${day.text} ${two(h)}:${two(m)} ${zone}`,
    zoneImpl: z.impl,
  })
}

// -------------------------------------------------------------------------------------
// local wall time → instant
// -------------------------------------------------------------------------------------

/**
 * The instant of a local wall-clock time given as "civil ms" (the wall time read as if it were UTC), per
 * core-decisions.md §6: a time in a spring-forward gap is read with the offset *before* the gap; an ambiguous
 * fall-back time as the *earlier* instant.
 */
export const instantOfWallTime = (zone: IANAZone, wall: number, memo?: CalendarMemo): number => {
  if (memo === undefined) return convertWallTime(zone, wall)
  // Sync tags are re-read every cycle: a caller that keeps its memo converts each once (bounded).
  const key = `${zone.name}|${wall}`
  const known = memo.wall.get(key)
  if (known !== undefined) return known
  if (memo.wall.size >= 4096) memo.wall.clear()
  const instant = convertWallTime(zone, wall)
  memo.wall.set(key, instant)
  return instant
}

const convertWallTime = (zone: IANAZone, wall: number): number => {
  // Offsets (minutes) a day before and after bracket any single transition near `wall`.
  const before = zone.offset(wall - DAY)
  const after = zone.offset(wall + DAY)
  const viaBefore = wall - before * 60_000
  const viaAfter = wall - after * 60_000
  const beforeFits = zone.offset(viaBefore) === before
  const afterFits = zone.offset(viaAfter) === after
  if (beforeFits && afterFits) return Math.min(viaBefore, viaAfter) // ambiguous (or no transition)
  if (afterFits) return viaAfter
  return viaBefore // fits, or a gap: the offset before the gap
}

// -------------------------------------------------------------------------------------
// what comes next (for `NextDue`)
// -------------------------------------------------------------------------------------

/**
 * The next instant after `now` at which the calendar may change (hour, weekday, any start of), never later
 * than the next hour start: local hh+1:00 at the offset of `now`, or the offset change before it (an hour
 * start itself, or a point where nothing may change: early is allowed, late never). Undefined for an
 * invalid zone.
 */
export const nextHourStart = (now: number, zone: string): number | undefined => {
  const z = IANAZone.create(zone)
  if (!z.isValid) return undefined
  const o = z.offset(now)
  const next = Math.floor((now + o * MINUTE) / HOUR) * HOUR + HOUR - o * MINUTE
  // No zone changes its offset and back within hours: equal offsets at both ends mean none between.
  return z.offset(next) === o ? next : changeIn(z, now, next)
}

/**
 * The next instant after `now` at which the local date may change: the first instant of the next local
 * date, or the offset change before it (early is allowed, late never). Undefined for an invalid zone.
 */
export const nextDayStart = (now: number, zone: string, memo: CalendarMemo): number | undefined => {
  const z = IANAZone.create(zone)
  if (!z.isValid) return undefined
  const o = z.offset(now)
  const next = firstInstantFrom(z, Math.floor((now + o * MINUTE) / DAY) * DAY + DAY, memo)
  return z.offset(next - 1) === o ? next : changeIn(z, now, next - 1)
}

/** The local weekday (0 = Monday) and hour at `t`, as `at` gives them, for schedule windows. */
export const weekdayAndHour = (
  t: number,
  zone: IANAZone,
): { readonly weekdayIndex: number; readonly hour: number } => {
  const local = t + zone.offset(t) * MINUTE
  const days = Math.floor(local / DAY)
  return { weekdayIndex: (((days + 3) % 7) + 7) % 7, hour: Math.floor((local - days * DAY) / HOUR) }
}
