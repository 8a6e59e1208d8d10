/**
 * What `standalone_migrate.py` would send for a migration (contract §3.4–§3.5), decided when the task starts.
 * Name matching only (no guid check), the `@snap` of `source` ignored when the destination exists, and
 * "no common snapshot" ending in success with nothing sent — all as the real script does.
 *
 * @since 0.1.0
 */
import type { ZfsHost } from './ZfsHost.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Endpoint {
  readonly host: ZfsHost
  readonly dataset: string
}

export type Mode = 'push' | 'pull' | 'local'

export type Plan =
  /** The script exits 1 → task `failed`. */
  | { readonly _tag: 'Fail'; readonly reason: string }
  /** Exit 0 with nothing sent (no common snapshot, up to date, destination without snapshots). */
  | { readonly _tag: 'Nothing'; readonly reason: string }
  | {
      readonly _tag: 'Send'
      readonly mode: Mode
      readonly src: Endpoint
      readonly dst: Endpoint
      /** `-I from → to`; null for a full send of `to`. */
      readonly from: string | null
      readonly to: string
      /** Snapshots the stream carries for the dataset itself, oldest first. */
      readonly snapshots: ReadonlyArray<string>
      /** `zfs send -R`: the descendants go too (see `streams`). */
      readonly recursive: boolean
    }

export interface Route {
  readonly mode: Mode
  readonly src: Endpoint
  readonly dst: Endpoint
  /** Snapshot named in `source` (`ds@snap`), if any. */
  readonly snap: string | null
  /** The host string as given, used in sync hold tags (push only). */
  readonly remote: string | null
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const splitHost = (s: string): { readonly host: string | null; readonly rest: string } => {
  const i = s.indexOf(':')
  return i < 0 ? { host: null, rest: s } : { host: s.slice(0, i), rest: s.slice(i + 1) }
}

/** Works out the mode and both endpoints from the task params (§3.4). */
export const route = (
  params: { readonly source: string; readonly destination: string; readonly remote: string | null },
  local: ZfsHost,
  hostNamed: (name: string) => ZfsHost | undefined,
): Route | string => {
  const src = splitHost(params.source)
  const dst = splitHost(params.destination)
  const pushHost = params.remote ?? dst.host
  if (src.host !== null && pushHost !== null) return 'host on both sides is unsupported'
  const [ds, snap] = src.rest.split('@') as [string, string | undefined]
  if (pushHost !== null) {
    const h = hostNamed(pushHost)
    if (h === undefined) return `Host ${pushHost} is unreachable`
    return {
      mode: 'push',
      src: { host: local, dataset: ds },
      dst: { host: h, dataset: dst.rest },
      snap: snap ?? null,
      remote: pushHost,
    }
  }
  if (src.host !== null) {
    const h = hostNamed(src.host)
    if (h === undefined) return `Host ${src.host} is unreachable`
    return {
      mode: 'pull',
      src: { host: h, dataset: ds },
      dst: { host: local, dataset: dst.rest },
      snap: snap ?? null,
      remote: null,
    }
  }
  return {
    mode: 'local',
    src: { host: local, dataset: ds },
    dst: { host: local, dataset: dst.rest },
    snap: snap ?? null,
    remote: null,
  }
}

/** §3.5: incremental from the last common name, or a full send when the destination is missing. */
export const plan = (r: Route, recursive = false): Plan => {
  const local = r.src.host.snapshots(r.src.dataset).map((s) => s.name)
  if (!r.src.host.hasDataset(r.src.dataset))
    return { _tag: 'Fail', reason: `dataset ${r.src.dataset} does not exist` }
  if (r.dst.host.hasDataset(r.dst.dataset)) {
    const remote = r.dst.host.snapshots(r.dst.dataset).map((s) => s.name)
    if (remote.length === 0) return { _tag: 'Nothing', reason: 'destination exists but has no snapshots' }
    const common = lastCommon(remote, local)
    const to = local[local.length - 1]
    if (common === undefined || to === undefined)
      return { _tag: 'Nothing', reason: 'No common snapshots found. Aborting.' }
    if (common === to) return { _tag: 'Nothing', reason: 'Target dataset is up to date' }
    const snapshots = local.slice(local.indexOf(common) + 1)
    return { _tag: 'Send', mode: r.mode, src: r.src, dst: r.dst, from: common, to, snapshots, recursive }
  }
  const to = r.snap !== null && local.includes(r.snap) ? r.snap : local[local.length - 1]
  if (to === undefined) return { _tag: 'Nothing', reason: 'no local snapshots' }
  // A full -R stream replicates every snapshot up to `to`; a plain full send only `to` itself.
  const snapshots = recursive ? local.slice(0, local.indexOf(to) + 1) : [to]
  return { _tag: 'Send', mode: r.mode, src: r.src, dst: r.dst, from: null, to, snapshots, recursive }
}

/** One dataset's part of a send: `-I from → …` (or full when `from` is null) into `dst`. */
export interface Stream {
  readonly src: string
  readonly dst: string
  readonly from: string | null
  readonly snapshots: ReadonlyArray<string>
}

/**
 * What a send carries per dataset. Plain: the dataset's own stream. `-R`: the dataset and each descendant
 * that has `to` (parents first) — incremental from `from` where the descendant has it, else in full up to
 * `to` (a child created since the last sync). Descendants without `to` are left out.
 */
export const streams = (p: Extract<Plan, { _tag: 'Send' }>): ReadonlyArray<Stream> => {
  const root = { src: p.src.dataset, dst: p.dst.dataset, from: p.from, snapshots: p.snapshots }
  if (!p.recursive) return [root]
  const children = p.src.host.listDatasets(p.src.dataset).filter((d) => d !== p.src.dataset)
  return [
    root,
    ...children.flatMap((c): ReadonlyArray<Stream> => {
      const names = p.src.host.snapshots(c).map((s) => s.name)
      const to = names.indexOf(p.to)
      if (to < 0) return []
      const from = p.from === null ? -1 : names.indexOf(p.from)
      const dst = p.dst.dataset + c.slice(p.src.dataset.length)
      return [{ src: c, dst, from: from < 0 ? null : p.from, snapshots: names.slice(from + 1, to + 1) }]
    }),
  ]
}

/** Last remote name that also exists locally; exact match first, then case-insensitive (as the script). */
const lastCommon = (remote: ReadonlyArray<string>, local: ReadonlyArray<string>): string | undefined => {
  const exact = new Set(local)
  for (let i = remote.length - 1; i >= 0; i--) if (exact.has(remote[i]!)) return remote[i]
  const lower = new Map(local.map((n) => [n.toLowerCase(), n] as const))
  for (let i = remote.length - 1; i >= 0; i--) {
    const hit = lower.get(remote[i]!.toLowerCase())
    if (hit !== undefined) return hit
  }
  return undefined
}
