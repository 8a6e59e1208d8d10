/**
 * A CLI command is a module exporting a `Command`: its name, a one-line summary, its usage text and a
 * `run` that returns the exit code. `Main.ts` dispatches to it and handles `--help`.
 *
 * @since 0.1.0
 */
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import type { Io } from './Io.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Command {
  readonly name: string
  readonly summary: string
  /** Full help text: synopsis, arguments, options (printed for `<command> --help`). */
  readonly usage: string
  readonly run: (args: ReadonlyArray<string>, io: Io) => Promise<number>
}

/** Exit codes, documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** The command ran and found a problem (invalid config, failed action, unreachable API). */
  failure: 1,
  /** Wrong arguments: unknown command or option, missing argument. */
  usage: 2,
  /** The config is missing, unreadable or invalid: the same code from every command. */
  config: 2,
} as const

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

export type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined>>
  readonly positionals: ReadonlyArray<string>
}

/** `node:util` parseArgs in strict mode, with its exception turned into a message. */
export const parse = (args: ReadonlyArray<string>, options: Options = {}): E.Either<string, ParsedArgs> =>
  E.tryCatch(
    () => {
      const r = parseArgs({ args: [...args], options, allowPositionals: true, strict: true })
      return { values: r.values, positionals: r.positionals }
    },
    (e) => (e instanceof Error ? e.message : String(e)),
  )

/** Prints `message` and the command's usage on stderr; returns the usage exit code. */
export const usageError = (cmd: Command, message: string, io: Io): number => {
  io.stderr(`zfs-autobackup ${cmd.name}: ${message}\n\n${cmd.usage}\n`)
  return ExitCode.usage
}

/** The config file: the argument, else $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml. */
export const configArgument = (positional: string | undefined, io: Io): string =>
  positional ?? io.env['ZFS_AUTOBACKUP_CONFIG'] ?? 'backup_config.yaml'
