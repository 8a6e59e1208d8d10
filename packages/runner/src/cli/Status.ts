/**
 * `status`: show snapshots, sync points and migrations per dataset. Placeholder registration; the implementation replaces `run` (keep the name so the
 * registry and docs/cli.md stay in step).
 *
 * @since 0.1.0
 */
import { type Command, ExitCode } from './Command.js'
import type { Io } from './Io.js'

export const command: Command = {
  name: 'status',
  summary: 'show snapshots, sync points and migrations per dataset',
  usage: `Usage: zfs-autobackup status [options] [FILE]

show snapshots, sync points and migrations per dataset.

Options:
  -h, --help    show this help`,
  run: async (_args: ReadonlyArray<string>, io: Io): Promise<number> => {
    io.stderr('zfs-autobackup status: not implemented yet\n')
    return ExitCode.failure
  },
}
