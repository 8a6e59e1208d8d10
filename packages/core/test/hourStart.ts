import { DateTime } from 'luxon'

/**
 * Oracle for the start of the local hour holding `t` in `zone`, by brute force and luxon alone: walking back
 * a minute at a time from `t`, the latest instant at which the clock read hh:00 (hh the hour `t` shows), or,
 * when the clock never read hh:00 since it started showing hh (an offset change jumped into the middle of
 * the hour, as at Chatham's 02:45 → 03:45 or Lord Howe's 02:00 → 02:30), the first instant it showed hh.
 * A repeated hour (Vienna's 02:00–02:59 twice) reads hh:00 on each pass, so each pass is its own hour; an
 * hour whose second pass starts mid-hour with no break in what the clock shows (Lord Howe's 01:59 → 01:30)
 * is one hour of 90 minutes. Whole-minute offsets assumed (every zone since 1970).
 */
export const hourStartOracle = (t: number, zone: string): number => {
  const shown = (u: number) => DateTime.fromMillis(u, { zone })
  const label = (u: number) => shown(u).toFormat('yyyy-MM-dd HH')
  const hour = label(t)
  for (let m = Math.floor(t / 60_000) * 60_000; ; m -= 60_000) {
    if (shown(m).minute === 0 || label(m - 60_000) !== hour) return m
  }
}
