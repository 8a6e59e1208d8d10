import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as LocalCalendar from '../src/LocalCalendar.js'
import { hourStartOracle } from './hourStart.js'
import { runs } from './runs.js'

import { changes, from, to, zones } from './zones.js'

/** An instant (any ms) in the zone, half the time within 30 hours of one of its offset changes. */
const instantIn = (zone: (typeof zones)[number]) => {
  const near = changes.get(zone)!
  const anywhere = fc.integer({ min: from, max: to - 1 })
  if (near.length === 0) return anywhere
  return fc.oneof(
    anywhere,
    fc
      .tuple(fc.constantFrom(...near), fc.integer({ min: -30 * 3_600_000, max: 30 * 3_600_000 }))
      .map(([t, d]) => t + d),
  )
}
const callArb = fc.constantFrom(...zones).chain((zone) => instantIn(zone).map((now) => ({ now, zone })))

const date = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toISODate()!

describe('LocalCalendar.at against luxon', () => {
  it('has transitions to test in every zone with DST', () => {
    for (const z of ['Europe/Vienna', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Chatham'])
      expect(changes.get(z as (typeof zones)[number])!.length).toBeGreaterThanOrEqual(8)
  })

  it('hour, weekday and local time are luxon’s; the hour starts when the clock last read hh:00 or first showed hh; day/week/month/year start at the first instant of their local date', () => {
    fc.assert(
      fc.property(callArb, ({ now, zone }) => {
        const c = LocalCalendar.at(now, zone)
        if (c._tag === 'Left') throw new Error(`${zone} rejected`)
        const l = DateTime.fromMillis(now, { zone })
        expect(c.right.hour).toBe(l.hour)
        expect(c.right.weekdayIndex).toBe(l.weekday - 1)
        expect(c.right.localTime).toBe(`${l.toFormat('ccc yyyy-MM-dd HH:mm')} ${zone}`)
        const hour = c.right.startOf.hourly
        expect(hour).toBeLessThanOrEqual(now)
        expect(DateTime.fromMillis(hour, { zone }).hour).toBe(l.hour)
        expect(hour).toBe(hourStartOracle(now, zone))
        const expected = {
          daily: l.toISODate()!,
          weekly: l.startOf('week').toISODate()!,
          monthly: l.startOf('month').toISODate()!,
          yearly: l.startOf('year').toISODate()!,
        }
        for (const unit of ['daily', 'weekly', 'monthly', 'yearly'] as const) {
          const start = c.right.startOf[unit]
          expect(start).toBeLessThanOrEqual(now)
          expect(date(start, zone)).toBe(expected[unit])
          expect(date(start - 60_000, zone) < expected[unit]).toBe(true) // nothing earlier has that date
        }
      }),
      runs(1000),
    )
  })

  it('gives the same result whatever was asked before (the memo is invisible), zones switching freely', () => {
    fc.assert(
      fc.property(fc.array(callArb, { minLength: 1, maxLength: 12 }), callArb, (before, call) => {
        const memo = LocalCalendar.makeCalendarMemo()
        const fresh = LocalCalendar.at(call.now, call.zone) // no memo at all
        for (const b of before) LocalCalendar.at(b.now, b.zone, memo)
        expect(LocalCalendar.at(call.now, call.zone, memo)).toEqual(fresh)
        // The same local day asked again a minute later, as cycles do, reuses and still agrees.
        LocalCalendar.at(call.now - 60_000, call.zone, memo)
        expect(LocalCalendar.at(call.now, call.zone, memo)).toEqual(fresh)
      }),
      runs(300),
    )
  })
})
