/**
 * The daemon loop: one cycle at a time, every `tick` of clock time, until the signal aborts.
 *
 * - Tick = min(60 s, backup_interval). Planning is cheap and idempotent (a cycle that finds nothing due
 *   costs two HTTP round trips), and a short tick keeps snapshots within a minute of when they are due
 *   instead of drifting by up to a whole interval.
 * - API down: logged once when it goes down and once when it is back; retried after 5 s, 10 s, … capped at
 *   5 min; the daemon keeps running. After an outage every hold is re-read before the first cycle plans
 *   (the API host may have changed).
 * - Config: re-read every 60 s at a cycle boundary (dataset changes apply; server settings are "needs
 *   restart"); `reloadNow()` (SIGHUP) applies everything, and ends `run` with `Restart` when a setting the
 *   loop cannot swap (API URL, HTTP port, logging) changed, so the caller rebuilds those.
 * - Shutdown: when the signal aborts, the current action finishes, no new one starts, `run` resolves.
 *
 * @since 0.1.0
 */
import * as Troubles from '../health/Troubles.js'
import * as Arrivals from './Arrivals.js'
import type { Capabilities } from './Capabilities.js'
import * as Cycle from './Cycle.js'
import * as Executor from './Executor.js'
import * as HoldsCache from './HoldsCache.js'
import type { Reload } from './LiveSettings.js'
import * as LiveSettings from './LiveSettings.js'
import * as MigrationMonitor from './MigrationMonitor.js'
import * as Refusals from './Refusals.js'
import * as Rpc from './RpcText.js'
import * as StateReader from './StateReader.js'
import * as SyncFailures from './SyncFailures.js'
import * as TargetPruner from './TargetPruner.js'
import * as UnconfirmedCreates from './UnconfirmedCreates.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type { Reload } from './LiveSettings.js'

export interface Options {
  /** `full`: SIGHUP, apply server settings too. */
  readonly reload?: (full: boolean) => Promise<Reload>
  readonly reloadEveryMs?: number
  readonly holdRescanMs?: number
  readonly tickMs?: number
  readonly monitor?: Partial<Omit<MigrationMonitor.Options, 'zone'>>
  /** How long a `migration_create` with no answer counts as in flight if never listed; 0: off (tests). */
  readonly unconfirmedGraceMs?: number
  /** From the daemon this one replaces in-process (SIGHUP with new API/HTTP/logging settings). */
  readonly carried?: Carried
  /** Called after every completed cycle: marks the daemon alive (the lock file's time). */
  readonly heartbeat?: () => Promise<void>
}

/**
 * What the daemon knows that the API cannot tell it again, handed to its successor at an in-process
 * restart: the migrations it follows (with the base each started from, §8 as amended), creates with no
 * answer yet, the sync back-off and the refused destroys. The holds cache is not carried: the API
 * behind the new settings may be another host, so every hold is read again.
 */
export interface Carried {
  readonly migrations: MigrationMonitor.Handover
  readonly unconfirmed: UnconfirmedCreates.UnconfirmedCreates | undefined
  readonly failures: SyncFailures.SyncFailures
  readonly refusals: Refusals.Refusals
}

export type Exit =
  | { readonly _tag: 'Stopped' }
  | { readonly _tag: 'Restart'; readonly settings: Cycle.Settings }

export interface Status {
  readonly startedAt: number
  readonly lastCycleAt: number | undefined
  readonly apiReachable: boolean
  readonly apiDownSince: number | undefined
  readonly tickMs: number
  /** What makes the daemon degraded now (decisions.md §16). */
  readonly troubles: ReadonlyArray<Troubles.Trouble>
}

const MAX_DOWN_DELAY_MS = 300_000
const FIRST_DOWN_DELAY_MS = 5_000

/** min(60 s, backup_interval). */
const tickOf = (s: Cycle.Settings): number => Math.min(60_000, s.policy.backupIntervalSeconds * 1000)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (caps: Capabilities, initial: Cycle.Settings, options: Options = {}) => {
  const cache = HoldsCache.make(options.holdRescanMs)
  const live = LiveSettings.make(caps, initial, cache)
  const carried = options.carried
  const failures = carried?.failures ?? SyncFailures.make()
  const arrivals = Arrivals.make()
  const monitor = MigrationMonitor.make(
    caps,
    cache,
    failures,
    { ...MigrationMonitor.defaults, ...options.monitor, zone: () => live.current().zone, arrivals },
    carried?.migrations,
  )
  const unconfirmed =
    options.unconfirmedGraceMs === 0
      ? undefined
      : (carried?.unconfirmed ?? UnconfirmedCreates.make(options.unconfirmedGraceMs))
  const reader = StateReader.make(
    caps,
    cache,
    failures,
    (d) => [...monitor.inFlight(d), ...(unconfirmed?.inFlight(d) ?? [])],
    monitor.ignored,
    arrivals,
  )
  const executor = Executor.make(
    caps,
    cache,
    failures,
    monitor,
    unconfirmed,
    carried?.refusals ?? Refusals.make(),
  )
  const troubles = Troubles.make(caps.log, (list) => caps.metrics.setTroubles(list))
  const cycle = Cycle.make(caps, {
    reader,
    executor,
    monitor,
    cache,
    arrivals,
    troubles,
    // One record of refused destroys, the backup hosts' too: /health and status list them all.
    targets: TargetPruner.make(caps, executor.refusals),
    ...(unconfirmed ? { unconfirmed } : {}),
  })
  const startedAt = caps.clock.now()
  let lastCycleAt: number | undefined
  let downSince: number | undefined
  let downCount = 0
  let lastReloadAt = startedAt
  let fullReloadRequested = false
  let wake = new AbortController()
  let busy = false
  /** Parked between cycles (tests step a virtual clock only when the loop waits on it). */
  let idle = false

  const reload = async (full: boolean): Promise<Cycle.Settings | undefined> =>
    options.reload === undefined ? undefined : live.apply(await options.reload(full), full)

  /** One cycle; never two at once. */
  const cycleOnce = async (signal: AbortSignal): Promise<Cycle.CycleResult | undefined> => {
    if (busy) return undefined
    busy = true
    const t0 = caps.clock.now()
    try {
      // Coming back from an outage, the API host may have changed meanwhile: re-read every hold before
      // this cycle plans, not after it acted on the old ones.
      if (downSince !== undefined) cache.invalidateAll()
      const r = await cycle.run(live.current(), signal)
      const now = caps.clock.now()
      if (r._tag === 'Down') {
        caps.metrics.setApiUp(false)
        caps.metrics.countError(Rpc.kind(r.error))
        downCount += 1
        if (downSince === undefined) {
          downSince = now
          caps.log.error(
            `ZFS API ${r.error._tag === 'Transport' ? 'unreachable' : 'not answering usefully'}: ${Rpc.describe(r.error)}; retrying with back-off, nothing is changed meanwhile`,
          )
        }
        return r
      }
      caps.metrics.setApiUp(true)
      if (downSince !== undefined) {
        caps.log.info(
          `ZFS API reachable again after ${Math.round((now - downSince) / 1000)} s; all holds were re-read`,
        )
      }
      downSince = undefined
      downCount = 0
      if (!r.stopped) {
        lastCycleAt = now
        caps.metrics.cycleDone(now - t0, now)
        await options.heartbeat?.()
      }
      return r
    } finally {
      busy = false
    }
  }

  const run = async (signal: AbortSignal): Promise<Exit> => {
    const monitorStop = new AbortController()
    const monitoring = monitor.run(monitorStop.signal)
    caps.log.info(
      `daemon started: ${live.current().datasets.length} dataset(s), a cycle every ${tickOf(live.current()) / 1000} s`,
    )
    try {
      while (!signal.aborted) {
        const now = caps.clock.now()
        if (fullReloadRequested || now - lastReloadAt >= (options.reloadEveryMs ?? 60_000)) {
          const full = fullReloadRequested
          fullReloadRequested = false
          lastReloadAt = now
          const restart = await reload(full)
          if (restart !== undefined) return { _tag: 'Restart', settings: restart }
        }
        const r = await cycleOnce(signal)
        if (signal.aborted) break
        const delay =
          r?._tag === 'Down'
            ? Math.min(MAX_DOWN_DELAY_MS, FIRST_DOWN_DELAY_MS * 2 ** (downCount - 1))
            : (options.tickMs ?? tickOf(live.current()))
        const stop = AbortSignal.any([signal, wake.signal])
        idle = true
        await caps.clock.sleep(delay, stop).catch(() => undefined)
        idle = false
        if (wake.signal.aborted) wake = new AbortController()
      }
      return { _tag: 'Stopped' }
    } finally {
      monitorStop.abort()
      await monitoring
      caps.log.info('daemon stopped')
    }
  }

  const status = (): Status => ({
    startedAt,
    lastCycleAt,
    apiReachable: downSince === undefined,
    apiDownSince: downSince,
    tickMs: options.tickMs ?? tickOf(live.current()),
    troubles: troubles.list(),
  })

  return {
    run,
    cycleOnce,
    status,
    settings: () => live.current(),
    isIdle: () => idle,
    /** SIGHUP: reload everything at the next cycle boundary (now, if idle). */
    reloadNow: () => {
      fullReloadRequested = true
      wake.abort()
    },
    /** The last cycle's view of each dataset (status page). */
    seen: () => cycle.seen(),
    /** The registry other parts feed and status pages read (`health/Troubles.ts`). */
    troubles,
    internals: { cache, failures, monitor, refusals: executor.refusals, arrivals },
    /** For the successor after an in-process restart (call once `run` has returned). */
    carry: (): Carried => ({
      migrations: monitor.handOver(),
      unconfirmed,
      failures,
      refusals: executor.refusals,
    }),
  }
}

export type Daemon = ReturnType<typeof make>
