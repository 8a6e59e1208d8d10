/**
 * Weekly schedule windows: `days` (7 chars, Monday first) and `hours` (24 chars) masks of `0`/`1`, evaluated
 * on the local weekday and hour in the configured zone.
 *
 * @since 0.1.0
 */
import type { LocalCalendar } from './LocalCalendar.js'
import type { ScheduleWindow } from './Policy.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Open every hour of every day (the default of `server.schedule` and `remote_sync`). */
export const always: ScheduleWindow = { days: '1111111', hours: '1'.repeat(24) }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * True when the window is open at the calendar's local weekday and hour. Any character other than `1`
 * (or a mask too short) counts as closed: a malformed mask can only suppress work, never cause it.
 */
export const isOpen = (
  window: ScheduleWindow,
  calendar: Pick<LocalCalendar, 'weekdayIndex' | 'hour'>,
): boolean => window.days.charAt(calendar.weekdayIndex) === '1' && window.hours.charAt(calendar.hour) === '1'
