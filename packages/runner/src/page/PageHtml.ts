/**
 * The status page as one HTML document, from `PageData`: pure and complete without scripts (a refresh
 * link reloads it); the inline script (`PageScript.ts`) only keeps it current. Every text from data goes
 * through `escapeHtml`, so a dataset or snapshot named `<script>` shows as text; the timelines are the
 * `simulate --svg` renderer's output, which escapes its own texts.
 *
 * @since 0.1.0
 */
import * as Timeline from '../tools/svg/Timeline.js'
import type { DatasetView, DestinationView, PageData, TroubleView } from './PageModel.js'
import { SCRIPT } from './PageScript.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Escapes text for HTML character data and quoted attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  )

const e = escapeHtml

/** A text the script keeps current: `path` into `PageData`. */
const live = (path: string, text: string, tag = 'span'): string =>
  `<${tag} data-k="${e(path)}">${e(text)}</${tag}>`

const STYLE = `
:root { color-scheme: light; --ok: #276749; --warn: #975a16; --bad: #c53030; --muted: #4a5568; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 32px; color: #1a202c; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; padding: 12px 0; border-bottom: 1px solid #e2e8f0; }
header h1 { font-size: 20px; margin: 0; }
h2 { font-size: 17px; margin: 24px 0 8px; }
h2 code { font-size: 17px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code { font: 12px ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #edf2f7; vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
.badge, .state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 12px; white-space: nowrap; }
.b-ok, .s-current { background: #c6f6d5; color: var(--ok); }
.b-degraded { background: #feebc8; color: var(--warn); }
.b-unhealthy, .s-behind, .s-frozen { background: #fed7d7; color: var(--bad); }
.s-back-off, .s-unverified, .s-window-closed { background: #feebc8; color: var(--warn); }
.s-disabled { background: #edf2f7; color: var(--muted); }
.troubles { border: 2px solid var(--bad); border-radius: 6px; padding: 8px 16px; background: #fff5f5; }
.troubles.none { border-color: #c6f6d5; background: #f0fff4; }
.troubles ul { margin: 4px 0; padding-left: 20px; }
.since { color: var(--muted); white-space: nowrap; }
.dataset { border-top: 3px solid #e2e8f0; margin-top: 24px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.error { color: var(--bad); font-weight: 600; }
.counts { width: auto; }
.counts td, .counts th { text-align: right; min-width: 72px; }
.counts tr > th:first-child { text-align: left; }
.over { color: var(--bad); }
progress { width: 180px; height: 14px; vertical-align: middle; }
.transfer { margin-top: 4px; }
.timeline svg { max-width: 100%; height: auto; border: 1px solid #edf2f7; }
.live { color: var(--muted); font-size: 12px; }
.live.stale { color: var(--bad); }
.muted { color: var(--muted); }
`

// -------------------------------------------------------------------------------------
// parts
// -------------------------------------------------------------------------------------

const troubleItem = (t: TroubleView): string =>
  `<li>${e(t.what)} <span class="since">since ${e(t.since.text)}</span></li>`

const troubles = (d: PageData): string =>
  d.troubles.length === 0
    ? '<section id="troubles" class="troubles none" data-swap><strong>Nothing needs attention.</strong></section>'
    : `<section id="troubles" class="troubles" data-swap><h2>Needs attention</h2><ul>${d.troubles.map(troubleItem).join('')}</ul></section>`

const destinationRow = (i: number, j: number, x: DestinationView): string => {
  const p = `datasets.${i}.destinations.${j}`
  const t = x.transfer
  return [
    '<tr>',
    `<td><code>${e(x.name)}</code></td>`,
    `<td><span class="state s-${e(x.state)}" data-state="${p}.state">${e(x.state)}</span></td>`,
    `<td>${live(`${p}.reason`, x.reason)}`,
    `<div class="transfer" data-show="${p}.transfer"${t === null ? ' hidden' : ''}>`,
    `<progress max="1" value="${t?.fraction ?? 0}" data-v="${p}.transfer.fraction" aria-label="transfer to ${e(x.name)}"></progress> `,
    `${live(`${p}.transfer.text`, t?.text ?? '-')}`,
    '</div></td>',
    `<td>${live(`${p}.lag.text`, x.lag?.text ?? '-')}</td>`,
    `<td>${x.base === null ? '-' : `<code>${live(`${p}.base.snapshot`, x.base.snapshot)}</code><br><span class="muted">synced ${live(`${p}.base.synced.text`, x.base.synced.text)}</span>`}</td>`,
    '</tr>',
  ].join('')
}

const counts = (i: number, d: DatasetView): string => {
  const shown = d.counts.filter((c) => c.retention > 0 || c.count > 0)
  const head = shown.map((c) => `<th>${e(c.type)}</th>`)
  const have = shown.map((c) => `<td${c.count > c.retention ? ' class="over"' : ''}>${c.count}</td>`)
  const keep = shown.map((c) => `<td>${c.retention}</td>`)
  if (d.foreign > 0) {
    head.push('<th>not ours</th>')
    have.push(`<td>${d.foreign}</td>`)
    keep.push('<td>-</td>')
  }
  return [
    `<table id="counts-${i}" class="counts" data-swap>`,
    `<tr><th></th>${head.join('')}</tr>`,
    `<tr><th>snapshots now</th>${have.join('')}</tr>`,
    `<tr><th>policy keeps</th>${keep.join('')}</tr>`,
    '</table>',
  ].join('')
}

const plan = (i: number, d: DatasetView): string => {
  const rows = d.plan.map(
    (r) => `<tr><td>${e(r.action)}</td><td><code>${e(r.what)}</code></td><td>${e(r.why)}</td></tr>`,
  )
  const kept = `<p class="muted">${d.kept} snapshot${d.kept === 1 ? '' : 's'} kept (\`zfs-autobackup plan\` lists each with its reason).</p>`
  const when = d.nextCycle === null ? '' : `, ${e(d.nextCycle.text)}, if nothing changes meanwhile`
  return `<div id="plan-${i}" data-swap><h3>Next cycle${when}</h3>${
    rows.length === 0
      ? '<p class="muted">Nothing planned yet.</p>'
      : `<table class="plan"><tr><th>action</th><th>what</th><th>why</th></tr>${rows.join('')}</table>${kept}`
  }</div>`
}

const dataset = (i: number, d: DatasetView): string => {
  const p = `datasets.${i}`
  return [
    `<section class="dataset" id="dataset-${i}">`,
    `<h2><code>${e(d.name)}</code></h2>`,
    d.error === null ? '' : `<p class="error">${e(d.error)}</p>`,
    '<dl class="facts">',
    `<dt>Newest snapshot</dt><dd>${d.newest === null ? 'none of ours yet' : `<code>${live(`${p}.newest.snapshot`, d.newest.snapshot)}</code>, ${live(`${p}.newest.taken.text`, d.newest.taken.text)}`}</dd>`,
    `<dt>Next due</dt><dd>${d.nextDue === null ? 'none in sight (outside the snapshot window, or every type disabled)' : `${live(`${p}.nextDue.type`, d.nextDue.type)} at ${live(`${p}.nextDue.due.text`, d.nextDue.due.text)}`}</dd>`,
    `<dt>Read</dt><dd>${d.read === null ? 'not yet' : live(`${p}.read.text`, d.read.text)}</dd>`,
    '</dl>',
    '<h3>Snapshots against the policy</h3>',
    counts(i, d),
    d.destinations.length === 0
      ? ''
      : `<h3>Destinations</h3><table class="destinations" id="destinations-${i}" data-swap><tr><th>destination</th><th>state</th><th>why</th><th>lag</th><th>base snapshot</th></tr>${d.destinations.map((x, j) => destinationRow(i, j, x)).join('')}</table>`,
    '<h3>Timeline</h3>',
    `<div class="timeline" id="timeline-${i}" data-swap>${d.timeline === null ? '<p class="muted">Not read yet.</p>' : Timeline.render(d.timeline)}</div>`,
    plan(i, d),
    '</section>',
  ].join('\n')
}

// -------------------------------------------------------------------------------------
// page
// -------------------------------------------------------------------------------------

export const render = (d: PageData): string =>
  [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>zfs-autobackup status</title>',
    '<link rel="icon" href="data:,">',
    `<style>${STYLE}</style>`,
    '</head>',
    `<body data-shape="${e(d.shape)}" data-version="${e(d.version)}">`,
    '<header><h1>zfs-autobackup</h1>',
    `<span class="badge b-${e(d.health)}" id="health" data-swap>${d.health === 'ok' ? 'healthy' : e(d.health)}</span>`,
    `<span>last cycle ${live('lastCycle.text', d.lastCycle?.text ?? 'none yet')}</span>`,
    `<span class="muted">times in ${e(d.zone)}</span>`,
    '<a href="./">Refresh</a> <a href="status.json">JSON</a>',
    `<span id="live" class="live">as of ${e(d.generatedAt)}</span>`,
    '</header>',
    troubles(d),
    ...d.datasets.map((x, i) => dataset(i, x)),
    '<footer><p class="muted">Read-only. <code>GET /status.json</code> serves the same data; <code>/health</code> and <code>/metrics</code> are beside it.</p></footer>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n')
