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

  it('rejects an unknown zone', () => {
    expect(LocalCalendar.at(0, 'Mars/Olympus')).toEqual({
      _tag: 'Left',
      left: { _tag: 'InvalidZone', zone: 'Mars/Olympus' },
    })
  })
})

describe('LocalCalendar.instantOfWallTime (decisions.md §6)', () => {
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
