/**
 * Checks across fields that a per-field schema cannot express: duplicates (errors) and combinations that
 * are legal but likely mistakes (warnings). Duplicate checks read the raw document leniently, so they are
 * reported together with schema errors elsewhere in the file.
 *
 * @since 0.1.0
 */
import { isLoopback } from '../http/Loopback.js'
import type { RawConfig } from './Schema.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type PathSegment = string | number

export interface Finding {
  readonly path: ReadonlyArray<PathSegment>
  readonly message: string
}

// -------------------------------------------------------------------------------------
// errors (on the raw document)
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

const str = (u: unknown): string | undefined => (typeof u === 'string' ? u : undefined)

/** Duplicate local datasets and duplicate destinations (same host and remote dataset) of one dataset. */
export const duplicates = (doc: unknown): ReadonlyArray<Finding> => {
  if (!isRecord(doc) || !Array.isArray(doc['datasets'])) return []
  const datasets: ReadonlyArray<unknown> = doc['datasets']
  const found: Array<Finding> = []
  const firstSeen = new Map<string, number>()
  datasets.forEach((d, i) => {
    if (!isRecord(d)) return
    const local = str(d['local_dataset'])
    if (local === undefined) return
    const first = firstSeen.get(local)
    if (first === undefined) firstSeen.set(local, i)
    else
      found.push({
        path: ['datasets', i, 'local_dataset'],
        message: `"${local}" is already configured in datasets[${first}]`,
      })
    if (!Array.isArray(d['destinations'])) return
    const targets = new Map<string, number>()
    ;(d['destinations'] as ReadonlyArray<unknown>).forEach((x, j) => {
      if (!isRecord(x)) return
      const host = str(x['remote_host'])
      if (host === undefined) return
      const remote = str(x['remote_dataset']) ?? local
      const key = `${host.toLowerCase()}\u0000${remote}`
      const before = targets.get(key)
      if (before === undefined) targets.set(key, j)
      else
        found.push({
          path: ['datasets', i, 'destinations', j],
          message: `duplicate of destinations[${before}] (same remote_host "${host}" and remote_dataset "${remote}")`,
        })
    })
  })
  return found
}

// -------------------------------------------------------------------------------------
// warnings (on the decoded config)
// -------------------------------------------------------------------------------------

export const warnings = (c: RawConfig): ReadonlyArray<Finding> => {
  const found: Array<Finding> = []
  const server = c.server
  if (c.datasets.length === 0)
    found.push({ path: ['datasets'], message: 'no datasets configured: nothing to do' })
  if (Object.values(server.retention).every((n) => n === 0))
    found.push({ path: ['server', 'retention'], message: 'every count is 0: no snapshots will be taken' })
  if (!server.schedule.days.includes('1') || !server.schedule.hours.includes('1'))
    found.push({
      path: ['server', 'schedule'],
      message: 'the schedule never opens: no snapshots will be taken',
    })
  const m = server.metrics
  if (m.enabled && !isLoopback(m.host) && m.token_file === undefined && m.token_env === undefined)
    found.push({
      path: ['server', 'metrics', 'host'],
      message:
        'not a loopback address and no token_file or token_env: /health and /metrics are served, ' +
        'the status page and /status.json are refused',
    })
  const destinations = c.datasets.flatMap((d) => d.destinations.filter((x) => x.enabled))
  if (server.remote_sync.enabled && destinations.length === 0)
    found.push({
      path: ['server', 'remote_sync', 'enabled'],
      message: 'remote sync is on but no destination is enabled',
    })
  if (!server.remote_sync.enabled && destinations.length > 0)
    found.push({
      path: ['server', 'remote_sync', 'enabled'],
      message: `remote sync is off: ${destinations.length} enabled destination(s) will not be sent to`,
    })
  found.push(...sharedApiMismatches(c))
  c.datasets.forEach((d, i) => {
    // Two destinations on one host are fine: each has its own base hold (decisions.md §15), and the
    // planner never runs two migrations of a dataset to one host at once (§9 as amended).
    c.datasets.forEach((parent, k) => {
      if (k !== i && parent.recursive && d.local_dataset.startsWith(parent.local_dataset + '/'))
        found.push({
          path: ['datasets', i, 'local_dataset'],
          message: `inside datasets[${k}] ("${parent.local_dataset}", recursive): its snapshots are taken twice`,
        })
    })
  })
  return found
}

/**
 * Destination APIs with the same URL and credentials share one client (`daemon/DestinationApis.ts`), which
 * takes the first one's `timeout` and `max_calls_in_flight`: a later one that differs is not applied.
 */
const sharedApiMismatches = (c: RawConfig): ReadonlyArray<Finding> => {
  const found: Array<Finding> = []
  const first = new Map<string, { readonly at: string; readonly timeout: number; readonly max: number }>()
  c.datasets.forEach((d, i) => {
    d.destinations.forEach((x, j) => {
      const a = x.api
      if (a === undefined) return
      const key = JSON.stringify([
        a.url,
        a.auth?.username ?? null,
        a.auth?.password_file ?? null,
        a.auth?.password_env ?? null,
      ])
      const seen = first.get(key)
      if (seen === undefined) {
        first.set(key, {
          at: `datasets[${i}].destinations[${j}].api`,
          timeout: a.timeout,
          max: a.max_calls_in_flight,
        })
        return
      }
      if (seen.timeout !== a.timeout || seen.max !== a.max_calls_in_flight)
        found.push({
          path: ['datasets', i, 'destinations', j, 'api'],
          message: `same url and auth as ${seen.at}, so both share one client with its timeout (${seen.timeout} s) and max_calls_in_flight (${seen.max}); the values here are not used`,
        })
    })
  })
  return found
}
