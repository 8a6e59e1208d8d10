/**
 * `run`: run the backup daemon (snapshots, retention, replication). Placeholder registration; the implementation replaces `run` (keep the name so the
 * registry and docs/cli.md stay in step).
 *
 * @since 0.1.0
 */
import { type Command, ExitCode } from './Command.js'
import type { Io } from './Io.js'

export const command: Command = {
  name: 'run',
  summary: 'run the backup daemon (snapshots, retention, replication)',
  usage: `Usage: zfs-autobackup run [options] [FILE]

run the backup daemon (snapshots, retention, replication).

Options:
  -h, --help    show this help`,
  run: async (_args: ReadonlyArray<string>, io: Io): Promise<number> => {
    io.stderr('zfs-autobackup run: not implemented yet\n')
    return ExitCode.failure
  },
}
