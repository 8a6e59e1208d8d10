import fc from 'fast-check'
import { DateTime, IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as LocalCalendar from '../src/LocalCalendar.js'
import * as SyncHold from '../src/SyncHold.js'
import { hostArb, minuteArb, zoneArb } from '../src/testing/index.js'
import { runs } from './runs.js'

/** Local wall times within hours of the 2026 DST changes of the zones in `zoneArb` (gaps and overlaps). */
const nearTransitions = fc
  .tuple(
    fc.constantFrom(
      '2026-03-29',
      '2026-10-25',
      '2026-03-08',
      '2026-11-01',
      '2026-04-05',
      '2026-10-04',
      '2026-04-05',
      '2026-09-06',
    ),
    fc.integer({ min: -180, max: 240 }),
  )
  .map(([day, minutes]) => Date.parse(`${day}T00:00:00Z`) + minutes * 60_000)

describe('SyncHold / LocalCalendar properties', () => {
  it('formatTag then parseTag gives back host and local time', () => {
    fc.assert(
      fc.property(hostArb, minuteArb(), fc.integer({ min: 0, max: 59 }), (host, wall, s) => {
        expect(SyncHold.parseTag(SyncHold.formatTag(wall + s * 1000, host))).toMatchObject({
          host,
          wall: wall + s * 1000,
        })
      }),
      runs(500),
    )
  })

  it('instantOfWallTime: the earliest instant showing the wall time; in a gap, the offset before it', () => {
    fc.assert(
      fc.property(zoneArb, fc.oneof(minuteArb(), nearTransitions), (zone, wall) => {
        const z = IANAZone.create(zone)
        const instant = LocalCalendar.instantOfWallTime(z, wall)
        const shows = (t: number) => t + z.offset(t) * 60_000 === wall
        const w = DateTime.fromMillis(wall, { zone: 'UTC' })
        const viaLuxon = DateTime.fromObject(
          { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute },
          { zone },
        )
        const exists = viaLuxon.hour === w.hour && viaLuxon.minute === w.minute && viaLuxon.day === w.day
        if (exists) {
          expect(shows(instant)).toBe(true)
          for (const back of [30, 60, 90, 120]) expect(shows(instant - back * 60_000)).toBe(false)
        } else {
          expect(shows(instant)).toBe(false)
          expect(instant).toBe(wall - z.offset(wall - 86_400_000) * 60_000)
        }
      }),
      runs(1000),
    )
  })
})
