/**
 * `plan`: print what the next cycle would do, without doing it. Placeholder registration; the implementation replaces `run` (keep the name so the
 * registry and docs/cli.md stay in step).
 *
 * @since 0.1.0
 */
import { type Command, ExitCode } from './Command.js'
import type { Io } from './Io.js'

export const command: Command = {
  name: 'plan',
  summary: 'print what the next cycle would do, without doing it',
  usage: `Usage: zfs-autobackup plan [options] [FILE]

print what the next cycle would do, without doing it.

Options:
  -h, --help    show this help`,
  run: async (_args: ReadonlyArray<string>, io: Io): Promise<number> => {
    io.stderr('zfs-autobackup plan: not implemented yet\n')
    return ExitCode.failure
  },
}
