/**
 * The YAML schema of `backup_config.yaml`: the seed's keys with the seed's defaults, plus the documented
 * additions (docs/configuration.md). Decodes the parsed document into `RawConfig` (YAML key names,
 * defaults filled in); `Config.ts` maps it onto the core's types.
 *
 * @since 0.1.0
 */
import { DEFAULT_MAX_CALLS_IN_FLIGHT } from '@zfs-autobackup/zfs-rpc'
import { IANAZone } from 'luxon'
import * as D from './Decoders.js'
import { DatasetName, HostName, hostNameProblem } from './ValidatedNames.js'

// -------------------------------------------------------------------------------------
// limits
// -------------------------------------------------------------------------------------

/** Anything longer is a typo (an extra digit or milliseconds for seconds), not a plan. */
export const TEN_YEARS_SECONDS = 10 * 366 * 24 * 3600
export const MAX_RETENTION = 1_000_000
const ALL_DAYS = '1111111'
const ALL_HOURS = '111111111111111111111111'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const seconds = (min: number) =>
  D.integer(min, TEN_YEARS_SECONDS, 'seconds', `${TEN_YEARS_SECONDS} (10 years)`)
const count = D.integer(0, MAX_RETENTION, 'snapshots')
const days = D.mask(7, 'Mon..Sun')
const hours = D.mask(24, 'hours 00..23')

const timezone = D.text('an IANA time zone such as "Europe/Vienna"', (z) =>
  IANAZone.isValidZone(z)
    ? undefined
    : `unknown time zone "${z}" (expected an IANA name such as "Europe/Vienna")`,
)

const Retention = D.closed('retention', {
  frequent: D.withDefault(count, 4),
  hourly: D.withDefault(count, 12),
  daily: D.withDefault(count, 7),
  weekly: D.withDefault(count, 4),
  monthly: D.withDefault(count, 6),
  yearly: D.withDefault(count, 3),
})

/** A backup host's counts: each key optional, an absent one takes `server.retention`'s (`Config.ts`). */
const TargetRetention = D.closed('target_retention', {
  frequent: D.optional(count),
  hourly: D.optional(count),
  daily: D.optional(count),
  weekly: D.optional(count),
  monthly: D.optional(count),
  yearly: D.optional(count),
})

const Schedule = D.closed('schedule', {
  days: D.withDefault(days, ALL_DAYS),
  hours: D.withDefault(hours, ALL_HOURS),
})

const RemoteSync = D.closed('remote_sync', {
  enabled: D.withDefault(D.boolean, false),
  interval: D.withDefault(seconds(60), 86400),
  days: D.withDefault(days, ALL_DAYS),
  hours: D.withDefault(hours, ALL_HOURS),
})

const envName = D.text('an environment variable name', (s) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? undefined : `not a valid environment variable name: "${s}"`,
)

const Metrics = D.refine(
  D.closed(
    'metrics',
    {
      enabled: D.withDefault(D.boolean, true),
      host: D.withDefault(D.text('a listen address', hostNameProblem), '127.0.0.1'),
      port: D.withDefault(D.integer(1, 65535, '(port)'), 9180),
      // The status page's bearer token, from a file or a variable: never in the config itself.
      token_file: D.optional(D.text('a file path')),
      token_env: D.optional(envName),
    },
    { token: 'never put the token in the config: use token_file or token_env' },
  ),
  (m) =>
    m.token_file !== undefined && m.token_env !== undefined
      ? 'give at most one of token_file or token_env'
      : undefined,
)

const Log = D.closed('log', {
  format: D.withDefault(D.oneOf('text', 'json'), 'text'),
  level: D.withDefault(D.oneOf('debug', 'info', 'warn', 'error'), 'info'),
})

const Server = (zone: string) =>
  D.closed('server', {
    backup_interval: D.withDefault(seconds(60), 600),
    schedule: D.section(Schedule),
    retention: D.section(Retention),
    remote_sync: D.section(RemoteSync),
    // A host zone that is no IANA name (e.g. a POSIX TZ string) cannot be the default: ask for it.
    timezone: IANAZone.isValidZone(zone) ? D.withDefault(timezone, zone) : D.required(timezone),
    hold_rescan_interval: D.withDefault(seconds(60), 3600),
    max_sleep: D.withDefault(seconds(60), 600),
    metrics: D.section(Metrics),
    log: D.section(Log),
  })

const apiUrl = D.text('an http(s) URL', (s) => {
  if (!URL.canParse(s)) return `not a valid URL: "${s}"`
  const u = new URL(s)
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `must start with http:// or https://, got "${s}"`
  if (u.username !== '' || u.password !== '') return 'must not contain credentials: use zfs_api.auth'
  return undefined
})

const Auth = D.refine(
  D.closed(
    'auth',
    {
      username: D.required(D.text('a user name')),
      password_file: D.optional(D.text('a file path')),
      password_env: D.optional(envName),
    },
    { password: 'never put the password in the config: use password_file or password_env' },
  ),
  (a) =>
    (a.password_file === undefined) === (a.password_env === undefined)
      ? 'give exactly one of password_file or password_env'
      : undefined,
)

const ZfsApi = D.closed('zfs_api', {
  url: D.withDefault(apiUrl, 'http://localhost:8545'),
  timeout: D.withDefault(D.positive(3600, 'seconds'), 30),
  max_calls_in_flight: D.withDefault(D.integer(1, 1000, 'calls'), DEFAULT_MAX_CALLS_IN_FLIGHT),
  auth: D.optional(Auth),
})

/**
 * The backup host's own API (optional, core-decisions.md §15): with it the daemon verifies that what it sent
 * arrived (same guid on both ends) and can prune the backup host; without it arrival is not verified.
 */
const DestinationApi = D.closed('api', {
  url: D.required(apiUrl),
  timeout: D.withDefault(D.positive(3600, 'seconds'), 30),
  max_calls_in_flight: D.withDefault(D.integer(1, 1000, 'calls'), DEFAULT_MAX_CALLS_IN_FLIGHT),
  auth: D.optional(Auth),
})

const Destination = D.refine(
  D.closed('destination', {
    remote_host: D.required(HostName),
    remote_dataset: D.optional(DatasetName),
    enabled: D.withDefault(D.boolean, true),
    api: D.optional(DestinationApi),
    // Present (even `{}`): prune the backup host through `api` (core-decisions.md §17).
    target_retention: D.optional(TargetRetention),
  }),
  (d) =>
    d.target_retention !== undefined && d.api === undefined
      ? "target_retention needs api: retention on the backup host lists and destroys its snapshots through the backup host's own API (destinations[].api)"
      : undefined,
)

const Dataset = D.closed('dataset', {
  local_dataset: D.required(DatasetName),
  recursive: D.withDefault(D.boolean, false),
  // Descendants of the tree left out of its retention (checked against local_dataset in Checks.trees).
  exclude: D.withDefault(D.list(DatasetName), []),
  destinations: D.withDefault(D.list(Destination), []),
})

/** The whole document; `zone` is the default for `server.timezone` (the host's zone). */
export const RawConfig = (zone: string) =>
  D.closed('config', {
    server: D.section(Server(zone)),
    zfs_api: D.section(ZfsApi),
    datasets: D.required(D.list(Dataset)),
  })

type DecoderOut<X> = X extends D.Decoder<infer A> ? A : never
export type RawConfig = DecoderOut<ReturnType<typeof RawConfig>>
