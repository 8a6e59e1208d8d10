/**
 * `simulator`: serve the bundled ZFS API simulator over HTTP, so `run`, `plan` and `status` can be tried
 * against it by hand. The same program as zfs-rpc's `zfs-api-simulator` bin, reachable wherever the
 * `zfs-autobackup` binary is.
 *
 * @since 0.1.0
 */
import { runSimulatorCli, simulatorUsage } from '@zfs-autobackup/zfs-rpc/testing'
import type { Command } from './Command.js'

const program = 'zfs-autobackup simulator'

export const command: Command = {
  name: 'simulator',
  summary: 'serve the bundled ZFS API simulator over HTTP (try the other commands against it)',
  usage: simulatorUsage(program),
  run: (args, io) => runSimulatorCli(args, io, program),
}
