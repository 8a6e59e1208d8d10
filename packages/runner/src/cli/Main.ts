/**
 * Dispatch: global options, `help [COMMAND]`, `COMMAND --help`, then the command's own `run`.
 *
 * @since 0.1.0
 */
import { type Command, ExitCode } from './Command.js'
import { commands } from './Commands.js'
import type { Io } from './Io.js'

export const VERSION = '0.1.0'

export const programHelp = (all: ReadonlyArray<Command> = commands): string => {
  const width = Math.max(...all.map((c) => c.name.length))
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return `Usage: zfs-autobackup <command> [options] [args]

ZFS snapshots, retention and replication through the ZFS JSON-RPC API.

Commands:
${lines.join('\n')}

Options:
  -h, --help     show this help (or: zfs-autobackup <command> --help)
  -V, --version  print the version

Exit status: 0 success, 1 failure (a warning for plan/status/simulate), 2 usage or config error
(every command), 3 ZFS API unreachable (plan/status/simulate); see docs/cli.md.`
}

const wantsHelp = (args: ReadonlyArray<string>): boolean => {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

/** `registry` is injectable so tests can dispatch to probe commands. */
export const main = async (
  argv: ReadonlyArray<string>,
  io: Io,
  registry: ReadonlyArray<Command> = commands,
): Promise<number> => {
  const find = (n: string): Command | undefined => registry.find((c) => c.name === n)
  const [name, ...rest] = argv
  if (name === undefined) {
    io.stderr(`${programHelp(registry)}\n`)
    return ExitCode.usage
  }
  if (name === '--help' || name === '-h') {
    io.stdout(`${programHelp(registry)}\n`)
    return ExitCode.ok
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`zfs-autobackup ${VERSION}\n`)
    return ExitCode.ok
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : find(rest[0])
    if (rest[0] !== undefined && topic === undefined) {
      io.stderr(`zfs-autobackup: unknown command "${rest[0]}"\n\n${programHelp(registry)}\n`)
      return ExitCode.usage
    }
    io.stdout(`${topic === undefined ? programHelp(registry) : topic.usage}\n`)
    return ExitCode.ok
  }
  const cmd = find(name)
  if (cmd === undefined) {
    io.stderr(`zfs-autobackup: unknown command "${name}"\n\n${programHelp(registry)}\n`)
    return ExitCode.usage
  }
  if (wantsHelp(rest)) {
    io.stdout(`${cmd.usage}\n`)
    return ExitCode.ok
  }
  try {
    return await cmd.run(rest, io)
  } catch (e) {
    // A command should fold its errors itself; this is the last line of defence, not a code path.
    io.stderr(
      `zfs-autobackup ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    )
    return ExitCode.failure
  }
}
