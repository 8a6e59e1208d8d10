/**
 * A timeline picture as SVG text: one row per snapshot type or destination, a mark per event, a time axis
 * with calendar ticks in the configured zone and a legend. Pure: the same input gives the same bytes, so
 * the example picture in docs/ is reproducible.
 *
 * @since 0.1.0
 */
import { DateTime } from 'luxon'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * `snap`: a snapshot retained at the end; `held`: one that carries a hold; `hold`: the snapshot carrying a
 * host's sync hold (a destination's base); `sync`: a sync time.
 */
export type MarkKind = 'snap' | 'held' | 'hold' | 'sync' | 'failed'

export interface Mark {
  /** Epoch ms. */
  readonly at: number
  readonly kind: MarkKind
  /** Tooltip text (snapshot name, sync time…). */
  readonly label: string
}

export interface Row {
  readonly label: string
  /** Short text printed right of the row, e.g. `4 / 4`. */
  readonly note: string
  readonly marks: ReadonlyArray<Mark>
}

export interface Timeline {
  readonly title: string
  readonly from: number
  readonly to: number
  readonly zone: string
  readonly rows: ReadonlyArray<Row>
  /** Legend texts replacing the defaults (the status page draws observed, not simulated, state). */
  readonly legend?: Partial<Readonly<Record<MarkKind, string>>>
}

// -------------------------------------------------------------------------------------
// layout
// -------------------------------------------------------------------------------------

const WIDTH = 1000
const RIGHT = 130
const TOP = 44
const ROW = 30
const AXIS = 40
const LEGEND = 34
/** Between one legend text's end and the next swatch. */
const LEGEND_GAP = 24

/** Estimated width of text at 12 px sans-serif: about 7 px per character. */
const textWidth = (text: string): number => 7 * text.length

/** Room for the row labels: about 7 px per character at 12 px sans-serif, at least 170, at most 320. */
const leftOf = (rows: ReadonlyArray<Row>): number =>
  Math.round(Math.min(320, Math.max(170, 20 + Math.max(0, ...rows.map((r) => textWidth(r.label))))))

const fill: Readonly<Record<MarkKind, string>> = {
  snap: '#2b6cb0',
  held: '#805ad5',
  hold: '#d69e2e',
  sync: '#38a169',
  failed: '#e53e3e',
}

const legendText: Readonly<Record<MarkKind, string>> = {
  snap: 'snapshot kept at the end',
  held: 'snapshot with a hold',
  hold: 'snapshot carrying the host’s sync hold',
  sync: 'sync completed',
  failed: 'sync failed',
}

/** Escapes text for XML character data and attribute values. */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  )

const num = (n: number): string => (Math.round(n * 10) / 10).toString()

const xOf =
  (from: number, to: number, left: number) =>
  (at: number): number => {
    const span = Math.max(1, to - from)
    const clamped = Math.min(to, Math.max(from, at))
    return left + ((clamped - from) / span) * (WIDTH - left - RIGHT)
  }

/** Shape of one mark; every mark is a single element with class `mark <kind>` and a `<title>` tooltip. */
const markSvg = (x: number, y: number, m: Mark): string => {
  const title = `<title>${escapeXml(m.label)}</title>`
  const cls = `mark ${m.kind}`
  switch (m.kind) {
    case 'snap':
      return `<circle class="${cls}" cx="${num(x)}" cy="${num(y)}" r="4" fill="${fill.snap}" fill-opacity="0.8">${title}</circle>`
    case 'held':
      return `<circle class="${cls}" cx="${num(x)}" cy="${num(y)}" r="4.5" fill="#ffffff" stroke="${fill.held}" stroke-width="2">${title}</circle>`
    case 'hold':
      return `<rect class="${cls}" x="${num(x - 4)}" y="${num(y - 4)}" width="8" height="8" fill="${fill.hold}" transform="rotate(45 ${num(x)} ${num(y)})">${title}</rect>`
    case 'sync':
    case 'failed':
      return `<line class="${cls}" x1="${num(x)}" y1="${num(y - 8)}" x2="${num(x)}" y2="${num(y + 8)}" stroke="${fill[m.kind]}" stroke-width="1.5">${title}</line>`
  }
}

interface Tick {
  readonly at: number
  readonly label: string
  readonly major: boolean
}

/** Calendar ticks in the zone: months over long spans, days over weeks, hours over a day or two. */
export const ticks = (from: number, to: number, zone: string): ReadonlyArray<Tick> => {
  const days = (to - from) / 86_400_000
  const unit = days > 62 ? 'month' : days > 3 ? 'day' : 'hour'
  const step = unit === 'hour' ? (days > 1 ? 3 : 1) : unit === 'day' ? (days > 31 ? 7 : days > 14 ? 2 : 1) : 1
  const out: Tick[] = []
  let t = DateTime.fromMillis(from, { zone }).startOf(unit)
  if (t.toMillis() < from) t = t.plus({ [unit]: 1 })
  for (let i = 0; t.toMillis() <= to && i < 1000; i++) {
    const major = unit === 'month' ? t.month === 1 : unit === 'day' ? t.day === 1 : t.hour === 0
    const index = unit === 'month' ? t.month - 1 : unit === 'day' ? t.day - 1 : t.hour
    if (index % step === 0 || major) {
      const label =
        unit === 'month'
          ? t.month === 1
            ? t.toFormat('yyyy')
            : t.toFormat('LLL')
          : unit === 'day'
            ? t.toFormat('LLL d')
            : t.toFormat('HH:mm')
      out.push({ at: t.toMillis(), label, major })
    }
    t = t.plus({ [unit]: 1 })
  }
  return out
}

// -------------------------------------------------------------------------------------
// render
// -------------------------------------------------------------------------------------

export const render = (tl: Timeline): string => {
  const LEFT = leftOf(tl.rows)
  const PLOT = WIDTH - LEFT - RIGHT
  const x = xOf(tl.from, tl.to, LEFT)
  const height = TOP + tl.rows.length * ROW + AXIS + LEGEND
  const axisY = TOP + tl.rows.length * ROW
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(tl.title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="22" font-size="14" font-weight="bold">${escapeXml(tl.title)}</text>`,
  ]
  tl.rows.forEach((row, i) => {
    const y = TOP + i * ROW + ROW / 2
    if (i % 2 === 0)
      parts.push(`<rect x="0" y="${TOP + i * ROW}" width="${WIDTH}" height="${ROW}" fill="#f4f6f8"/>`)
    parts.push(`<text x="8" y="${num(y + 4)}">${escapeXml(row.label)}</text>`)
    parts.push(
      `<text x="${WIDTH - RIGHT + 8}" y="${num(y + 4)}" font-size="11" fill="#555555">${escapeXml(row.note)}</text>`,
    )
    parts.push(
      `<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT}" y2="${y}" stroke="#cccccc" stroke-width="1"/>`,
    )
    for (const m of row.marks) parts.push(markSvg(x(m.at), y, m))
  })
  parts.push(
    `<line x1="${LEFT}" y1="${axisY}" x2="${LEFT + PLOT}" y2="${axisY}" stroke="#333333" stroke-width="1"/>`,
  )
  for (const t of ticks(tl.from, tl.to, tl.zone)) {
    const tx = num(x(t.at))
    parts.push(
      `<line x1="${tx}" y1="${TOP}" x2="${tx}" y2="${axisY + (t.major ? 8 : 5)}" stroke="${t.major ? '#888888' : '#e2e2e2'}" stroke-width="1"/>`,
    )
    parts.push(
      `<text x="${tx}" y="${axisY + 20}" text-anchor="middle" font-size="10"${t.major ? ' font-weight="bold"' : ''}>${escapeXml(t.label)}</text>`,
    )
  }
  const legendY = axisY + AXIS + LEGEND / 2
  const text = (k: MarkKind): string => tl.legend?.[k] ?? legendText[k]
  const kinds = (['snap', 'held', 'hold', 'sync', 'failed'] as const).filter(
    (k) => k === 'snap' || tl.rows.some((r) => r.marks.some((m) => m.kind === k)),
  )
  // Each item takes its text's width (about 7 px per character at 12 px), so a long one never runs into
  // the next swatch; the four texts together fit the width with room to spare.
  let lx = 16
  for (const k of kinds) {
    parts.push(
      `<g class="legend">${legendSwatch(lx, legendY - 4, k, text(k))}<text x="${lx + 12}" y="${legendY}">${escapeXml(text(k))}</text></g>`,
    )
    lx += 12 + textWidth(text(k)) + LEGEND_GAP
  }
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

/** Legend swatches draw the same shapes as marks, without the `mark` class (they are not data). */
const legendSwatch = (x: number, y: number, k: MarkKind, label: string): string =>
  markSvg(x, y, { at: 0, kind: k, label }).replace(`class="mark ${k}"`, `class="swatch ${k}"`)
