/**
 * Calendar arithmetic on civil (wall-clock) times without a time library: validating a date and turning
 * `Y-M-D h:m[:s]` into milliseconds since the epoch *as if* it were UTC. Used on every snapshot name, so it
 * must not allocate or call into luxon (1M names per planning round).
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** Days in month `m` (1..12) of year `y`. */
export const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31

/** True when the fields name a real calendar minute/second (e.g. no Feb 30, no hour 24). */
export const isValid = (y: number, mo: number, d: number, h: number, mi: number, s: number): boolean =>
  mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export const daysFromCivil = (y0: number, m: number, d: number): number => {
  const y = m <= 2 ? y0 - 1 : y0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Epoch milliseconds of the civil time read as UTC. The caller has checked `isValid`. */
export const toEpochMs = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000

/** Two ASCII digits at `i` as a number, or -1 when either is not a digit. */
export const twoDigits = (text: string, i: number): number => {
  const a = text.charCodeAt(i) - 48
  const b = text.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** Four ASCII digits at `i` as a number, or -1. */
export const fourDigits = (text: string, i: number): number => {
  const hi = twoDigits(text, i)
  const lo = twoDigits(text, i + 2)
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo
}

export interface CivilFields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
}

/**
 * Reads `YYYY-MM-DD-HH-MM` (`withSeconds` false) or `YYYY-MM-DD-HH-MM-SS` starting at `i` and running to the
 * end of `text`; returns the civil time as UTC epoch ms, or NaN when the shape or the calendar is wrong.
 */
export const readStamp = (text: string, i: number, withSeconds: boolean): number => {
  if (text.length !== i + (withSeconds ? 19 : 16)) return Number.NaN
  if (
    text.charCodeAt(i + 4) !== 45 ||
    text.charCodeAt(i + 7) !== 45 ||
    text.charCodeAt(i + 10) !== 45 ||
    text.charCodeAt(i + 13) !== 45 ||
    (withSeconds && text.charCodeAt(i + 16) !== 45)
  ) {
    return Number.NaN
  }
  const y = fourDigits(text, i)
  const mo = twoDigits(text, i + 5)
  const d = twoDigits(text, i + 8)
  const h = twoDigits(text, i + 11)
  const mi = twoDigits(text, i + 14)
  const s = withSeconds ? twoDigits(text, i + 17) : 0
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return Number.NaN
  return isValid(y, mo, d, h, mi, s) ? toEpochMs(y, mo, d, h, mi, s) : Number.NaN
}

/** Civil fields of an epoch (read as UTC), inverse of `toEpochMs` (H. Hinnant's `civil_from_days`). */
export const fromEpochMs = (ms: number): CivilFields => {
  const z0 = Math.floor(ms / 86_400_000)
  const rest = ms - z0 * 86_400_000
  const z = z0 + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const secs = Math.floor(rest / 1000)
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
  }
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n

/** `YYYY-MM-DD-HH-MM` of an epoch read as UTC (years 0..9999). */
export const formatStamp = (ms: number): string => {
  const f = fromEpochMs(ms)
  return `${String(f.year).padStart(4, '0')}-${pad2(f.month)}-${pad2(f.day)}-${pad2(f.hour)}-${pad2(f.minute)}`
}
