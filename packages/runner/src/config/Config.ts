/**
 * The decoded configuration: the core's `Policy` and `DatasetPolicy[]` plus the runner's own settings
 * (API connection, zone, metrics, logging). Built from `RawConfig` after validation, so every value here
 * is trusted.
 *
 * @since 0.1.0
 */
import type { DatasetPolicy, Policy, SnapshotType } from '@zfs-autobackup/core'
import type { ConfigWarning } from './ConfigError.js'
import type { RawConfig } from './Schema.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where the API password comes from; never the password itself. */
export type PasswordSource =
  | { readonly _tag: 'File'; readonly path: string }
  | { readonly _tag: 'Env'; readonly name: string }

export interface ApiAuth {
  readonly username: string
  readonly password: PasswordSource
}

export interface ZfsApiSettings {
  readonly url: string
  readonly timeoutSeconds: number
  /** Most API calls in flight at once (the API runs a batch's calls concurrently, one `zfs` each). */
  readonly maxCallsInFlight: number
  /** Only needed when the API is not on this host (the API skips auth for localhost callers). */
  readonly auth?: ApiAuth
}

export interface MetricsSettings {
  readonly enabled: boolean
  readonly host: string
  readonly port: number
  /** Where the status page's bearer token comes from; never the token itself. */
  readonly token?: PasswordSource
}

export type LogFormat = 'text' | 'json'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogSettings {
  readonly format: LogFormat
  readonly level: LogLevel
}

/** A destination's own API (the backup host's), by (remote host, remote dataset). */
export interface DestinationApi {
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly api: ZfsApiSettings
  /**
   * `target_retention`: the backup host is pruned to these counts (core-decisions.md §17); absent keys took
   * `server.retention`'s. Absent: the backup host is not pruned.
   */
  readonly targetRetention?: SnapshotType.Retention
}

export interface Config {
  readonly policy: Policy
  readonly datasets: ReadonlyArray<DatasetPolicy>
  /** IANA zone for schedules, calendar boundaries and sync hold timestamps. */
  readonly timezone: string
  /** Full re-read of every snapshot's holds, in seconds (core-decisions.md §14). */
  readonly holdRescanIntervalSeconds: number
  /** Longest the daemon sleeps between two looks at the API when nothing is due, in seconds. */
  readonly maxSleepSeconds: number
  readonly zfsApi: ZfsApiSettings
  /** Destinations whose backup host's API is configured: arrival is verified there, not elsewhere. */
  readonly destinationApis: ReadonlyArray<DestinationApi>
  readonly metrics: MetricsSettings
  readonly log: LogSettings
  /** Accepted oddities, for the operator's attention; not part of the configuration itself. */
  readonly warnings: ReadonlyArray<ConfigWarning>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

type RawApi = {
  readonly url: string
  readonly timeout: number
  readonly max_calls_in_flight: number
  readonly auth?:
    | {
        readonly username: string
        readonly password_file: string | undefined
        readonly password_env: string | undefined
      }
    | undefined
}

const apiSettings = (a: RawApi): ZfsApiSettings => ({
  url: a.url,
  timeoutSeconds: a.timeout,
  maxCallsInFlight: a.max_calls_in_flight,
  ...(a.auth === undefined
    ? {}
    : {
        auth: {
          username: a.auth.username,
          password:
            a.auth.password_file !== undefined
              ? { _tag: 'File', path: a.auth.password_file }
              : { _tag: 'Env', name: a.auth.password_env ?? '' },
        },
      }),
})

type Counts = SnapshotType.Retention

/** Each count given, else the source's. */
const targetCounts = (
  given: { readonly [K in keyof Counts]: number | undefined },
  source: Counts,
): Counts => ({
  frequent: given.frequent ?? source.frequent,
  hourly: given.hourly ?? source.hourly,
  daily: given.daily ?? source.daily,
  weekly: given.weekly ?? source.weekly,
  monthly: given.monthly ?? source.monthly,
  yearly: given.yearly ?? source.yearly,
})

export const fromRaw = (raw: RawConfig, warnings: ReadonlyArray<ConfigWarning>): Config => {
  const { server, zfs_api } = raw
  return {
    policy: {
      backupIntervalSeconds: server.backup_interval,
      snapshotWindow: { days: server.schedule.days, hours: server.schedule.hours },
      retention: { ...server.retention },
      remoteSync: {
        enabled: server.remote_sync.enabled,
        intervalSeconds: server.remote_sync.interval,
        window: { days: server.remote_sync.days, hours: server.remote_sync.hours },
      },
    },
    datasets: raw.datasets.map((d) => ({
      dataset: d.local_dataset,
      recursive: d.recursive,
      ...(d.exclude.length > 0 ? { exclude: d.exclude } : {}),
      destinations: d.destinations.map((x) => ({
        remoteHost: x.remote_host,
        remoteDataset: x.remote_dataset ?? d.local_dataset,
        enabled: x.enabled,
      })),
    })),
    timezone: server.timezone,
    holdRescanIntervalSeconds: server.hold_rescan_interval,
    maxSleepSeconds: server.max_sleep,
    zfsApi: apiSettings(zfs_api),
    destinationApis: raw.datasets.flatMap((d) =>
      d.destinations.flatMap((x) =>
        x.api === undefined
          ? []
          : [
              {
                remoteHost: x.remote_host,
                remoteDataset: x.remote_dataset ?? d.local_dataset,
                api: apiSettings(x.api),
                ...(x.target_retention === undefined
                  ? {}
                  : { targetRetention: targetCounts(x.target_retention, server.retention) }),
              },
            ],
      ),
    ),
    metrics: {
      enabled: server.metrics.enabled,
      host: server.metrics.host,
      port: server.metrics.port,
      ...(server.metrics.token_file !== undefined
        ? { token: { _tag: 'File', path: server.metrics.token_file } }
        : server.metrics.token_env !== undefined
          ? { token: { _tag: 'Env', name: server.metrics.token_env } }
          : {}),
    },
    log: { ...server.log },
    warnings,
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The backup host's API configured for a destination, if any. */
export const destinationApiOf = (
  c: Pick<Config, 'destinationApis'>,
  d: { readonly remoteHost: string; readonly remoteDataset: string },
): ZfsApiSettings | undefined =>
  c.destinationApis.find((x) => x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset)?.api

/** Destinations that are enabled, over all datasets. */
export const enabledDestinations = (c: Config): number =>
  c.datasets.reduce((n, d) => n + d.destinations.filter((x) => x.enabled).length, 0)
