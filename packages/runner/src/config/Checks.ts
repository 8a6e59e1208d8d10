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
  // Two destinations on one host are fine: each has its own base hold (core-decisions.md §15), and the
  // planner never runs two migrations of a dataset to one host at once (§9 as amended).
  found.push(...sharedApiMismatches(c))
  return found
}

/**
 * Errors of recursive trees (docs/configuration.md, "Recursive trees"): a dataset inside a tree is that
 * tree's (its `-r` snapshots it and its retention prunes it), so configuring it again, or a tree inside
 * another, would give one listing two schedules and two retentions; `exclude` names descendants only; and
 * what a replicated tree cannot do is refused with the reason: `exclude` with an enabled destination, and
 * `target_retention` on a tree.
 */
export const trees = (c: RawConfig): ReadonlyArray<Finding> => {
  const found: Array<Finding> = []
  c.datasets.forEach((d, i) => {
    c.datasets.forEach((parent, k) => {
      if (k === i || !parent.recursive || !d.local_dataset.startsWith(`${parent.local_dataset}/`)) return
      found.push({
        path: ['datasets', i, 'local_dataset'],
        message: d.recursive
          ? `overlapping trees: inside the recursive tree of datasets[${k}] ("${parent.local_dataset}"), which already snapshots and prunes all of it; keep one of the two`
          : `inside the recursive tree of datasets[${k}] ("${parent.local_dataset}"), which already snapshots it (zfs snapshot -r) and prunes it with the tree's retention; remove it here, or list it in datasets[${k}].exclude`,
      })
    })
    if (!d.recursive && d.exclude.length > 0)
      found.push({
        path: ['datasets', i, 'exclude'],
        message: 'exclude applies to a recursive tree only (recursive: true)',
      })
    d.exclude.forEach((x, j) => {
      if (d.recursive && !x.startsWith(`${d.local_dataset}/`))
        found.push({
          path: ['datasets', i, 'exclude', j],
          message: `"${x}" is not a descendant of "${d.local_dataset}"`,
        })
    })
    if (!d.recursive) return
    const enabled = d.destinations.flatMap((x, j) => (x.enabled ? [j] : []))
    if (d.exclude.length > 0 && enabled.length > 0)
      found.push({
        path: ['datasets', i, 'exclude'],
        message: `${REPLICATED_EXCLUDE} (enabled: ${enabled.map((j) => `destinations[${j}]`).join(', ')}); remove exclude, or set enabled: false on them`,
      })
    d.destinations.forEach((x, j) => {
      if (x.target_retention !== undefined)
        found.push({
          path: ['datasets', i, 'destinations', j, 'target_retention'],
          message: TREE_TARGET_RETENTION,
        })
    })
  })
  return found
}

/** Why `exclude` cannot go with replication (docs/configuration.md, "Recursive trees", says the same). */
export const REPLICATED_EXCLUDE =
  "exclude cannot be replicated: a tree is sent with the API's recursive migration (zfs send -R), which sends every descendant, excluded ones too (the API has no way to leave one out), so the backup would not be what exclude says"

/** Why `target_retention` does not go with a tree (docs/configuration.md says the same). */
export const TREE_TARGET_RETENTION =
  "target_retention does not apply to a recursive tree: its replication (zfs send -R, received with zfs recv -F) makes the backup host keep exactly the snapshots the source keeps, on every descendant, and target_retention would prune the root alone; remove it (the backup host follows the tree's retention)"

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
