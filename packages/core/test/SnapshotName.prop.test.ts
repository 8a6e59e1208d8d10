import fc from 'fast-check'
import * as O from 'fp-ts/lib/Option.js'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import * as SnapshotName from '../src/SnapshotName.js'
import * as ST from '../src/SnapshotType.js'
import { foreignNameArb, minuteArb, snapshotTypeArb } from '../src/testing/index.js'
import { runs } from './runs.js'

// Oracle: the documented regex plus luxon's calendar, independent of the hand-written parser.
const pattern = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4}-\d{2}-\d{2}-\d{2}-\d{2})$/
const oracle = (name: string) => {
  const m = pattern.exec(name)
  if (!m) return O.none
  const t = DateTime.fromFormat(m[2]!, 'yyyy-MM-dd-HH-mm', { zone: 'UTC' })
  return t.isValid ? O.some({ type: m[1], at: t.toMillis() }) : O.none
}

/** Strings shaped like ours with arbitrary (often impossible) digits and occasional junk. */
const nearlyOurs = fc
  .tuple(
    fc.constantFrom(...ST.all, 'Hourly', 'hour', 'my_frequent'),
    fc.constantFrom('_backup_', '_backup-', 'backup_'),
    fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 5, maxLength: 5 }),
    fc.constantFrom('', '\n', '_x', '0'),
  )
  .map(([t, infix, [y, mo, d, h, mi], tail]) => {
    const p = (n: number) => String(n).padStart(2, '0')
    return `${t}${infix}20${p(y!)}-${p(mo!)}-${p(d!)}-${p(h!)}-${p(mi!)}${tail}`
  })

describe('SnapshotName properties', () => {
  it('parse agrees with the regex + calendar oracle', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyOurs, foreignNameArb, fc.string({ maxLength: 40 })), (name) => {
        expect(SnapshotName.parse(name)).toEqual(oracle(name))
      }),
      runs(2000),
    )
  })

  it('format then parse gives back the type and the UTC minute', () => {
    fc.assert(
      fc.property(snapshotTypeArb, minuteArb(), fc.integer({ min: 0, max: 59_999 }), (type, at, ms) => {
        expect(SnapshotName.parse(SnapshotName.format(type, at + ms))).toEqual(O.some({ type, at }))
      }),
      runs(1000),
    )
  })

  it('parseList agrees with parse name by name', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nearlyOurs, foreignNameArb), { maxLength: 20 }), (names) => {
        const list = SnapshotName.parseList(names)
        names.forEach((n, i) => {
          const p = SnapshotName.parseOrUndefined(n)
          expect(
            list.typeIndex[i] === -1 ? undefined : { type: ST.all[list.typeIndex[i]!], at: list.at[i] },
          ).toEqual(p)
        })
      }),
      runs(300),
    )
  })
})
