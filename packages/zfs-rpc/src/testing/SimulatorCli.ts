/**
 * The simulator as a command, shared by the `zfs-api-simulator` bin of this package and the
 * `zfs-autobackup simulator` command of the runner: parse the flags, serve over HTTP, print the URL, stop
 * on SIGINT/SIGTERM. Returns the exit code (0 stopped by a signal, 2 bad flags).
 *
 * @since 0.1.0
 */
import { parseArgs } from 'node:util'
import { makeSimulator } from './Simulator.js'

export interface CliOutput {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const simulatorUsage = (program: string): string => `Usage: ${program} [options]

Serves the in-memory ZFS JSON-RPC API simulator over HTTP until SIGINT/SIGTERM (see docs/simulator.md).

Options:
  --port N               port to listen on (default 8545; 0 picks a free one)
  --host ADDR            address to bind (default 127.0.0.1; the simulator has no real auth)
  --datasets A,B         datasets present at start (default tank/data)
  --zone ZONE            IANA zone of the API host's local time (default UTC)
  --migration-seconds N  seconds to send one snapshot's stream (default 30; 0 as fast as possible)
  --seed N               seeds task ids, tokens and random faults (default 1)
  -h, --help             show this help`

const int = (name: string, v: string | undefined, dflt: number): number => {
  if (v === undefined) return dflt
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`)
  return n
}

/** Runs until a signal; flag errors (incl. an unknown zone) exit 2 with the message and the usage. */
export const runSimulatorCli = async (
  args: ReadonlyArray<string>,
  out: CliOutput,
  program = 'zfs-api-simulator',
): Promise<number> => {
  const started = await (async () => {
    const { values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        datasets: { type: 'string' },
        zone: { type: 'string' },
        'migration-seconds': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
    if (values.help === true) return undefined
    const seconds = int('migration-seconds', values['migration-seconds'], 30)
    const bytesPerSnapshot = 64 * 1024 * 1024
    const sim = makeSimulator({
      zone: values.zone ?? 'UTC',
      seed: int('seed', values.seed, 1),
      datasets: (values.datasets ?? 'tank/data').split(',').filter((d) => d.trim() !== ''),
      // One snapshot's stream takes `seconds` to send (0 → as fast as possible).
      migration: {
        bytesPerSnapshot,
        bytesPerSecond: seconds === 0 ? Number.MAX_SAFE_INTEGER : bytesPerSnapshot / seconds,
      },
    })
    return sim.listen({ port: int('port', values.port, 8545), host: values.host ?? '127.0.0.1' })
  })().catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
  if (started === undefined) {
    out.stdout(`${simulatorUsage(program)}\n`)
    return 0
  }
  if (typeof started === 'string') {
    out.stderr(`${program}: ${started}\n\n${simulatorUsage(program)}\n`)
    return 2
  }
  out.stdout(`ZFS API simulator listening on ${started.url}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await started.close()
  return 0
}
