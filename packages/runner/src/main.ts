#!/usr/bin/env node
/**
 * The `zfs-autobackup` binary: binds the real process to the CLI and sets the exit code.
 * Everything else lives in cli/ (commands) so it can be tested in-process.
 */
import { processIo } from './cli/Io.js'
import { main } from './cli/Main.js'

process.exitCode = await main(process.argv.slice(2), processIo())
