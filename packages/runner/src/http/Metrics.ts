/**
 * The daemon's Prometheus metrics: a small in-memory registry rendered as text exposition format 0.0.4.
 * Written by the daemon, read by `GET /metrics`. Sync lag is computed at scrape time from the last sync.
 *
 * @since 0.1.0
 */
import type { RpcStats } from '@zfs-autobackup/zfs-rpc'
import type { Trouble } from '../health/Troubles.js'
import * as Troubles from '../health/Troubles.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface SyncTarget {
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

export interface DestinationArrival extends SyncTarget {
  readonly unverified: boolean
  readonly frozen: boolean
}

/** Unlabelled gauges set as they are observed, with their help text. */
export const GAUGES = {
  zfs_autobackup_migrations_stale:
    'Running migrations without progress for 10 min or more (perhaps orphaned by an API restart).',
  zfs_autobackup_destroys_refused:
    'Snapshots zfs refused to destroy (dependent clones, busy, held); retried quietly each cycle.',
  zfs_autobackup_backup_interval_seconds: 'server.backup_interval, for alert thresholds.',
  zfs_autobackup_sync_interval_seconds: 'server.remote_sync.interval, for alert thresholds.',
} as const

export type Gauge = keyof typeof GAUGES

export interface Metrics {
  readonly setGauge: (name: Gauge, value: number) => void
  /** Newest snapshot of ours not from the future, from its name (UTC), epoch ms. */
  readonly setLastSnapshot: (dataset: string, at: number) => void
  /** A destination's last sync (its verified or believed base, `Replication`/`Arrivals`), epoch ms. */
  readonly setLastSync: (target: SyncTarget, at: number) => void
  /** Snapshots of ours named more than backup_interval after now (core-decisions.md §3 as amended). */
  readonly setFutureSnapshots: (dataset: string, count: number) => void
  /**
   * How each enabled destination of `dataset` stands on arrival (replaces what was set for it before):
   * `unverified` unless its own API verified what it has, `frozen` when that API shows no incremental can run.
   */
  readonly setDestinations: (dataset: string, list: ReadonlyArray<DestinationArrival>) => void
  /** The current troubles (`health/Troubles.ts`), rendered as one gauge per kind. */
  readonly setTroubles: (troubles: ReadonlyArray<Trouble>) => void
  /** Forget a dataset removed from the config. */
  readonly dropDataset: (dataset: string) => void
  readonly countAction: (kind: string, outcome: 'ok' | 'failed' | 'skipped') => void
  readonly countError: (kind: string) => void
  readonly cycleDone: (durationMs: number, at: number) => void
  readonly setApiUp: (up: boolean) => void
  readonly setMigrationsInFlight: (n: number) => void
  readonly render: (now: number, rpc: RpcStats) => string
  /** For /health and tests. */
  readonly snapshot: () => {
    readonly cycles: number
    readonly lastCycleAt: number | undefined
    readonly actions: ReadonlyMap<string, number>
    readonly errors: ReadonlyMap<string, number>
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const labels = (l: Readonly<Record<string, string>>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}
const targetLabels = (t: SyncTarget) =>
  labels({ dataset: t.dataset, remote_host: t.remoteHost, remote_dataset: t.remoteDataset })
const seconds = (ms: number): string => String(ms / 1000)

export const make = (): Metrics => {
  const lastSnapshot = new Map<string, number>()
  const futureSnapshots = new Map<string, number>()
  const destinations = new Map<string, ReadonlyArray<DestinationArrival>>()
  let troubles: ReadonlyArray<Trouble> = []
  const lastSync = new Map<string, { readonly target: SyncTarget; readonly at: number }>()
  const actions = new Map<string, number>()
  const errors = new Map<string, number>()
  let cycles = 0
  let lastCycleAt: number | undefined
  let lastCycleMs = 0
  let apiUp = 1
  let inFlight = 0
  const gauges = new Map<Gauge, number>()
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)

  return {
    setGauge: (name, value) => void gauges.set(name, value),
    setLastSnapshot: (dataset, at) => void lastSnapshot.set(dataset, at),
    setLastSync: (t, at) => {
      // Normalised: callers pass richer records (a migration, a destination with `enabled`).
      const target = { dataset: t.dataset, remoteHost: t.remoteHost, remoteDataset: t.remoteDataset }
      lastSync.set(JSON.stringify(target), { target, at })
    },
    setFutureSnapshots: (dataset, count) => void futureSnapshots.set(dataset, count),
    setDestinations: (dataset, list) => void destinations.set(dataset, list),
    setTroubles: (list) => {
      troubles = list
    },
    dropDataset: (dataset) => {
      lastSnapshot.delete(dataset)
      futureSnapshots.delete(dataset)
      destinations.delete(dataset)
      for (const [k, v] of lastSync) if (v.target.dataset === dataset) lastSync.delete(k)
    },
    countAction: (kind, outcome) => void bump(actions, JSON.stringify([kind, outcome])),
    countError: (kind) => void bump(errors, kind),
    cycleDone: (durationMs, at) => {
      cycles += 1
      lastCycleAt = at
      lastCycleMs = durationMs
    },
    setApiUp: (up) => {
      apiUp = up ? 1 : 0
    },
    setMigrationsInFlight: (n) => {
      inFlight = n
    },
    snapshot: () => ({ cycles, lastCycleAt, actions, errors }),
    render: (now, rpc) => {
      const out: string[] = []
      const family = (name: string, type: string, help: string, samples: ReadonlyArray<string>) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples)
      }
      family(
        'zfs_autobackup_last_snapshot_timestamp_seconds',
        'gauge',
        'Time in the name of the newest snapshot this tool made that is not from the future, per dataset.',
        [...lastSnapshot].map(
          ([d, at]) =>
            `zfs_autobackup_last_snapshot_timestamp_seconds${labels({ dataset: d })} ${seconds(at)}`,
        ),
      )
      family(
        'zfs_autobackup_last_sync_timestamp_seconds',
        'gauge',
        "Time in the name of the destination's base snapshot: the one its own API verified, where it has one (see zfs_autobackup_destination_unverified).",
        [...lastSync.values()].map(
          (v) => `zfs_autobackup_last_sync_timestamp_seconds${targetLabels(v.target)} ${seconds(v.at)}`,
        ),
      )
      family(
        'zfs_autobackup_sync_lag_seconds',
        'gauge',
        'Seconds since the last sync per destination (never clamped: negative means the clock is behind it); verified where zfs_autobackup_destination_unverified is 0.',
        [...lastSync.values()].map(
          (v) => `zfs_autobackup_sync_lag_seconds${targetLabels(v.target)} ${seconds(now - v.at)}`,
        ),
      )
      const arrivals = [...destinations.values()].flat()
      family(
        'zfs_autobackup_destination_unverified',
        'gauge',
        '1 when what the destination has is not verified: it has no API of its own, or that API has not confirmed the base yet.',
        arrivals.map(
          (d) => `zfs_autobackup_destination_unverified${targetLabels(d)} ${d.unverified ? 1 : 0}`,
        ),
      )
      family(
        'zfs_autobackup_destination_frozen',
        'gauge',
        "1 when the destination's own API shows no incremental can run there (no common snapshot, or a diverged one).",
        arrivals.map((d) => `zfs_autobackup_destination_frozen${targetLabels(d)} ${d.frozen ? 1 : 0}`),
      )
      family(
        'zfs_autobackup_future_snapshots',
        'gauge',
        'Snapshots of ours named more than backup_interval after now (a clock fault or a hand-made name), per dataset.',
        [...futureSnapshots].map(([d, n]) => `zfs_autobackup_future_snapshots${labels({ dataset: d })} ${n}`),
      )
      family(
        'zfs_autobackup_degraded',
        'gauge',
        '1 when /health reports degraded: some trouble is current.',
        [`zfs_autobackup_degraded ${troubles.length > 0 ? 1 : 0}`],
      )
      family(
        'zfs_autobackup_troubles',
        'gauge',
        'Current troubles that make /health degraded, by kind.',
        Troubles.kinds.map(
          (kind) =>
            `zfs_autobackup_troubles${labels({ kind })} ${troubles.filter((t) => t.kind === kind).length}`,
        ),
      )
      family(
        'zfs_autobackup_actions_total',
        'counter',
        'Plan actions carried out, by kind and outcome.',
        [...actions].map(([k, n]) => {
          const [kind, outcome] = JSON.parse(k) as [string, string]
          return `zfs_autobackup_actions_total${labels({ kind, outcome })} ${n}`
        }),
      )
      family(
        'zfs_autobackup_errors_total',
        'counter',
        'Errors by kind.',
        [...errors].map(([kind, n]) => `zfs_autobackup_errors_total${labels({ kind })} ${n}`),
      )
      family(
        'zfs_autobackup_rpc_calls_total',
        'counter',
        'JSON-RPC calls sent to the ZFS API, by method.',
        Object.entries(rpc.callsByMethod).map(
          ([method, n]) => `zfs_autobackup_rpc_calls_total${labels({ method })} ${n}`,
        ),
      )
      family('zfs_autobackup_http_requests_total', 'counter', 'HTTP round trips to the ZFS API.', [
        `zfs_autobackup_http_requests_total ${rpc.httpRequests}`,
      ])
      family('zfs_autobackup_cycles_total', 'counter', 'Completed daemon cycles.', [
        `zfs_autobackup_cycles_total ${cycles}`,
      ])
      family('zfs_autobackup_cycle_duration_seconds', 'gauge', 'Wall time of the last completed cycle.', [
        `zfs_autobackup_cycle_duration_seconds ${seconds(lastCycleMs)}`,
      ])
      family('zfs_autobackup_api_up', 'gauge', '1 when the last call to the ZFS API got an answer.', [
        `zfs_autobackup_api_up ${apiUp}`,
      ])
      family('zfs_autobackup_migrations_in_flight', 'gauge', 'Migrations being monitored.', [
        `zfs_autobackup_migrations_in_flight ${inFlight}`,
      ])
      for (const [name, help] of Object.entries(GAUGES) as Array<[Gauge, string]>) {
        const v = gauges.get(name)
        if (v !== undefined) family(name, 'gauge', help, [`${name} ${v}`])
      }
      return out.join('\n') + '\n'
    },
  }
}
