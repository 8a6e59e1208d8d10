import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as LocalCalendar from '../src/LocalCalendar.js'
import { utc } from './fixtures.js'

const vienna = IANAZone.create('Europe/Vienna')
/** A local wall time written as ISO without zone, read as civil ms. */
const wall = (local: string) => utc(`${local}Z`)

describe('LocalCalendar.at', () => {
  it('gives the Monday start of week and the zone-local hour', () => {
    const c = LocalCalendar.at(utc('2026-11-27T09:30:00Z'), 'Europe/Vienna')
    expect(c._tag).toBe('Right')
    if (c._tag !== 'Right') return
    expect(c.right.startOf).toEqual({
      hourly: utc('2026-11-27T09:00:00Z'),
      daily: utc('2026-11-26T23:00:00Z'),
      weekly: utc('2026-11-22T23:00:00Z'), // Monday 2026-11-23 00:00 local
      monthly: utc('2026-10-31T23:00:00Z'),
      yearly: utc('2025-12-31T23:00:00Z'),
    })
    expect(c.right.weekdayIndex).toBe(4) // Friday
    expect(c.right.hour).toBe(10)
  })

  it('starts the repeated hour of a fall-back day at its own instant', () => {
    // 2026-10-25 02:30 CET (second pass) = 01:30Z; its hour started 01:00Z, not at the first 02:00 (00:00Z).
    const c = LocalCalendar.at(utc('2026-10-25T01:30:00Z'), 'Europe/Vienna')
    expect(c._tag === 'Right' && c.right.startOf.hourly).toBe(utc('2026-10-25T01:00:00Z'))
  })

  // Offset changes that are not whole hours move the clock into (or back within) an hour. The hour starts
  // when the clock last read hh:00, or, when it jumped past hh:00, at the jump: never after `now`.
  it.each([
    // zone, now, start of its hour, what the clock shows
    // Chatham spring-forward 2026-09-27 02:45 +12:45 → 03:45 +13:45 (14:00Z): hour 03 is 03:45–03:59.
    ['Pacific/Chatham', '2026-09-26T14:10:00Z', '2026-09-26T14:00:00Z'], // 03:55 +13:45 (luxon said 14:15Z)
    ['Pacific/Chatham', '2026-09-26T14:00:00Z', '2026-09-26T14:00:00Z'], // 03:45, the jump itself
    ['Pacific/Chatham', '2026-09-26T13:59:00Z', '2026-09-26T13:15:00Z'], // 02:44 +12:45, hour 02 from 02:00
    ['Pacific/Chatham', '2026-09-26T14:15:00Z', '2026-09-26T14:15:00Z'], // 04:00
    // Chatham fall-back 2026-04-05 03:45 +13:45 → 02:45 +12:45 (14:00Z): hour 02 comes again, from 02:45.
    ['Pacific/Chatham', '2026-04-04T14:10:00Z', '2026-04-04T14:00:00Z'], // 02:55 +12:45, second pass
    ['Pacific/Chatham', '2026-04-04T13:50:00Z', '2026-04-04T13:15:00Z'], // 03:35 +13:45, first pass of 03
    ['Pacific/Chatham', '2026-04-04T14:20:00Z', '2026-04-04T14:15:00Z'], // 03:05 +12:45, second pass of 03
    // Lord Howe spring-forward 2026-10-04 02:00 +10:30 → 02:30 +11 (15:30Z): hour 02 is 02:30–02:59.
    ['Australia/Lord_Howe', '2026-10-03T15:40:00Z', '2026-10-03T15:30:00Z'], // 02:40 +11
    // Lord Howe fall-back 2026-04-05 02:00 +11 → 01:30 +10:30 (15:00Z): the clock shows 01 without a
    // break from 01:00 +11 to 01:59 +10:30 and never reads 01:00 again: one hour of 90 minutes.
    ['Australia/Lord_Howe', '2026-04-04T15:10:00Z', '2026-04-04T14:00:00Z'], // 01:40 +10:30
    ['Australia/Lord_Howe', '2026-04-04T15:30:00Z', '2026-04-04T15:30:00Z'], // 02:00 +10:30
  ])('in %s at %s the hour started at %s', (zone, now, start) => {
    const c = LocalCalendar.at(utc(now), zone)
    expect(c._tag === 'Right' && c.right.startOf.hourly).toBe(utc(start))
  })

  it('rejects an unknown zone', () => {
    expect(LocalCalendar.at(0, 'Mars/Olympus')).toEqual({
      _tag: 'Left',
      left: { _tag: 'InvalidZone', zone: 'Mars/Olympus' },
    })
  })
})

describe('LocalCalendar.instantOfWallTime (core-decisions.md §6)', () => {
  it.each([
    ['2026-11-27T10:00:00', '2026-11-27T09:00:00Z'], // CET
    ['2026-07-01T10:00:00', '2026-07-01T08:00:00Z'], // CEST
    ['2026-03-29T02:30:00', '2026-03-29T01:30:00Z'], // in the spring-forward gap: offset before the gap (+1)
    ['2026-03-29T03:00:00', '2026-03-29T01:00:00Z'], // first valid time after the gap
    ['2026-10-25T02:30:00', '2026-10-25T00:30:00Z'], // ambiguous: the earlier instant (CEST)
    ['2026-10-25T03:00:00', '2026-10-25T02:00:00Z'],
  ])('reads local %s in Vienna as %s', (local, instant) => {
    expect(LocalCalendar.instantOfWallTime(vienna, wall(local))).toBe(utc(instant))
  })

  it('is the identity in UTC', () => {
    expect(LocalCalendar.instantOfWallTime(IANAZone.create('UTC'), wall('2026-03-29T02:30:00'))).toBe(
      utc('2026-03-29T02:30:00Z'),
    )
  })
})
