/**
 * The daemon loop: one cycle at a time, each when work is next due, until the signal aborts.
 *
 * - After a cycle the daemon sleeps until the earliest instant at which any dataset's plan may change
 *   (the core's `NextDue`, on the state the cycle's actions left), so a snapshot is taken when it is due,
 *   not up to a tick later, and a steady hour costs a few looks at the API instead of sixty.
 * - It looks again after a *tick* = min(60 s, backup_interval) instead while a dataset is unsettled
 *   (not read, an action failed or was skipped, holds or migrations unknown, more work planned at once)
 *   or a migration is in flight (the migration poll: its end is seen within a tick, as before).
 * - Two cycles never start more than `maxSleepMs` apart (`server.max_sleep`, default 10 min) unless one
 *   takes longer: that bounds how late a change made by someone else (a snapshot or hold by hand) is
 *   noticed, and how late a dataset's slot of the periodic holds rescan is served (each wake re-reads the
 *   slots that passed), without a call to the API in between.
 * - API down: logged once when it goes down and once when it is back; retried after 5 s, 10 s, … capped at
 *   5 min; the daemon keeps running. After an outage every hold is re-read before the first cycle plans
 *   (the API host may have changed).
 * - Config: the file is checked every 60 s while asleep (no API call; a change wakes the daemon for a
 *   cycle at once; dataset changes apply, server settings are "needs restart"); `reloadNow()` (SIGHUP)
 *   wakes it and applies everything, and ends `run` with `Restart` when a setting the loop cannot swap
 *   (API URL, HTTP port, logging) changed, so the caller rebuilds those.
 * - Shutdown: when the signal aborts, the current action finishes, no new one starts, `run` resolves.
 *
 * @since 0.1.0
 */
import * as Troubles from '../health/Troubles.js'
import * as Arrivals from './Arrivals.js'
import * as ArrivalVerifier from './ArrivalVerifier.js'
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
import * as TreeMembers from './TreeMembers.js'
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
  /** Longest sleep between two cycles (`server.max_sleep`); default 600 s. */
  readonly maxSleepMs?: number
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
  /** The cycle planned after the last completed one (undefined before the first completes). */
  readonly nextCycleAt: number | undefined
  /** What makes the daemon degraded now (core-decisions.md §16). */
  readonly troubles: ReadonlyArray<Troubles.Trouble>
}

const MAX_DOWN_DELAY_MS = 300_000
const FIRST_DOWN_DELAY_MS = 5_000
export const DEFAULT_MAX_SLEEP_MS = 600_000
/** Shortest sleep between cycles: a due instant a few ms away is served a second later, not in a spin. */
const MIN_SLEEP_MS = 1_000

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
  const verifier = ArrivalVerifier.make(caps, arrivals)
  const monitor = MigrationMonitor.make(
    caps,
    cache,
    failures,
    { ...MigrationMonitor.defaults, ...options.monitor, zone: () => live.current().zone, arrivals, verifier },
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
    verifier,
    troubles,
    // One record of refused destroys, the backup hosts' too: /health and status list them all.
    targets: TargetPruner.make(caps, executor.refusals),
    // Descendants re-read with the holds rescan's period (and on reload, and when one vanished).
    trees: TreeMembers.make(caps, options.holdRescanMs),
    ...(unconfirmed ? { unconfirmed } : {}),
  })
  const startedAt = caps.clock.now()
  let lastCycleAt: number | undefined
  let downSince: number | undefined
  let downCount = 0
  let nextCycleAt: number | undefined
  let fullReloadRequested = false
  let wake = new AbortController()
  let busy = false
  /** Parked between cycles (tests step a virtual clock only when the loop waits on it). */
  let idle = false

  /** Applies a reload; `changed`: the settings differ (the daemon cycles at once with them). */
  const reload = async (
    full: boolean,
  ): Promise<{ readonly restart: Cycle.Settings | undefined; readonly changed: boolean }> => {
    if (options.reload === undefined) return { restart: undefined, changed: false }
    const r = await options.reload(full)
    return { restart: live.apply(r, full), changed: r._tag === 'Changed' }
  }

  const tick = (): number => options.tickMs ?? tickOf(live.current())

  /** When to cycle next after `r`, which started at `started` (see the header). */
  const nextAfter = (r: Cycle.CycleResult | undefined, started: number, now: number): number => {
    if (r?._tag === 'Down')
      return now + Math.min(MAX_DOWN_DELAY_MS, FIRST_DOWN_DELAY_MS * 2 ** (downCount - 1))
    const soon = r === undefined || r.stopped || r.unsettled > 0 || monitor.size() > 0
    const at = Math.min(soon ? now + tick() : r.dueAt, started + (options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS))
    return Math.max(at, now + MIN_SLEEP_MS)
  }

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
      `daemon started: ${live.current().datasets.length} dataset(s); a cycle whenever work is due, at least every ${(options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS) / 1000} s`,
    )
    const reloadEvery = options.reloadEveryMs ?? 60_000
    // Sleeps are counted on the timeline of `sleep` (monotonic, like Node's timers), not by the wall clock:
    // a wall clock stepped back a year must not postpone the next cycle (or file check) by a year.
    let cycleIn = 0
    let reloadIn = reloadEvery
    try {
      while (!signal.aborted) {
        if (fullReloadRequested || reloadIn <= 0) {
          const full = fullReloadRequested
          fullReloadRequested = false
          reloadIn = reloadEvery
          const { restart, changed } = await reload(full)
          if (restart !== undefined) return { _tag: 'Restart', settings: restart }
          if (changed || full) cycleIn = 0
        }
        if (cycleIn <= 0) {
          const started = caps.clock.now()
          const r = await cycleOnce(signal)
          if (signal.aborted) break
          const now = caps.clock.now()
          const at = nextAfter(r, started, now)
          cycleIn = at - now
          // Health counts staleness from the cycle planned after the last one that completed: retries
          // during an outage must not hide that none completes.
          if (r?._tag === 'Done') nextCycleAt = at
        }
        // Asleep until the next cycle, waking for the config file check (no API call) on the way.
        const delay = Math.min(cycleIn, reloadIn)
        const stop = AbortSignal.any([signal, wake.signal])
        idle = true
        const slept = await caps.clock.sleep(delay, stop).then(
          () => true,
          () => false,
        )
        idle = false
        if (slept) {
          cycleIn -= delay
          reloadIn -= delay
        }
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
    tickMs: tick(),
    nextCycleAt,
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
    internals: { cache, failures, monitor, refusals: executor.refusals, arrivals, verifier },
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
