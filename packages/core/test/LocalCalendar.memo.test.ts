import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as LocalCalendar from '../src/LocalCalendar.js'

// `at` memoises its parts in the caller's `CalendarMemo` (offset per UTC hour, day starts per local date, hour start per offset and local
// hour) for `simulate`'s year of 10-minute cycles. The result must equal a computation after every memo
// entry was replaced, above all around DST changes, including the zones whose changes are not whole hours
// or happen at midnight.
const zones = [
  'Europe/Vienna',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/St_Johns',
  'America/Havana',
  'Asia/Gaza',
]

describe('LocalCalendar.at reuse', () => {
  it.each(zones)('equals a fresh computation around every transition of 2026 in %s', (zone) => {
    const z = IANAZone.create(zone)
    const from = Date.parse('2026-01-01T00:00:00Z')
    let checked = 0
    const memo = LocalCalendar.makeCalendarMemo()
    // Offset at each UTC midnight from the day before `from`: a change between two of them marks a transition.
    const daily = Array.from({ length: 368 }, (_, d) => z.offset(from + (d - 1) * 86_400_000))
    for (let now = from; now < from + 365 * 86_400_000; now += 600_000) {
      const reused = LocalCalendar.at(now, zone, memo)
      const d = Math.floor((now - from) / 86_400_000) + 1
      const near = daily[d - 1] !== daily[d + 1]
      if (near || now % (499 * 600_000) === 0) {
        expect(LocalCalendar.at(now, zone)).toEqual(reused) // without a memo
        LocalCalendar.at(now + 1, 'Asia/Tokyo', memo) // replace every entry
        expect(LocalCalendar.at(now, zone, memo)).toEqual(reused)
        LocalCalendar.at(now - 600_000, zone, memo) // re-prime from the previous cycle, as a simulation would
        checked++
      }
    }
    expect(checked).toBeGreaterThan(100)
  })
})
