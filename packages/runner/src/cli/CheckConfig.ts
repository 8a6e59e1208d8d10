/**
 * `check-config [FILE]`: validate a config like `nginx -t`. Exit 0 with a one-line summary (warnings on
 * stderr), or every error on stderr and exit 1.
 *
 * @since 0.1.0
 */
import { isAbsolute, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { type Config, destinationApiOf, enabledDestinations } from '../config/Config.js'
import * as CE from '../config/ConfigError.js'
import { loadConfig, zoneFrom } from '../config/ConfigSource.js'
import { type Command, configArgument, ExitCode, parse, usageError } from './Command.js'
import type { Io } from './Io.js'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * e.g. `2 datasets, 3 destinations, remote sync enabled; arrival not verified for 3 (no destination
 * API) (warnings: 1)`. Says plainly where arrival is not verified (core-decisions.md §15).
 */
export const summary = (c: Config): string => {
  const all = c.datasets.reduce((n, d) => n + d.destinations.length, 0)
  const disabled = all - enabledDestinations(c)
  const dests = plural(all, 'destination') + (disabled > 0 ? ` (${disabled} disabled)` : '')
  const sync = `remote sync ${c.policy.remoteSync.enabled ? 'enabled' : 'disabled'}`
  const unverified = c.datasets.reduce(
    (n, d) => n + d.destinations.filter((x) => x.enabled && destinationApiOf(c, x) === undefined).length,
    0,
  )
  const arrival =
    c.policy.remoteSync.enabled && unverified > 0
      ? `; arrival not verified for ${unverified} (no destination API)`
      : ''
  const warnings = c.warnings.length > 0 ? ` (warnings: ${c.warnings.length})` : ''
  return `${plural(c.datasets.length, 'dataset')}, ${dests}, ${sync}${arrival}${warnings}`
}

export const command: Command = {
  name: 'check-config',
  summary: 'validate a config file and print a summary (like nginx -t)',
  usage: `Usage: zfs-autobackup check-config [options] [FILE]

Validates FILE (default: $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml) and reports every
problem with its line and key path. Nothing is contacted: the check is offline.

Options:
  -q, --quiet   print nothing on success (errors are still printed)
  -h, --help    show this help

Exit status: 0 valid (warnings allowed), 2 invalid or unreadable (as every command exits on a bad
config), or a usage error.`,
  run: async (args: ReadonlyArray<string>, io: Io): Promise<number> => {
    const parsed = parse(args, { quiet: { type: 'boolean', short: 'q' } })
    if (E.isLeft(parsed)) return usageError(command, parsed.left, io)
    const { positionals, values } = parsed.right
    if (positionals.length > 1) return usageError(command, 'expected at most one FILE', io)
    const file = configArgument(positionals[0], io)
    const path = isAbsolute(file) ? file : resolve(io.cwd, file)
    const result = await loadConfig(path, zoneFrom(io.env))
    if (E.isLeft(result)) {
      for (const e of result.left) io.stderr(`${file}: ${CE.format(e)}\n`)
      io.stderr(`${file}: ${plural(result.left.length, 'error')}, config rejected\n`)
      return ExitCode.config
    }
    const config = result.right
    for (const w of config.warnings) io.stderr(`${file}: warning: ${CE.formatWarning(w)}\n`)
    if (values['quiet'] !== true) io.stdout(`${file}: OK — ${summary(config)}\n`)
    return ExitCode.ok
  },
}
