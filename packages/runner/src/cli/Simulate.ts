/**
 * `simulate`: run the daemon against the bundled simulator with a compressed clock. Placeholder registration; the implementation replaces `run` (keep the name so the
 * registry and docs/cli.md stay in step).
 *
 * @since 0.1.0
 */
import { type Command, ExitCode } from './Command.js'
import type { Io } from './Io.js'

export const command: Command = {
  name: 'simulate',
  summary: 'run the daemon against the bundled simulator with a compressed clock',
  usage: `Usage: zfs-autobackup simulate [options] [FILE]

run the daemon against the bundled simulator with a compressed clock.

Options:
  -h, --help    show this help`,
  run: async (_args: ReadonlyArray<string>, io: Io): Promise<number> => {
    io.stderr('zfs-autobackup simulate: not implemented yet\n')
    return ExitCode.failure
  },
}
