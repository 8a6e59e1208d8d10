/**
 * What `plan`, `status` and `simulate` share: their exit codes, reading the config file named by `--config`
 * (or the positional FILE, as `check-config` takes it), and the `--at` / `--from` instants.
 *
 * @since 0.1.0
 */
import { isAbsolute, resolve } from 'node:path'
import { describeRpcError as describeRpc, type RpcError } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { DateTime } from 'luxon'
import { configArgument, type Options, type ParsedArgs, parse } from '../cli/Command.js'
import type { Io } from '../cli/Io.js'
import type { Config } from '../config/Config.js'
import * as CE from '../config/ConfigError.js'
import { loadConfig, zoneFrom } from '../config/ConfigSource.js'

/** Exit codes of the operator tools (Nagios-like: 1 warning, 3 unknown). Documented in docs/operator-tools.md. */
export const ToolExit = {
  ok: 0,
  /** `status`: a destination lags beyond the threshold (or never synced); `plan`: a dataset could not be read. */
  warning: 1,
  /** Wrong arguments, or a config that does not load. */
  usageOrConfig: 2,
  /** The API did not answer. */
  unreachable: 3,
} as const

/** `--config F`, else the positional FILE, else $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml. */
const configPath = (
  option: unknown,
  positionals: ReadonlyArray<string>,
  io: Io,
): E.Either<string, string> => {
  if (positionals.length > 1 || (positionals.length === 1 && typeof option === 'string'))
    return E.left('expected one config file (--config FILE or FILE)')
  const file = typeof option === 'string' ? option : configArgument(positionals[0], io)
  return E.right(isAbsolute(file) ? file : resolve(io.cwd, file))
}

/** A tool's arguments: its own options plus `--config`/`-c` (or the positional FILE), resolved to a path. */
export const parseToolArgs = (
  args: ReadonlyArray<string>,
  options: Options,
  io: Io,
): E.Either<string, { readonly values: ParsedArgs['values']; readonly path: string }> => {
  const parsed = parse(args, { config: { type: 'string', short: 'c' }, ...options })
  if (E.isLeft(parsed)) return parsed
  const { values, positionals } = parsed.right
  return E.map((path: string) => ({ values, path }))(configPath(values['config'], positionals, io))
}

/** A config that did not load: the exit code, and the first problem for a one-line verdict. */
export interface LoadFailure {
  readonly code: number
  readonly why: string
}

/** Loads the config; prints every problem on stderr and returns the exit code and the first on failure. */
export const load = async (path: string, io: Io): Promise<E.Either<LoadFailure, Config>> => {
  const r = await loadConfig(path, zoneFrom(io.env))
  if (E.isRight(r)) return r
  for (const e of r.left) io.stderr(`${path}: ${CE.format(e)}\n`)
  const more = r.left.length > 1 ? ` (+${r.left.length - 1} more on stderr)` : ''
  return E.left({
    code: ToolExit.usageOrConfig,
    why: `${path}: ${r.left.map(CE.format)[0] ?? 'invalid'}${more}`,
  })
}

/** An instant in ISO 8601 with an offset or `Z` (`2026-03-29T01:50:00+01:00`); a bare local time is refused. */
export const instant = (flag: string, text: string): E.Either<string, number> => {
  const dt = DateTime.fromISO(text, { setZone: true })
  if (!dt.isValid) return E.left(`--${flag}: '${text}' is not an ISO 8601 time`)
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text))
    return E.left(`--${flag}: '${text}' needs an offset or Z, e.g. 2026-03-29T01:50:00+01:00`)
  return E.right(dt.toMillis())
}

const units: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration of at least 1 s: `600`, `600s`, `10m`, `2h`, `1d` (a bare number is seconds). Returns ms. */
export const duration = (flag: string, text: string): E.Either<string, number> => {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim())
  const ms = m === null ? Number.NaN : Number(m[1]) * (units[m[2] || 's'] ?? 1_000)
  return Number.isFinite(ms) && ms >= 1_000
    ? E.right(Math.round(ms))
    : E.left(`--${flag}: '${text}' is not a duration of at least 1s (e.g. 600, 10m, 2h, 1d)`)
}

/** The API did not answer: say where and why. */
export const unreachable = (c: Config, e: RpcError, io: Io): number => {
  io.stderr(`ZFS API at ${c.zfsApi.url} did not answer: ${describeRpc(e)}\n`)
  return ToolExit.unreachable
}
