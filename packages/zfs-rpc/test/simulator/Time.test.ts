import { describe, expect, it } from 'vitest'
import { checkZone, isoUtc, localTime } from '../../src/testing/Time.js'

describe('Time: the formats the real API emits', () => {
  it.each([
    [Date.UTC(2026, 10, 27, 1, 59, 37, 982), '2026-11-27T01:59:37.982000+00:00'],
    [Date.UTC(2026, 0, 1), '2026-01-01T00:00:00.000000+00:00'],
  ])('isoUtc(%i) = %s', (ms, iso) => {
    expect(isoUtc(ms)).toBe(iso)
  })

  it.each([
    // Vienna: CET (+1) in winter, CEST (+2) in summer; 2026-10-25 01:00 UTC the clocks fall back.
    [Date.UTC(2026, 10, 27, 1, 0, 25), 'Europe/Vienna', '2026-11-27-02-00-25'],
    [Date.UTC(2026, 6, 1, 12, 0, 0), 'Europe/Vienna', '2026-07-01-14-00-00'],
    [Date.UTC(2026, 9, 25, 0, 30, 0), 'Europe/Vienna', '2026-10-25-02-30-00'],
    [Date.UTC(2026, 9, 25, 1, 30, 0), 'Europe/Vienna', '2026-10-25-02-30-00'],
    [Date.UTC(2026, 10, 27, 1, 0, 25), 'UTC', '2026-11-27-01-00-25'],
  ])('localTime(%i, %s) = %s (a sync tag time; the fall-back hour repeats)', (ms, zone, text) => {
    expect(localTime(ms, zone, 'yyyy-MM-dd-HH-mm-ss')).toBe(text)
  })

  it('checkZone rejects a zone luxon does not know', () => {
    expect(checkZone('Europe/Vienna')).toBe('Europe/Vienna')
    expect(() => checkZone('Mars/Olympus')).toThrow('invalid IANA time zone: Mars/Olympus')
  })
})
