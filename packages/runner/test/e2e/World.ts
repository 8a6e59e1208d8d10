/**
 * An end-to-end world: the real daemon (supervisor, client, planner, config reload) against the bundled API
 * simulator through its in-process fetch, with daemon and simulator on one `VirtualClock`, so a simulated
 * day runs in seconds. The config lives in a temp file the test may rewrite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FetchLike, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import {
  type ApiOptions,
  makeSimulator,
  type Simulator,
  type SimulatorOptions,
} from '@zfs-autobackup/zfs-rpc/testing'
import * as E from 'fp-ts/lib/Either.js'
import { loadConfig } from '../../src/config/ConfigSource.js'
import type { Daemon } from '../../src/daemon/Daemon.js'
import { supervise } from '../../src/daemon/Supervisor.js'
import { routedFetch } from '../../src/demo/RoutedFetch.js'

export const MIN = 60_000

/** A port that was free a moment ago (the status server needs a fixed one in the config). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
export const HOUR = 60 * MIN

export interface WorldOptions {
  readonly yaml: string
  readonly start: number
  readonly simulator?: Omit<SimulatorOptions, 'clock'>
  /** Runs before the daemon starts (seed snapshots, holds, migrations). */
  readonly seed?: (sim: Simulator) => void
  /**
   * Serve this host of the simulator as its own API (the backup host's, `destinations[].api`) at
   * `http://<host>:8545` (`config({ api: true })` names it). The world's `backup` is that API.
   */
  readonly backupApi?: { readonly host: string; readonly options?: ApiOptions }
  /** Reuse a simulator (a restart of the daemon against the same API). */
  readonly sim?: Simulator
  readonly clock?: VirtualClock
}

/** Lets real I/O (file reads, sockets) and the promise jobs it triggers run. */
export const settle = async (until: () => boolean, what: string, tries = 5000): Promise<void> => {
  for (let i = 0; i < tries; i++) {
    if (until()) return
    // setImmediate runs right after the I/O callbacks of this loop turn: cheap to spin on
    await new Promise((r) => (i < 1000 ? setImmediate(r) : setTimeout(r, 2)))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export const startWorld = async (o: WorldOptions) => {
  const dir = mkdtempSync(join(tmpdir(), 'zab-e2e-'))
  const path = join(dir, 'backup_config.yaml')
  writeFileSync(path, o.yaml)
  const clock = o.clock ?? new VirtualClock(o.start)
  const sim = o.sim ?? makeSimulator({ zone: 'UTC', ...o.simulator, clock })
  const backup =
    o.backupApi === undefined ? undefined : sim.hostApi(o.backupApi.host, o.backupApi.options ?? {})
  o.seed?.(sim)
  const fetch = routedFetch(
    backup === undefined ? {} : { [`${backup.host}:8545`]: backup.fetch as unknown as FetchLike },
    sim.fetch as unknown as FetchLike,
  )
  const loaded = await loadConfig(path, { defaultZone: 'UTC' })
  if (E.isLeft(loaded)) throw new Error(`bad test config: ${JSON.stringify(loaded.left)}`)
  const lines: string[] = []
  const stop = new AbortController()
  let daemon: Daemon | undefined
  let hangup: (() => void) | undefined
  let statusUrl: string | undefined
  const exit = supervise(loaded.right, {
    clock,
    fetch,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    write: (l) => void lines.push(l),
    env: {},
    signal: stop.signal,
    onHangup: (r) => {
      hangup = r
    },
    configPath: path,
    onDaemon: (d) => {
      daemon = d
    },
    onListening: (u) => {
      statusUrl = u
    },
  })
  let exited = false
  void exit.then(() => {
    exited = true
  })
  await settle(() => daemon?.isIdle() === true, 'the first cycle')

  const world = {
    clock,
    sim,
    /** The backup host's own API (`backupApi`), if served. */
    backup,
    /** The fetch the daemon uses (both APIs), for operator tools run against the same world. */
    fetch,
    lines,
    path,
    daemon: () => daemon!,
    statusUrl: () => statusUrl,
    /** Advances the clock by `ms` in steps, letting the daemon finish each cycle (and its I/O) in between. */
    run: async (ms: number, stepMs = MIN): Promise<void> => {
      const end = clock.now() + ms
      while (clock.now() < end) {
        await clock.advance(Math.min(stepMs, end - clock.now()))
        await settle(() => exited || daemon?.isIdle() === true, 'the daemon to park')
      }
    },
    writeConfig: (yaml: string) => writeFileSync(path, yaml),
    hangup: () => hangup?.(),
    stop: async (): Promise<number> => {
      stop.abort()
      return exit
    },
    /** Log lines containing `text`. */
    grep: (text: string | RegExp) =>
      lines.filter((l) => (typeof text === 'string' ? l.includes(text) : text.test(l))),
  }
  return world
}

export type World = Awaited<ReturnType<typeof startWorld>>

/**
 * The common world: tank/a synced hourly to nas:backup/a from `start`, /metrics and the status page on a
 * free port (`port`); `api`: nas serves its own API (arrival is verified there).
 */
export const startHourlyToNas = async (start: number, o: { readonly api?: boolean } = {}) => {
  const port = await freePort()
  const api = o.api === true
  const w = await startWorld({
    yaml: config({ datasets: [{ name: 'tank/a', dest: 'nas', api }], metricsPort: port, syncInterval: 3600 }),
    start,
    simulator: api ? { datasets: ['tank/a'] } : { datasets: ['tank/a'], remotes: ['nas'] },
    ...(api ? { backupApi: { host: 'nas' } } : {}),
  })
  return { ...w, port }
}

export const config = (o: {
  /**
   * `api`: the destination has its own API at `http://<dest>:8545` (see `backupApi`); `targetRetention`:
   * its `target_retention` (YAML flow mapping), with `api`.
   */
  readonly datasets: ReadonlyArray<{
    readonly name: string
    readonly dest?: string
    readonly api?: boolean
    readonly targetRetention?: string
  }>
  readonly retention?: string
  readonly sync?: boolean
  readonly syncInterval?: number
  readonly extra?: string
  readonly metricsPort?: number
}): string => `server:
  backup_interval: 600
  timezone: "UTC"
  retention: ${o.retention ?? '{ frequent: 4, hourly: 6, daily: 2, weekly: 1, monthly: 1, yearly: 1 }'}
  remote_sync:
    enabled: ${o.sync ?? true}
    interval: ${o.syncInterval ?? 21600}
  metrics:
${o.metricsPort === undefined ? '    enabled: false' : `    enabled: true\n    port: ${o.metricsPort}`}
${o.extra ?? ''}zfs_api:
  url: "http://simulated-zfs-api:8545"
  timeout: 30
datasets:
${o.datasets
  .map(
    (d) =>
      `  - local_dataset: "${d.name}"\n` +
      (d.dest === undefined
        ? ''
        : `    destinations:\n      - remote_host: "${d.dest}"\n        remote_dataset: "backup/${d.name.split('/').pop()}"\n` +
          (d.api === true ? `        api:\n          url: "http://${d.dest}:8545"\n` : '') +
          (d.targetRetention === undefined ? '' : `        target_retention: ${d.targetRetention}\n`)),
  )
  .join('')}`
