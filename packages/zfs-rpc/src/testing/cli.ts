#!/usr/bin/env node
/**
 * The `zfs-api-simulator` bin: `zfs-api-simulator [--port 8545] [--datasets tank/a,tank/b] …` (see
 * `SimulatorCli.ts`, shared with `zfs-autobackup simulator`).
 *
 * @since 0.1.0
 */
import { runSimulatorCli } from './SimulatorCli.js'

process.exitCode = await runSimulatorCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
})
