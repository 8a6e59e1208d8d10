#!/usr/bin/env node
/**
 * Runs the simulator by hand:
 * `node packages/zfs-rpc/dist/testing/cli.js [--port 8545] [--host 127.0.0.1] [--datasets tank/a,tank/b]
 *  [--zone Europe/Vienna] [--migration-seconds N] [--seed N]`. Prints the URL; SIGINT/SIGTERM stop it.
 *
 * @since 0.1.0
 */
import { parseArgs } from 'node:util'
import { makeSimulator } from './Simulator.js'

const USAGE =
  'usage: zfs-api-simulator [--port 8545] [--host 127.0.0.1] [--datasets tank/a,tank/b] [--zone UTC] [--migration-seconds 30] [--seed 1]'

const int = (name: string, v: string | undefined, dflt: number): number => {
  if (v === undefined) return dflt
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`)
  return n
}

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      datasets: { type: 'string' },
      zone: { type: 'string' },
      'migration-seconds': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help === true) return void console.log(USAGE)
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
  const server = await sim.listen({ port: int('port', values.port, 8545), host: values.host ?? '127.0.0.1' })
  console.log(`ZFS API simulator listening on ${server.url}`)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  console.error(USAGE)
  process.exit(2)
})
