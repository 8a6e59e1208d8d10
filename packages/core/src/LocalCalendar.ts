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
import { DateTime, IANAZone } from 'luxon'
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

const compute = (now: number, zone: string): E.Either<InvalidZone, LocalCalendar> => {
  const zoneImpl = IANAZone.create(zone)
  const local = DateTime.fromMillis(now, { zone: zoneImpl })
  if (!zoneImpl.isValid || !local.isValid) return E.left({ _tag: 'InvalidZone', zone })
  return E.right({
    zone,
    now,
    startOf: {
      hourly: local.startOf('hour').toMillis(),
      daily: local.startOf('day').toMillis(),
      weekly: local.startOf('week').toMillis(), // luxon weeks are ISO weeks: Monday start
      monthly: local.startOf('month').toMillis(),
      yearly: local.startOf('year').toMillis(),
    },
    weekdayIndex: local.weekday - 1,
    hour: local.hour,
    localTime: `${local.toFormat('ccc yyyy-MM-dd HH:mm')} ${zone}`,
    zoneImpl,
  })
}

// One entry is enough: a runner plans all datasets of a cycle with the same `now` and zone, so luxon runs
// O(1) times per cycle instead of per dataset. Memoising a pure function keeps it pure.
// The entry is also reused while `now` stays inside the same local day and that whole day has one UTC
// offset (the `simulate` tool plans a year of cycles minutes apart): the day, week, month and year starts
// cannot change there, and the hour start, hour and minute follow by arithmetic. A day with a DST change
// is computed afresh each time.
interface Memo {
  readonly now: number
  readonly zone: string
  readonly value: E.Either<InvalidZone, LocalCalendar>
  /** True when [day start, day start + 24 h) is one local day at one offset, holding `now`. */
  readonly wholeDay: boolean
  /** `ccc yyyy-MM-dd` of the day. */
  readonly dayText: string
}

const HOUR = 3_600_000
const DAY = 86_400_000

const fresh = (now: number, zone: string): Memo => {
  const value = compute(now, zone)
  if (E.isLeft(value)) return { now, zone, value, wholeDay: false, dayText: '' }
  const c = value.right
  const day = c.startOf.daily
  const offset = c.zoneImpl.offset(day)
  // No zone changes offset twice within a day, so equal offsets at both ends mean one offset throughout.
  // Checking the local midnight and that `now` lies inside also rules out luxon's approximations near jumps
  // that are not whole hours (Lord Howe Island, Chatham Islands).
  const wholeDay =
    offset === c.zoneImpl.offset(day + DAY - 1) &&
    (day + offset * 60_000) % DAY === 0 &&
    now - day >= 0 &&
    now - day < DAY
  const time = c.localTime.length - zone.length - 7 // `… HH:mm <zone>`
  return { now, zone, value, wholeDay, dayText: c.localTime.slice(0, time) }
}

let last: Memo = fresh(0, 'UTC')

const sameDay = (m: Memo, now: number, zone: string): LocalCalendar | undefined => {
  if (m.zone !== zone || E.isLeft(m.value) || !m.wholeDay) return undefined
  const c = m.value.right
  const elapsed = now - c.startOf.daily
  if (elapsed < 0 || elapsed >= DAY) return undefined
  const hour = Math.floor(elapsed / HOUR)
  const minute = Math.floor((elapsed % HOUR) / 60_000)
  const two = (n: number): string => String(n).padStart(2, '0')
  return {
    ...c,
    now,
    startOf: { ...c.startOf, hourly: c.startOf.daily + hour * HOUR },
    hour,
    localTime: `${m.dayText} ${two(hour)}:${two(minute)} ${zone}`,
  }
}

/** The calendar of `now` (epoch ms) in the IANA `zone`, or `InvalidZone`. */
export const at = (now: number, zone: string): E.Either<InvalidZone, LocalCalendar> => {
  if (last.now === now && last.zone === zone) return last.value
  const reused = sameDay(last, now, zone)
  last = reused === undefined ? fresh(now, zone) : { ...last, now, value: E.right(reused) }
  return last.value
}

// -------------------------------------------------------------------------------------
// local wall time → instant
// -------------------------------------------------------------------------------------

const dayMs = 86_400_000

/**
 * The instant of a local wall-clock time given as "civil ms" (the wall time read as if it were UTC), per
 * decisions.md §6: a time in a spring-forward gap is read with the offset *before* the gap; an ambiguous
 * fall-back time as the *earlier* instant.
 */
export const instantOfWallTime = (zone: IANAZone, wall: number): number => {
  // Sync tags are re-read every cycle: remember their conversions (bounded; pure, so safe to memoise).
  const key = `${zone.name}|${wall}`
  const known = wallMemo.get(key)
  if (known !== undefined) return known
  if (wallMemo.size >= 4096) wallMemo.clear()
  const instant = convertWallTime(zone, wall)
  wallMemo.set(key, instant)
  return instant
}

const wallMemo = new Map<string, number>()

const convertWallTime = (zone: IANAZone, wall: number): number => {
  // Offsets (minutes) a day before and after bracket any single transition near `wall`.
  const before = zone.offset(wall - dayMs)
  const after = zone.offset(wall + dayMs)
  const viaBefore = wall - before * 60_000
  const viaAfter = wall - after * 60_000
  const beforeFits = zone.offset(viaBefore) === before
  const afterFits = zone.offset(viaAfter) === after
  if (beforeFits && afterFits) return Math.min(viaBefore, viaAfter) // ambiguous (or no transition)
  if (afterFits) return viaAfter
  return viaBefore // fits, or a gap: the offset before the gap
}
