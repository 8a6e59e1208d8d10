import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Timeline from '../../../src/tools/svg/Timeline.js'
import { elements, parseXml } from './Xml.js'

const from = Date.parse('2026-01-01T00:00:00Z')
const to = Date.parse('2027-01-01T00:00:00Z')

const markArb: fc.Arbitrary<Timeline.Mark> = fc.record({
  at: fc.integer({ min: from - 86_400_000 * 30, max: to + 86_400_000 * 30 }),
  kind: fc.constantFrom('snap', 'hold', 'sync', 'failed'),
  label: fc.string({ maxLength: 20 }),
})
const rowArb: fc.Arbitrary<Timeline.Row> = fc.record({
  label: fc.string({ maxLength: 40 }),
  note: fc.string({ maxLength: 10 }),
  marks: fc.array(markArb, { maxLength: 30 }),
})

/** XML 1.0 cannot carry most control characters even escaped; labels come from snapshot names and hosts. */
const printable = (s: string) => [...s].every((c) => c >= ' ' || c === '\n' || c === '\t')

describe('Timeline.render properties', () => {
  it('is well-formed for any labels, with one mark element per input mark, its label as title, inside the plot', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 8 }),
        fc.constantFrom('UTC', 'Europe/Vienna', 'Pacific/Chatham'),
        (rows, zone) => {
          fc.pre(
            rows.every(
              (r) => printable(r.label) && printable(r.note) && r.marks.every((m) => printable(m.label)),
            ),
          )
          const svg = parseXml(Timeline.render({ title: 't', from, to, zone, rows }))
          const marks = elements(svg).filter((e) => (e.attrs['class'] ?? '').startsWith('mark '))
          const expected = rows.flatMap((r) => r.marks)
          expect(marks.map((m) => m.attrs['class'])).toEqual(expected.map((m) => `mark ${m.kind}`))
          expect(marks.map((m) => m.children[0]?.text)).toEqual(expected.map((m) => m.label))
          const width = Number(svg.attrs['width'])
          for (const m of marks) {
            const x = Number(m.attrs['cx'] ?? m.attrs['x1'] ?? Number(m.attrs['x']) + 4)
            expect(x).toBeGreaterThanOrEqual(170)
            expect(x).toBeLessThanOrEqual(width - 130)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
