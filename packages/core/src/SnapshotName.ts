/**
 * The names of the snapshots we create: `<type>_backup_YYYY-MM-DD-HH-MM`, time in UTC. Only names matching
 * this exact pattern (with a real calendar date) are ours; everything else (`my_frequent_manual`,
 * `hourly_backup_2026-02-30-00-00`, `auto_…`) is foreign and never touched.
 *
 * Equivalent to `^(frequent|hourly|daily|weekly|monthly|yearly)_backup_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$` plus a
 * calendar check, hand-written because it runs on every snapshot of every dataset each cycle.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js'
import * as CivilTime from './CivilTime.js'
import type { SnapshotType } from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface SnapshotName {
  readonly type: SnapshotType
  /** The UTC minute in the name, epoch milliseconds. */
  readonly at: number
}

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

const typeByFirstChar: Readonly<Record<string, SnapshotType>> = {
  f: 'frequent',
  h: 'hourly',
  d: 'daily',
  w: 'weekly',
  m: 'monthly',
  y: 'yearly',
}

const infix = '_backup_'

/** The name as ours, or `undefined` when it is foreign. Allocation-free on foreign names (hot path). */
export const parseOrUndefined = (name: string): SnapshotName | undefined => {
  const type = typeByFirstChar[name.charAt(0)]
  if (type === undefined || !name.startsWith(type) || !name.startsWith(infix, type.length)) return undefined
  const at = CivilTime.readStamp(name, type.length + infix.length, false)
  return Number.isNaN(at) ? undefined : { type, at }
}

/** A whole listing parsed without a per-name allocation: `typeIndex[i]` indexes `SnapshotType.all` (-1 = foreign). */
export interface ParsedList {
  readonly typeIndex: Int8Array
  /** UTC minute in the name (epoch ms); NaN for foreign names. */
  readonly at: Float64Array
}

const indexOfType: Readonly<Record<SnapshotType, number>> = {
  frequent: 0,
  hourly: 1,
  daily: 2,
  weekly: 3,
  monthly: 4,
  yearly: 5,
}

/** Parses every name of a listing into flat arrays (the planner's hot path: 1M names per cycle). */
export const parseList = (names: ReadonlyArray<string>): ParsedList => {
  const typeIndex = new Int8Array(names.length)
  const at = new Float64Array(names.length)
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const type = typeByFirstChar[name.charAt(0)]
    const t =
      type === undefined || !name.startsWith(type) || !name.startsWith(infix, type.length)
        ? Number.NaN
        : CivilTime.readStamp(name, type.length + infix.length, false)
    typeIndex[i] = Number.isNaN(t) ? -1 : indexOfType[type!]
    at[i] = t
  }
  return { typeIndex, at }
}

/** The type and UTC minute of one of our snapshot names, `None` for a foreign name. */
export const parse = (name: string): O.Option<SnapshotName> => O.fromNullable(parseOrUndefined(name))

/** True for names we created (and only those may ever be destroyed). */
export const isOurs = (name: string): boolean => parseOrUndefined(name) !== undefined

// -------------------------------------------------------------------------------------
// formatting
// -------------------------------------------------------------------------------------

/** `<type>_backup_YYYY-MM-DD-HH-MM` for the UTC minute containing `at` (epoch ms). */
export const format = (type: SnapshotType, at: number): string =>
  type + infix + CivilTime.formatStamp(Math.floor(at / 60_000) * 60_000)
