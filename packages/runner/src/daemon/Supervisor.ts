/**
 * Binds the real capabilities to the daemon (the "Production" module of docs-ts): the JSON-RPC clients (the
 * API's and each destination's backup-host API, `DestinationApis`), the logger, the planner, the metrics and the status server, all from one `Config`; runs the daemon until
 * shutdown, and rebuilds them when a SIGHUP reload changed the API, HTTP or logging settings.
 *
 * @since 0.1.0
 */
import { makePlanner } from '@zfs-autobackup/core'
import { type Clock, type FetchLike, type RetryPolicy, systemClock } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../config/Config.js'
import { pageTokenOf } from '../config/ConfigSource.js'
import * as Health from '../http/Health.js'
import * as Metrics from '../http/Metrics.js'
import * as StatusServer from '../http/StatusServer.js'
import * as Logger from '../log/Logger.js'
import { factsOf } from '../page/DaemonFacts.js'
import * as PageHtml from '../page/PageHtml.js'
import { pageData } from '../page/PageModel.js'
import { SCRIPT } from '../page/PageScript.js'
import { type ClientDeps, clientOf } from './ApiClient.js'
import * as Cycle from './Cycle.js'
import * as Daemon from './Daemon.js'
import * as DestinationApis from './DestinationApis.js'
import * as EndedWhileStopped from './EndedWhileStopped.js'
import type * as Lock from './Lock.js'
import * as Reloader from './Reloader.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Deps {
  /** The daemon's clock (a `ScaledClock` in the demo, a `VirtualClock` in tests). */
  readonly clock: Clock
  /** The client's clock, for its timeouts and retry delays. Default: the system clock. */
  readonly apiClock?: Clock
  /** Default: cross-fetch over the network. The demo passes the simulator's in-process fetch. */
  readonly fetch?: FetchLike
  /** The client's retry policy (tests shorten its delays). */
  readonly retry?: Partial<RetryPolicy>
  /** One log line, without the newline. */
  readonly write: (line: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborts on SIGTERM/SIGINT. */
  readonly signal: AbortSignal
  /** Registers the SIGHUP handler of the running daemon (replaced on every rebuild). */
  readonly onHangup: (reload: () => void) => void
  /** The config file to re-read every 60 s; none for the demo. */
  readonly configPath?: string
  /**
   * Called once the status server listens, with its URL, or with undefined when it is off or failed to
   * start (tests and the demo banner read it).
   */
  readonly onListening?: (url: string | undefined) => void
  /** Called with each daemon incarnation (tests). */
  readonly onDaemon?: (daemon: Daemon.Daemon) => void
  /** Overrides of the migration monitor's bounds (the demo's compressed clock). */
  readonly monitor?: Daemon.Options['monitor']
  /** The one-daemon-per-API lock `run` took (or why it could not); none for the demo and tests. */
  readonly lock?: Lock.Lock | { readonly unavailable: string }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Runs until the signal aborts; always resolves (exit code 0 on a clean stop). */
export const supervise = async (initial: Config, deps: Deps): Promise<number> => {
  const metrics = Metrics.make()
  let config = initial
  let carried: Daemon.Carried | undefined
  const lock = deps.lock !== undefined && 'path' in deps.lock ? deps.lock : undefined
  for (;;) {
    const log = Logger.make({
      level: config.log.level,
      format: config.log.format,
      sink: deps.write,
      now: deps.clock.now,
    })
    for (const w of config.warnings) log.warn(`config: ${w.path}: ${w.message}`)
    const clientDeps: ClientDeps = {
      env: deps.env,
      clock: deps.apiClock ?? systemClock,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      ...(deps.retry === undefined ? {} : { retry: deps.retry }),
    }
    const api = clientOf(config.zfsApi, clientDeps)
    const destinationApis = DestinationApis.make(config.destinationApis, (s) => clientOf(s, clientDeps))
    let current = config
    // One calendar memo for the daemon's cycles and the status page's plans (a cache: results never depend on it).
    const planner = makePlanner()
    const daemon = Daemon.make(
      { api, destinationApis, clock: deps.clock, log, planner, metrics },
      Cycle.settingsOf(config),
      {
        holdRescanMs: config.holdRescanIntervalSeconds * 1000,
        maxSleepMs: config.maxSleepSeconds * 1000,
        ...(carried === undefined ? {} : { carried }),
        ...(lock === undefined ? {} : { heartbeat: lock.refresh }),
        ...(deps.monitor === undefined ? {} : { monitor: deps.monitor }),
        ...(deps.configPath === undefined
          ? {}
          : {
              reload: Reloader.make(
                deps.configPath,
                () => current,
                (c) => {
                  current = c
                },
                deps.env,
              ),
            }),
      },
    )
    deps.onDaemon?.(daemon)
    deps.onHangup(() => daemon.reloadNow())
    const page = () => pageData(factsOf(daemon, deps.clock.now(), planner))
    const token = config.metrics.enabled ? await pageTokenOf(config, deps.env) : E.right(undefined)
    if (E.isLeft(token)) log.error(`status page refused: ${token.left}`)
    const server = config.metrics.enabled
      ? await StatusServer.listen(
          {
            health: () => Health.evaluate(daemon.status(), deps.clock.now()),
            metrics: () => metrics.render(deps.clock.now(), api.stats()),
            page: {
              html: () => PageHtml.render(page()),
              json: () => JSON.stringify(page()),
              script: SCRIPT,
            },
          },
          {
            host: config.metrics.host,
            port: config.metrics.port,
            access: E.isLeft(token)
              ? { _tag: 'Refused', why: token.left }
              : StatusServer.pageAccess(config.metrics.host, token.right),
          },
        ).catch((e: unknown) => {
          // Backups matter more than the status page: keep running without it.
          log.error(
            `status server not started on ${config.metrics.host}:${config.metrics.port}: ${String(e)}`,
          )
          return undefined
        })
      : undefined
    deps.onListening?.(server?.url)
    if (server !== undefined)
      log.info(
        `status page on ${server.url}/ (health and metrics: ${server.url}/health, ${server.url}/metrics)`,
      )
    log.info(
      `ZFS API at ${config.zfsApi.url} (timeout ${config.zfsApi.timeoutSeconds} s), zone ${config.timezone}`,
    )
    if (carried === undefined) {
      if (deps.lock !== undefined && 'unavailable' in deps.lock)
        log.warn(`no lock against a second daemon on this API: ${deps.lock.unavailable}`)
      // Not awaited: an API that is down at start must not delay the daemon (the report then says so).
      if (deps.lock !== undefined)
        void EndedWhileStopped.report({ api, log }, config.datasets, lock?.previousAliveAt)
    }
    const exit = await daemon.run(deps.signal)
    await lock?.refresh()
    await server?.close()
    if (exit._tag === 'Stopped') return 0
    log.info(
      'API, HTTP or logging settings changed: restarting the daemon in-process with them (migrations followed, unanswered creates and back-off carry over)',
    )
    carried = daemon.carry()
    config = current
  }
}
