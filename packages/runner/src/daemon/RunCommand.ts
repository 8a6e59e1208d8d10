/**
 * `run [FILE]`: the backup daemon. With no config anywhere (no FILE, no --config, no
 * $ZFS_AUTOBACKUP_CONFIG, no ./backup_config.yaml) or with `--demo`, it runs the demo on the bundled API
 * simulator instead, saying so in a banner. A config that was named but is missing or invalid is an error,
 * and a real config whose API is down never falls back to the demo: the daemon logs the outage and retries.
 *
 * @since 0.1.0
 */
import { stat } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { systemClock } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import { type Command, configArgument, ExitCode, parse, usageError } from '../cli/Command.js'
import type { Io } from '../cli/Io.js'
import * as CE from '../config/ConfigError.js'
import { loadConfig, zoneFrom } from '../config/ConfigSource.js'
import { runDemo } from '../demo/Demo.js'
import * as Lock from './Lock.js'
import { supervise } from './Supervisor.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface SignalHandlers {
  readonly terminate: (signal: string) => void
  readonly hangup: () => void
}

/** The process's signals as a capability, so tests can run the command in-process. */
export interface Signals {
  /** Installs the handlers; returns the uninstaller. */
  readonly install: (handlers: SignalHandlers) => () => void
  /** Immediate exit on a second SIGTERM/SIGINT (the current RPC is abandoned). */
  readonly forceExit: (code: number) => void
}

const processSignals: Signals = {
  install: (h) => {
    const term = () => h.terminate('SIGTERM')
    const int = () => h.terminate('SIGINT')
    const hup = () => h.hangup()
    process.on('SIGTERM', term)
    process.on('SIGINT', int)
    process.on('SIGHUP', hup)
    return () => {
      process.off('SIGTERM', term)
      process.off('SIGINT', int)
      process.off('SIGHUP', hup)
    }
  },
  forceExit: (code) => process.exit(code),
}

const usage = `Usage: zfs-autobackup run [options] [FILE]

Runs the backup daemon: snapshots on schedule, retention, replication, monitoring.
FILE (or --config FILE) defaults to $ZFS_AUTOBACKUP_CONFIG, else ./backup_config.yaml.
When none of these exists, or with --demo, it runs a demo on the bundled API simulator
with a compressed clock (nothing on this machine is touched).

Options:
  -c, --config FILE   the config file
      --demo          run the demo on the simulated API even if a config exists
  -h, --help          show this help

Signals: SIGTERM/SIGINT finish the current API call and exit 0 (a second one exits at once);
SIGHUP reloads the config file, server settings included.

Exit status: 0 stopped by a signal, 1 another daemon already runs against this API, 2 config missing
or invalid (as every command exits on a bad config), or a usage error.`

const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  )

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (signals: Signals = processSignals, lockDeps?: Lock.LockDeps): Command => {
  const command: Command = {
    name: 'run',
    summary: 'run the backup daemon (or a demo on the simulated API when no config exists)',
    usage,
    run: async (args: ReadonlyArray<string>, io: Io): Promise<number> => {
      const parsed = parse(args, { config: { type: 'string', short: 'c' }, demo: { type: 'boolean' } })
      if (E.isLeft(parsed)) return usageError(command, parsed.left, io)
      const { positionals, values } = parsed.right
      const given = typeof values['config'] === 'string' ? values['config'] : positionals[0]
      if (positionals.length > (given === positionals[0] ? 1 : 0))
        return usageError(command, 'expected at most one FILE', io)
      const named = given !== undefined || io.env['ZFS_AUTOBACKUP_CONFIG'] !== undefined
      const file = configArgument(given, io)
      const path = isAbsolute(file) ? file : resolve(io.cwd, file)

      const write = (line: string) => io.stdout(`${line}\n`)
      const shutdown = new AbortController()
      let hangup: () => void = () => undefined
      const uninstall = signals.install({
        terminate: (signal) => {
          if (shutdown.signal.aborted) {
            io.stderr(`received ${signal} again: exiting now, abandoning the call in progress\n`)
            return signals.forceExit(1)
          }
          io.stderr(`received ${signal}: finishing the current API call, then stopping (again to force)\n`)
          shutdown.abort()
        },
        hangup: () => hangup(),
      })
      const onHangup = (reload: () => void) => {
        hangup = reload
      }
      try {
        if (values['demo'] === true || (!named && !(await exists(path)))) {
          const reason = values['demo'] === true ? '--demo was given' : `no config file (looked for ${file})`
          return await runDemo({ reason, write, signal: shutdown.signal, onHangup })
        }
        const loaded = await loadConfig(path, zoneFrom(io.env))
        if (E.isLeft(loaded)) {
          for (const e of loaded.left) io.stderr(`${file}: ${CE.format(e)}\n`)
          io.stderr(
            `${file}: config rejected; nothing started (check it with: zfs-autobackup check-config ${file})\n`,
          )
          return ExitCode.config
        }
        const lock = await Lock.acquire(await Lock.lockDir(io.env), loaded.right.zfsApi.url, lockDeps)
        if (E.isLeft(lock)) {
          io.stderr(`zfs-autobackup run: ${lock.left}\n`)
          return ExitCode.failure
        }
        return await supervise(loaded.right, {
          lock: lock.right,
          clock: systemClock,
          write,
          env: io.env,
          signal: shutdown.signal,
          onHangup,
          configPath: path,
        })
      } finally {
        uninstall()
      }
    },
  }
  return command
}

export const command: Command = make()
