/**
 * The simulator assembled: model, migration service, auth, faults and recorder behind one request
 * handler, with an inspection API and fixture seeding for tests. Serve it over HTTP (`listen`) or call it
 * in-process through a `fetch`-compatible function (`fetch`), on any `Clock`.
 *
 * @since 0.1.0
 */
import { type Clock, systemClock } from '../Clock.js'
import { Auth, type AuthOptions } from './Auth.js'
import { type CostModel, Cpu, defaultCostModel, type Load } from './Cost.js'
import { makeDispatcher, type RateLimit, type Reply } from './Dispatcher.js'
import { FaultInjector } from './Faults.js'
import { type RunningServer, serveHttp } from './HttpServer.js'
import { makeFetch } from './InProcessFetch.js'
import { makeInspect, makeSeed } from './Inspect.js'
import { migrationMethods } from './MigrationMethods.js'
import {
  defaultMigrationOptions,
  type MigrationOptions,
  Migrations,
  type PendingOnRestart,
} from './Migrations.js'
import { mulberry32, uuid4 } from './Prng.js'
import { Recorder } from './Recorder.js'
import { checkZone, isoUtc } from './Time.js'
import { zfsMethods } from './ZfsMethods.js'
import { ZfsModel } from './ZfsModel.js'

const idleLoad: Load = {
  zfsProcesses: 0,
  inFlight: 0,
  inFlightMax: 0,
  cpuMs: 0,
  requestsInFlight: 0,
  requestsInFlightMax: 0,
}

/** What one API host's server is configured with (the source API and every backup-host API alike). */
export interface ApiOptions {
  /** IANA zone of the API host's local time (sync hold tags, `migrate-` snapshots, `creation`). Default `UTC`. */
  readonly zone?: string
  /** Seeds task ids, tokens and random faults. Default 1. */
  readonly seed?: number
  readonly migration?: Partial<MigrationOptions>
  /** Off by default (as from localhost). */
  readonly auth?: AuthOptions
  readonly rateLimit?: RateLimit
  /**
   * Off by default (calls take no time). On: every zfs-running call costs CPU time on the host's cores,
   * shared by the calls in flight, in clock time; `{}` takes `defaultCostModel`.
   */
  readonly cost?: Partial<CostModel>
}

export interface SimulatorOptions extends ApiOptions {
  /** Default: the system clock. Pass a `VirtualClock` to run migrations in virtual time. */
  readonly clock?: Clock
  /** Datasets created on the API host at start (with their parents and pool). */
  readonly datasets?: ReadonlyArray<string>
  /** Remote hosts known from the start. */
  readonly remotes?: ReadonlyArray<string>
  /** `'create'` (default): any remote host is reachable, pools appear on demand; `'fail'`: only `remotes`. */
  readonly unknownRemotes?: 'create' | 'fail'
}

export interface HttpRequest {
  readonly method: string
  readonly path: string
  readonly body: string
  readonly remoteAddress: string
  readonly authorization?: string
}

/**
 * One API server on one host of `model` (its `local`): own migration service, auth, rate limit, faults and
 * counters; the hosts, guids and clock are shared with every other API of the same simulator.
 */
const serveApi = (model: ZfsModel, clock: Clock, options: ApiOptions) => {
  const zone = checkZone(options.zone ?? 'UTC')
  const prng = mulberry32(options.seed ?? 1)
  const migrationOptions = { ...defaultMigrationOptions, ...options.migration }
  const migrations = new Migrations(model, clock, zone, migrationOptions, () => uuid4(prng))
  const auth = new Auth(options.auth, clock, prng)
  const faults = new FaultInjector(options.seed ?? 1)
  const recorder = new Recorder(clock)
  const cpu =
    options.cost === undefined ? undefined : new Cpu(clock, { ...defaultCostModel, ...options.cost })
  const dispatch = makeDispatcher({
    methods: { ...zfsMethods, ...migrationMethods },
    ctx: { model, migrations, clock, auth, zone },
    clock,
    auth,
    faults,
    recorder,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(cpu ? { cpu } : {}),
  })

  const health = () => ({
    status: 'healthy',
    pools: model.local.pools().length,
    timestamp: isoUtc(clock.now()),
  })

  /** Until then every connection fails (the process is down or the host cut off). */
  let downUntil = Number.NEGATIVE_INFINITY

  /** The aiohttp routes: POST / (JSON-RPC), GET /health; GET / → 405, anything else → 404. */
  const handle = async (req: HttpRequest): Promise<Reply> => {
    if (clock.now() < downUntil) return { _tag: 'Drop' }
    if (req.path === '/health' && req.method === 'GET')
      return { _tag: 'Http', status: 200, body: JSON.stringify(health()) }
    if (req.path === '/' && req.method === 'POST') return dispatch(req)
    const text = (status: number, body: string): Reply => ({
      _tag: 'Http',
      status,
      body,
      contentType: 'text/plain; charset=utf-8',
    })
    return req.path === '/' || req.path === '/health'
      ? text(405, '405: Method Not Allowed')
      : text(404, '404: Not Found')
  }

  return {
    clock,
    /** The shared hosts, seen from this API's host (`model.local`). */
    model,
    /** This API host's name in the model (`localhost` for the first one). */
    host: model.local.name,
    /** The migration service itself (the runner's fast `simulate` path drives it without JSON-RPC). */
    migrations,
    faults,
    migrationOptions,
    handle,
    /** In-process `fetch`: same handler, no sockets; callers appear as 127.0.0.1. */
    fetch: makeFetch(handle, '127.0.0.1'),
    /** In-process `fetch` whose caller appears as `remoteAddress` (e.g. to exercise auth). */
    fetchFrom: (remoteAddress: string) => makeFetch(handle, remoteAddress),
    listen: (opts: { readonly port?: number; readonly host?: string } = {}): Promise<RunningServer> =>
      serveHttp(handle, opts),
    inspect: {
      ...makeInspect(model, migrations, recorder, faults),
      /** zfs processes started, in flight now and at most, CPU ms; all zero without a cost model. */
      load: (): Load => cpu?.load() ?? idleLoad,
      resetLoad: (): void => cpu?.reset(),
    },
    seed: makeSeed(model, clock),
    /**
     * Restarts the API process (contract §3.1): `running` tasks stay `running` for good (7-day TTL), cannot
     * be cancelled, yet their transfers finish and place holds; `pending` ones are `'stuck'` (default) or
     * `'lost'`. With `downMs` the API is unreachable that long first (every request fails to connect).
     */
    restart: (opts: { readonly pending?: PendingOnRestart; readonly downMs?: number } = {}): void => {
      migrations.restart(opts.pending ?? 'stuck')
      downUntil = clock.now() + (opts.downMs ?? 0)
    },
    /** The API cannot be reached for `ms` (network cut): requests fail to connect; tasks keep running. */
    unreachable: (ms: number): void => {
      downUntil = clock.now() + ms
    },
  }
}

/** The API of one simulated host (see `Simulator.hostApi`). */
export type HostApi = ReturnType<typeof serveApi>

export const makeSimulator = (options: SimulatorOptions = {}) => {
  const clock = options.clock ?? systemClock
  const model = new ZfsModel('localhost', options.unknownRemotes ?? 'create', options.seed ?? 1)
  for (const ds of options.datasets ?? []) model.local.ensurePath(ds, clock.now())
  for (const r of options.remotes ?? []) model.addRemote(r)
  const api = serveApi(model, clock, options)
  const others = new Map<string, HostApi>()

  /**
   * The API of another host of this simulator — typically the backup host migrations push to — on the
   * same model and clock: its own pool, datasets, snapshots and holds (what the source API's migrations
   * wrote there), its own auth, rate limit, faults, counters and migration service. Created on first use
   * (the host too); later calls return the same API and must not pass options.
   */
  const hostApi = (host: string, opts?: ApiOptions): HostApi => {
    if (host === model.local.name) throw new Error(`${host} is this simulator's own API host`)
    const existing = others.get(host)
    if (existing !== undefined) {
      if (opts !== undefined) throw new Error(`the API of ${host} exists already; pass its options once`)
      return existing
    }
    const made = serveApi(model.viewFrom(host), clock, {
      zone: options.zone ?? 'UTC',
      seed: (options.seed ?? 1) + 7919 * (others.size + 1),
      ...opts,
    })
    others.set(host, made)
    return made
  }

  return { ...api, hostApi }
}

export type Simulator = ReturnType<typeof makeSimulator>

export interface SimulatorPairOptions extends SimulatorOptions {
  /** The backup host's name, as migrations name it in `remote`. Default `nas`. */
  readonly backupHost?: string
  /** Options of the backup host's API (auth, zone, faults seed, …). */
  readonly backup?: ApiOptions
}

/**
 * A source API and the API of the backup host its migrations push to, on one model and one clock:
 * what `migration_create {remote: backupHost}` sends shows up in `backup`'s `snapshot_list`.
 */
export const makeSimulatorPair = (options: SimulatorPairOptions = {}) => {
  const source = makeSimulator(options)
  const backup = source.hostApi(options.backupHost ?? 'nas', options.backup ?? {})
  return { clock: source.clock, model: source.model, source, backup }
}
