import { describe, expect, it } from 'vitest'
import * as Timeline from '../../../src/tools/svg/Timeline.js'
import { elements, parseXml } from './Xml.js'

const utc = (iso: string): number => Date.parse(iso)

const sample: Timeline.Timeline = {
  title: 'tank/data <demo> & "more"',
  from: utc('2026-01-01T00:00:00Z'),
  to: utc('2027-01-01T00:00:00Z'),
  zone: 'Europe/Vienna',
  rows: [
    {
      label: 'daily',
      note: '2 / 7',
      marks: [
        { at: utc('2026-12-30T00:00:00Z'), kind: 'snap', label: 'daily_backup_2026-12-30-00-00' },
        { at: utc('2026-12-31T00:00:00Z'), kind: 'snap', label: 'daily_backup_2026-12-31-00-00' },
      ],
    },
    {
      label: '10.0.0.5:backup/data',
      note: 'lag 2h',
      marks: [
        { at: utc('2026-12-31T00:00:00Z'), kind: 'hold', label: 'sync_2026-12-31-01-00-05_10.0.0.5' },
        { at: utc('2026-12-30T23:00:00Z'), kind: 'sync', label: 'synced' },
      ],
    },
  ],
}

describe('Timeline.render', () => {
  it('is well-formed XML with an svg root', () => {
    const root = parseXml(Timeline.render(sample))
    expect(root.name).toBe('svg')
    expect(root.attrs['xmlns']).toBe('http://www.w3.org/2000/svg')
  })

  it('draws exactly one mark per input mark, with its kind as class and its label as tooltip', () => {
    const marks = elements(parseXml(Timeline.render(sample))).filter((e) =>
      (e.attrs['class'] ?? '').split(' ').includes('mark'),
    )
    expect(marks.map((m) => m.attrs['class'])).toEqual(['mark snap', 'mark snap', 'mark hold', 'mark sync'])
    expect(marks.map((m) => m.children[0]?.text)).toEqual([
      'daily_backup_2026-12-30-00-00',
      'daily_backup_2026-12-31-00-00',
      'sync_2026-12-31-01-00-05_10.0.0.5',
      'synced',
    ])
  })

  it('escapes text so hostile labels cannot break the document', () => {
    const root = parseXml(Timeline.render(sample))
    expect(root.children.find((c) => c.name === 'title')?.text).toBe('tank/data <demo> & "more"')
  })

  // Plot area: x from 170 to 870 (1000 wide, 170 for labels, 130 for notes).
  it('places later marks further right and clamps marks outside the range to the edges', () => {
    const tl: Timeline.Timeline = {
      ...sample,
      rows: [
        {
          label: 'x',
          note: '',
          marks: [
            { at: sample.from - 86_400_000, kind: 'snap', label: 'before' },
            { at: utc('2026-07-01T00:00:00Z'), kind: 'snap', label: 'mid' },
            { at: sample.to + 86_400_000, kind: 'snap', label: 'after' },
          ],
        },
      ],
    }
    const xs = elements(parseXml(Timeline.render(tl)))
      .filter((e) => e.attrs['class'] === 'mark snap')
      .map((e) => Number(e.attrs['cx']))
    expect(xs[0]).toBe(170)
    expect(xs[1]).toBeGreaterThan(170 + 700 * 0.49)
    expect(xs[1]).toBeLessThan(170 + 700 * 0.51)
    expect(xs[2]).toBe(870)
  })
})

describe('Timeline.render layout', () => {
  it('widens the label column for long destination names, so labels never run into the marks', () => {
    const long = {
      ...sample,
      rows: [
        {
          label: '→ 192.168.100.200:backup/dataset/child',
          note: '',
          marks: [{ at: sample.from, kind: 'snap' as const, label: 'a' }],
        },
      ],
    }
    const x = Number(
      elements(parseXml(Timeline.render(long))).find((e) => e.attrs['class'] === 'mark snap')?.attrs['cx'],
    )
    expect(x).toBe(20 + 7 * long.rows[0]!.label.length)
  })

  it('spaces legend items by their text width, so no text runs into the next swatch or past the edge', () => {
    const all = {
      ...sample,
      rows: [
        ...sample.rows,
        { label: 'x', note: '', marks: [{ at: sample.from, kind: 'failed' as const, label: 'failed' }] },
      ],
    }
    const root = parseXml(Timeline.render(all))
    const items = elements(root)
      .filter((e) => e.attrs['class'] === 'legend')
      .map((g) => {
        const swatch = g.children.find((c) => c.attrs['class']?.startsWith('swatch'))!
        const text = g.children.find((c) => c.name === 'text')!
        // Left edge of the swatch: a dot of radius 4, a diamond 8 px wide rotated 45° (half-diagonal < 6),
        // a vertical line.
        const centre = Number(swatch.attrs['cx'] ?? swatch.attrs['x1'] ?? Number(swatch.attrs['x']) + 4)
        return {
          left: centre - 6,
          textStart: Number(text.attrs['x']),
          textEnd: Number(text.attrs['x']) + 7 * text.text.length,
        }
      })
    expect(items.map((i) => i.textStart)).toHaveLength(4)
    for (const [a, b] of items.slice(0, -1).map((a, i) => [a, items[i + 1]!] as const))
      expect(a.textEnd).toBeLessThan(b.left)
    expect(items[items.length - 1]!.textEnd).toBeLessThanOrEqual(Number(root.attrs['width']))
  })
})

describe('Timeline.ticks', () => {
  it('ticks each month over a year, the year start labelled with the year', () => {
    const t = Timeline.ticks(sample.from, sample.to, 'UTC')
    expect(t.map((x) => x.label)).toEqual([
      '2026',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
      '2027',
    ])
  })

  it('ticks local midnights in the zone, across a DST change', () => {
    // Europe/Vienna leaves summer time on 2026-10-25: that day lasts 25 hours.
    const t = Timeline.ticks(utc('2026-10-23T12:00:00Z'), utc('2026-10-27T12:00:00Z'), 'Europe/Vienna')
    expect(t.map((x) => new Date(x.at).toISOString())).toEqual([
      '2026-10-23T22:00:00.000Z',
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-26T23:00:00.000Z',
    ])
  })

  it('ticks hours over a short span', () => {
    const t = Timeline.ticks(utc('2026-03-01T00:00:00Z'), utc('2026-03-01T04:00:00Z'), 'UTC')
    expect(t.map((x) => x.label)).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00'])
  })
})

describe('parseXml (the test helper itself)', () => {
  it.each([
    ['<a><b></a></b>', 'does not match'],
    ['<a x=1/>', 'not quoted'],
    ['<a>&nope;</a>', 'unknown entity'],
    ['<a></a><b/>', 'more than one root'],
    ['<a>', 'unclosed'],
    ['<a x="1" x="2"/>', 'duplicate'],
  ])('rejects %s', (src, why) => {
    expect(() => parseXml(src)).toThrow(why)
  })
})
