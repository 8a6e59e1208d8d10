/**
 * `status` output. The first line is a one-line verdict (`OK - …` / `WARNING - …`), as Nagios-style checks
 * print it; the tables follow. JSON carries the same values for tools.
 *
 * @since 0.1.0
 */
import * as Progress from '../../daemon/ProgressText.js'
import * as Table from '../Table.js'
import { type DatasetStatus, type DestinationStatus, needsAttention } from './Status.js'

/** What `status` says when it could not look at all: the config did not load, or the API did not answer. */
export const failed = (
  now: number,
  json: boolean,
  exitCode: number,
  what: string,
  zone: string | undefined,
): string =>
  json
    ? JSON.stringify(
        {
          at: new Date(now).toISOString(),
          ...(zone === undefined ? {} : { zone }),
          verdict: `${exitCode === 3 ? 'UNKNOWN' : 'CRITICAL'} - ${what}`,
          exitCode,
          error: what,
          datasets: [],
        },
        null,
        2,
      ) + '\n'
    : `${exitCode === 3 ? 'UNKNOWN' : 'CRITICAL'} - ${what}\n`

export type DatasetResult =
  | { readonly _tag: 'Read'; readonly status: DatasetStatus }
  | { readonly _tag: 'Unreadable'; readonly dataset: string; readonly why: string }

const iso = (ms: number): string => new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z')
const ago = (now: number, at: number): string => `${Progress.duration((now - at) / 1000)} ago`

const problems = (s: DatasetStatus, d: DestinationStatus): ReadonlyArray<string> => {
  const target = `${s.dataset} → ${d.remoteHost}:${d.remoteDataset}`
  const stale = d.inFlight.flatMap((m) =>
    m.staleSince === undefined
      ? []
      : [`${target}: migration ${m.taskId} stale (no progress since ${iso(m.staleSince)})`],
  )
  switch (d.health) {
    case 'lagging':
      return [
        `${target}: last sync ${Progress.duration(d.lagSeconds ?? 0)} ago (threshold ${Progress.duration(d.thresholdSeconds)})`,
        ...stale,
      ]
    case 'never-synced':
      return [`${target}: never synced`, ...stale]
    case 'unknown':
      return [`${target}: last sync unknown (${s.holdsUnknown ?? 'holds could not be read'})`, ...stale]
    case 'frozen':
      return [`${target}: ${arrivalNote(d)}`, ...stale]
    default:
      return d.arrival._tag === 'Unknown' ? [`${target}: ${arrivalNote(d)}`, ...stale] : stale
  }
}

/**
 * The verdict line; also used as the summary of the JSON output. `failedReads` are reads that failed
 * outside any one dataset (e.g. the task history), each said as what failed.
 */
export const verdict = (
  results: ReadonlyArray<DatasetResult>,
  failedReads: ReadonlyArray<string> = [],
): string => {
  const unreadable = results.filter((r) => r._tag === 'Unreadable')
  const found = results.flatMap((r) =>
    r._tag === 'Read'
      ? r.status.destinations.filter(needsAttention).flatMap((d) => problems(r.status, d))
      : [],
  )
  const troubles = results.flatMap((r) =>
    r._tag === 'Read' ? r.status.troubles.map((t) => `${r.status.dataset}: ${t.kind}: ${t.why}`) : [],
  )
  const all = [
    ...failedReads,
    ...unreadable.map((r) => `${r.dataset}: cannot read (${r.why})`),
    ...troubles,
    ...found,
  ]
  if (all.length > 0) return `WARNING - ${all.join('; ')}`
  const checked = results
    .flatMap((r) => (r._tag === 'Read' ? r.status.destinations : []))
    .filter((d) => d.health === 'ok').length
  return `OK - ${results.length} dataset${results.length === 1 ? '' : 's'}, ${checked} destination${checked === 1 ? '' : 's'} within lag`
}

/** What is known about arrival, always said (core-decisions.md §15). */
const arrivalNote = (d: DestinationStatus): string => {
  const a = d.arrival
  switch (a._tag) {
    case 'Unverified':
      return 'arrival not verified (no destination API)'
    case 'Verified':
      return `verified: ${a.snapshot} is there (same guid on both ends)`
    case 'Diverged':
      return `FROZEN, DIVERGED: ${a.snapshot} has another guid on the destination, no incremental can land`
    case 'Frozen':
      return 'FROZEN: no snapshot in common with the destination'
    case 'Empty':
      return "nothing verified: the destination's API lists no snapshot there yet"
    case 'Unknown':
      return `arrival unknown: the destination's API did not answer (${a.why})`
  }
}

const destinationNote = (now: number, d: DestinationStatus): string => {
  const notes = [arrivalNote(d)]
  notes.push(
    ...d.inFlight.map(
      (m) =>
        `migration ${m.taskId} ${m.status}${m.staleSince === undefined ? '' : ` STALE since ${iso(m.staleSince)}`}${m.progress === null ? '' : `: ${Progress.render(m.progress)}`}`,
    ),
  )
  if (d.backOff !== undefined) {
    const n = `${d.backOff.failures} failure${d.backOff.failures === 1 ? '' : 's'}`
    notes.push(
      d.backOff.until > now
        ? `backing off after ${n} until ${iso(d.backOff.until)}`
        : `${n} since the last success, last at ${iso(d.backOff.lastFailureAt)}`,
    )
  }
  return notes.join('; ')
}

export const text = (
  now: number,
  zone: string,
  results: ReadonlyArray<DatasetResult>,
  failedReads: ReadonlyArray<string> = [],
): string => {
  const lines = [verdict(results, failedReads), `Status at ${iso(now)} (zone ${zone})`]
  for (const r of results) {
    lines.push('')
    if (r._tag === 'Unreadable') {
      lines.push(`${r.dataset}: cannot read its state (${r.why})`)
      continue
    }
    const s = r.status
    lines.push(`${s.dataset}: ${s.snapshots} snapshots (${s.foreign} not ours)`)
    if (s.holdsUnknown !== undefined) lines.push(`  holds unknown: ${s.holdsUnknown}`)
    for (const t of s.troubles) lines.push(`  ${t.kind}: ${t.why}`)
    const typeRows = s.types
      .filter((t) => t.retention > 0 || t.count > 0)
      .map((t) => [
        t.type,
        `${t.count} / ${t.retention}`,
        t.newest === undefined ? '-' : `${t.newest.name} (${ago(now, t.newest.at)})`,
      ])
    lines.push(...Table.render(['TYPE', 'KEPT / RETENTION', 'NEWEST'], typeRows).map((l) => `  ${l}`))
    if (s.destinations.length === 0) continue
    const destRows = s.destinations.map((d) => [
      `${d.remoteHost}:${d.remoteDataset}`,
      d.health,
      d.lastSync === undefined ? '-' : `${iso(d.lastSync.at)} on ${d.lastSync.snapshot}`,
      d.lagSeconds === undefined
        ? `- / ${Progress.duration(d.thresholdSeconds)}`
        : `${Progress.duration(d.lagSeconds)}${d.lagVerified ? ' verified' : ''} / ${Progress.duration(d.thresholdSeconds)}`,
      destinationNote(now, d),
    ])
    lines.push(
      '',
      ...Table.render(['DESTINATION', 'HEALTH', 'LAST SYNC (BASE)', 'LAG / MAX', 'NOTES'], destRows).map(
        (l) => `  ${l}`,
      ),
    )
  }
  return lines.join('\n') + '\n'
}

export const json = (
  now: number,
  zone: string,
  results: ReadonlyArray<DatasetResult>,
  exitCode: number,
  failedReads: ReadonlyArray<string> = [],
): string =>
  JSON.stringify(
    {
      at: new Date(now).toISOString(),
      zone,
      verdict: verdict(results, failedReads),
      exitCode,
      failedReads,
      datasets: results.map((r) => (r._tag === 'Read' ? r.status : { dataset: r.dataset, error: r.why })),
    },
    null,
    2,
  ) + '\n'
