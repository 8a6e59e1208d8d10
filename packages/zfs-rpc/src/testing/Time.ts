/**
 * Time formats the real API emits: Python `datetime.isoformat()` in UTC (microseconds, `+00:00`) and
 * `strftime` in the API host's local zone.
 *
 * @since 0.1.0
 */
import { DateTime } from 'luxon'

/** `2026-11-27T01:59:37.982000+00:00` */
export const isoUtc = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00')

/** Local wall time of the API host in `zone`, formatted with a luxon pattern. */
export const localTime = (ms: number, zone: string, pattern: string): string =>
  DateTime.fromMillis(ms, { zone }).toFormat(pattern)

/** Throws when `zone` is not a valid IANA zone, so a typo fails at start-up, not in a hold tag. */
export const checkZone = (zone: string): string => {
  if (!DateTime.fromMillis(0, { zone }).isValid) throw new Error(`invalid IANA time zone: ${zone}`)
  return zone
}
