/**
 * The reliability suites' world: the REAL daemon (`Daemon.make` + `run`, core planner, real `makeClient`)
 * talking JSON-RPC to the simulator through its in-process `fetch`, everything on one `VirtualClock`.
 *
 * A `Watch` sits between client and simulator and checks, at the instant each `snapshot_destroy` request
 * arrives (before faults or execution), that the snapshot is ours, not held and outside every in-flight
 * migration's range (core-decisions.md §8) — so "never destroyed" is proven as "never even asked".
 */
import {
  type DatasetPolicy,
  type Policy,
  planDataset,
  SnapshotName,
  SnapshotType,
  SyncHold,
} from '@zfs-autobackup/core'
import {
  type Clock,
  type FetchInit,
  type FetchLike,
  type FetchResponse,
  makeClient,
  type RetryPolicy,
  VirtualClock,
  type ZfsApi,
} from '@zfs-autobackup/zfs-rpc'
import { type Fault, makeSimulator, type RandomFaults, type Simulator } from '@zfs-autobackup/zfs-rpc/testing'
import type { Capabilities } from '../../src/daemon/Capabilities.js'
import type { Settings } from '../../src/daemon/Cycle.js'
import * as Daemon from '../../src/daemon/Daemon.js'
import type { DestinationApis } from '../../src/daemon/DestinationApis.js'
import * as Metrics from '../../src/http/Metrics.js'
import * as Logger from '../../src/log/Logger.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Breach {
  readonly at: number
  readonly what: string
}

export interface WorldOptions {
  readonly seed: number
  readonly start: number
  readonly zone: string
  readonly policy: Policy
  readonly datasets: ReadonlyArray<DatasetPolicy>
  /** Client timeout; a `delay` fault longer than this is a timeout. */
  readonly timeoutMs?: number
  readonly retry?: Partial<RetryPolicy>
  /** Simulated transfer: defaults make an incremental of a few snapshots take a few minutes. */
  readonly bytesPerSecond?: number
  readonly log?: Logger.Log
  readonly daemon?: Daemon.Options
  /** Default the core's `planDataset` (a broken one proves the checks can fail). */
  readonly planner?: Capabilities['planner']
  /** Backup hosts that serve their own API (the simulator's `hostApi`): arrival there is verified. */
  readonly destinationApis?: ReadonlyArray<string>
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Every method the daemon calls, but the holds listing. */
export const FAULTY_METHODS = [
  'snapshot_list',
  'snapshot_create',
  'snapshot_destroy',
  'snapshot_hold',
  'snapshot_release',
  'migration_create',
  'migration_get',
  'migration_list',
  'migration_cancel',
] as const

/**
 * Every fault kind the simulator can inject, with a delay past the client's timeout and one longer than
 * all four attempts of a retried call together (~124 s), so late answers are exercised too.
 */
export const FAULTS_WITH_LATE_ANSWERS: ReadonlyArray<Fault> = [
  { kind: 'drop' },
  { kind: 'drop', afterExecute: true },
  { kind: 'http500', afterExecute: true },
  { kind: 'http429' },
  { kind: 'rpcError', code: -32603, message: 'Internal error' },
  { kind: 'malformed' },
  { kind: 'wrongShape' },
  { kind: 'delay', ms: 45_000 },
  { kind: 'delay', ms: 150_000 },
  { kind: 'failMigration' },
]

export const allWindow = { days: '1111111', hours: '1'.repeat(24) } as const

/**
 * The policy of most worlds: every window open, so only the interval and the counts decide. Types not in
 * `retention` keep none; `sync: false` turns replication off (the interval is then never used).
 */
export const openPolicy = (o: {
  readonly backupIntervalSeconds: number
  readonly retention: Partial<SnapshotType.Retention>
  readonly syncIntervalSeconds: number
  readonly sync?: boolean
}): Policy => ({
  backupIntervalSeconds: o.backupIntervalSeconds,
  snapshotWindow: allWindow,
  retention: { ...SnapshotType.noCounts, ...o.retention },
  remoteSync: { enabled: o.sync ?? true, intervalSeconds: o.syncIntervalSeconds, window: allWindow },
})

// -------------------------------------------------------------------------------------
// the request-time watch
// -------------------------------------------------------------------------------------

interface WireCall {
  readonly method?: unknown
  readonly params?: { readonly dataset?: unknown; readonly snapshot?: unknown; readonly name?: unknown }
}

const callsOf = (body: string | undefined): ReadonlyArray<WireCall> => {
  if (body === undefined || body === '') return []
  try {
    const v = JSON.parse(body) as unknown
    return (Array.isArray(v) ? v : [v]) as ReadonlyArray<WireCall>
  } catch {
    return []
  }
}

/** Index of the last snapshot carrying a sync tag of `host` (core-decisions.md §7), -1 when none. */
const baseIndex = (sim: Simulator, dataset: string, host: string): number => {
  const snaps = sim.model.local.snapshots(dataset)
  for (let i = snaps.length - 1; i >= 0; i--)
    for (const tag of snaps[i]!.holds) if (SyncHold.parseTag(tag)?.host === host) return i
  return -1
}

const makeWatch = (sim: Simulator) => {
  const breaches: Breach[] = []
  /** Destroy requests of snapshots that were held when asked (ZFS refuses them; the cache was stale). */
  let heldAsked = 0
  const destroyRequested = (dataset: string, snapshot: string): void => {
    const at = sim.clock.now()
    const breach = (what: string) => breaches.push({ at, what: `destroy ${dataset}@${snapshot}: ${what}` })
    if (!SnapshotName.isOurs(snapshot)) breach('not one of ours')
    const snaps = sim.model.local.snapshots(dataset)
    const index = snaps.findIndex((s) => s.name === snapshot)
    if (index < 0) return // gone already (a retry after an ambiguous failure)
    if (snaps[index]!.holds.size > 0) heldAsked += 1
    if (index === snaps.length - 1) breach('the newest snapshot of the dataset')
    for (const t of sim.migrations.all()) {
      if (t.status !== 'pending' && t.status !== 'running') continue
      const source = t.params.source.split('@')[0]
      if (source !== dataset) continue
      const base = baseIndex(sim, dataset, t.params.remote ?? '')
      if (index >= base) breach(`inside the range of in-flight migration ${t.id} (base index ${base})`)
    }
  }
  const before = (body: string | undefined): void => {
    if (body === undefined || !body.includes('"snapshot_destroy"')) return
    for (const c of callsOf(body)) {
      const p = c.params
      if (c.method === 'snapshot_destroy' && typeof p?.dataset === 'string' && typeof p.snapshot === 'string')
        destroyRequested(p.dataset, p.snapshot)
    }
  }
  return { before, breaches, heldAsked: () => heldAsked }
}

/**
 * `sim.fetch` without the WHATWG `Request`/`Response` objects, which cost more than the simulator itself
 * (a 10,000-cycle soak spent ~16 % of its time in undici). Same handler, same failure modes: a dropped
 * connection rejects with a TypeError, an aborted request with the signal's reason while the handler runs on.
 */
const leanFetch = (sim: Pick<Simulator, 'handle'>, url: string, init: FetchInit): Promise<FetchResponse> => {
  const { signal } = init
  if (signal.aborted) return Promise.reject(signal.reason)
  const handled = sim.handle({
    method: init.method,
    path: new URL(url).pathname,
    body: init.body ?? '',
    remoteAddress: '127.0.0.1',
  })
  return new Promise<FetchResponse>((resolve, reject) => {
    let settled = false
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      f()
    }
    handled.then(
      (reply) =>
        settle(() =>
          reply._tag === 'Drop'
            ? reject(new TypeError('fetch failed', { cause: new Error('other side closed') }))
            : resolve({ status: reply.status, text: () => Promise.resolve(reply.body) }),
        ),
      (e: unknown) => settle(() => reject(e)),
    )
    // Almost every reply settles within the current job queue; only a `delay` fault waits on the clock,
    // and the client's timeout can only fire once the clock moves, i.e. after this turn. Listening from the
    // next turn on spares an abort listener per request (the costliest part of the exchange).
    setImmediate(() => {
      if (settled) return
      if (signal.aborted) return settle(() => reject(signal.reason))
      signal.addEventListener('abort', () => settle(() => reject(signal.reason)), { once: true })
    })
  })
}

// -------------------------------------------------------------------------------------
// world
// -------------------------------------------------------------------------------------

export const makeWorld = (o: WorldOptions) => {
  const clock = new VirtualClock(o.start)
  /**
   * The host's wall clock: virtual time plus a step that tests change (NTP step, a jump). Sleeps stay on the
   * virtual timeline, as Node's timers run on monotonic time and ignore wall-clock steps.
   */
  let step = 0
  const wall: Clock = { now: () => clock.now() + step, sleep: clock.sleep }
  const remotes = [...new Set(o.datasets.flatMap((d) => d.destinations.map((x) => x.remoteHost)))]
  const sim = makeSimulator({
    clock: wall,
    zone: o.zone,
    seed: o.seed,
    datasets: o.datasets.map((d) => d.dataset),
    remotes,
    migration: { bytesPerSnapshot: 8 * 1024 * 1024, bytesPerSecond: o.bytesPerSecond ?? 256 * 1024 },
  })
  const watch = makeWatch(sim)
  const fetch: FetchLike = (url, init) => {
    watch.before(init.body)
    return leanFetch(sim, url, init)
  }
  const client = makeClient({
    url: 'http://127.0.0.1:8545',
    fetch,
    clock: wall,
    timeoutMs: o.timeoutMs ?? 30_000,
    ...(o.retry === undefined ? {} : { retry: o.retry }),
  })
  /** One `snapshot_list` batch per cycle attempt (StateReader's first call): counts cycles, Down included. */
  let attempts = 0
  const api: ZfsApi = {
    ...client,
    snapshotLists: (ds) => {
      attempts += 1
      return client.snapshotLists(ds)
    },
  }
  // Each backup host with its own API gets its own client, as `destinations[].api` configures it.
  const backupClients = new Map(
    (o.destinationApis ?? []).map((host) => {
      const served = sim.hostApi(host)
      const url = `http://${host}:8545`
      const api = makeClient({
        url,
        fetch: (u, init) => leanFetch(served, u, init),
        clock: wall,
        timeoutMs: o.timeoutMs ?? 30_000,
      })
      return [host, { url, api }] as const
    }),
  )
  const destinationApis: DestinationApis = {
    forDestination: (d) => backupClients.get(d.remoteHost)?.api,
    clients: () => [...backupClients.values()],
  }
  const metrics = Metrics.make()
  const settings: Settings = { policy: o.policy, datasets: o.datasets, zone: o.zone }
  const daemon = Daemon.make(
    {
      api,
      clock: wall,
      log: o.log ?? Logger.silent,
      planner: o.planner ?? planDataset,
      metrics,
      ...(backupClients.size === 0 ? {} : { destinationApis }),
    },
    settings,
    o.daemon ?? {},
  )
  const stop = new AbortController()
  let crashed: unknown
  let exited = false
  let running: Promise<Daemon.Exit> | undefined

  return {
    clock,
    /** The wall time everyone reads (virtual time + step). */
    now: wall.now,
    /** Steps the wall clock by `ms` (negative: backwards) without moving timers. */
    stepClock: (ms: number) => {
      step += ms
    },
    sim,
    client,
    daemon,
    metrics,
    settings,
    breaches: watch.breaches,
    heldAsked: watch.heldAsked,
    cycleAttempts: () => attempts,
    start: () => {
      running = daemon.run(stop.signal)
      running.then(
        () => {
          exited = true
        },
        (e: unknown) => {
          crashed = e
          exited = true
        },
      )
    },
    /** The daemon's `run` neither rejected nor returned. */
    alive: () => !exited,
    crashed: () => crashed,
    /**
     * Aborts the daemon's signal and lets virtual time run until `run` returns: the action in progress
     * finishes first, and it may be waiting on a timeout or a retry delay. Throws if that takes more than
     * 20 virtual minutes.
     */
    stop: async () => {
      stop.abort()
      for (let i = 0; i < 120 && !exited; i++) await clock.advance(i === 0 ? 0 : 10_000)
      if (!exited) throw new Error('the daemon did not stop within 20 virtual minutes of the signal')
      return running
    },
    /**
     * Seeded random faults: `probability` per JSON-RPC call of every method in `methods`, except
     * `snapshot_holds_list`, which gets `holdsProbability` per call (see docs/reliability.md: the holds of a
     * dataset are read as one batch that fails as a whole, so a per-call rate is a per-batch rate to the power
     * of the snapshot count).
     */
    faults: (
      probability: number,
      holdsProbability: number,
      seed: number,
      faults: RandomFaults['faults'],
      /** Faults a method must not get (e.g. delays past every retry for `snapshot_create`). */
      spare: Readonly<Record<string, (f: RandomFaults['faults'][number]) => boolean>> = {},
    ) => {
      // A failed migration or receive only means something for `migration_create` (elsewhere it would be no
      // fault); there it is half of the faults, so that migrations fail as often as the calls around them.
      const isMigrationFault = (f: RandomFaults['faults'][number]) =>
        f.kind === 'failMigration' || f.kind === 'failReceive'
      const calls = faults.filter((f) => !isMigrationFault(f))
      const migrations = faults.filter(isMigrationFault)
      const create =
        migrations.length === 0
          ? calls
          : [...calls, ...calls.map((_, i) => migrations[i % migrations.length]!)]
      const kept = (method: string, fs: RandomFaults['faults']) =>
        fs.filter((f) => !(spare[method]?.(f) ?? false))
      sim.faults.random(
        {
          method: 'snapshot_holds_list',
          probability: holdsProbability,
          faults: kept('snapshot_holds_list', calls),
        },
        seed,
      )
      for (const method of FAULTY_METHODS)
        sim.faults.random({
          method,
          probability,
          faults: kept(method, method === 'migration_create' ? create : calls),
        })
    },
  }
}

export type World = ReturnType<typeof makeWorld>
