/**
 * The simulation loop: the daemon's own parts (StateReader → core planner → Executor, and the
 * MigrationMonitor) run every `stepMs` of virtual time against any `ZfsApi` whose time is a `VirtualClock`.
 * It composes them as the daemon's `Cycle` does for one dataset, minus what only serves operators (metrics
 * gauges, log de-duplication, adopting migrations started by someone else): that bookkeeping re-parses
 * every hold tag each cycle, which a year of 10-minute cycles cannot afford.
 * Nothing sleeps: moving the clock is what lets the simulator's migrations progress. Actions are counted by
 * a decorator on the API, so the counts are what the API accepted, not what was planned.
 *
 * @since 0.1.0
 */
import type { DatasetPolicy, Plan, PlanInput, Policy } from '@zfs-autobackup/core'
import { makePlanner } from '@zfs-autobackup/core'
import { mutateOneByOne, type VirtualClock, type ZfsApi } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import * as Arrivals from '../../daemon/Arrivals.js'
import type { Capabilities } from '../../daemon/Capabilities.js'
import * as Executor from '../../daemon/Executor.js'
import * as HoldsCache from '../../daemon/HoldsCache.js'
import * as MigrationMonitor from '../../daemon/MigrationMonitor.js'
import * as StateReader from '../../daemon/StateReader.js'
import * as SyncFailures from '../../daemon/SyncFailures.js'
import * as Metrics from '../../http/Metrics.js'
import * as Logger from '../../log/Logger.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Counts {
  cycles: number
  /** Snapshots the API created. */
  created: number
  destroyed: number
  /** Destroys the API refused (held, busy): the core planned them, ZFS said no. */
  destroyFailed: number
  syncsStarted: number
  /** Migrations that ended with a new sync hold of their host (the daemon's check). */
  syncsCompleted: number
  /** Migrations that failed, were cancelled, or completed without placing a sync hold. */
  syncsFailed: number
  holdsReleased: number
  /** Cycles in which the API did not answer the snapshot listing. */
  observeErrors: number
  /** Other refused calls (create, release, migration_create). */
  actionErrors: number
}

export interface SyncRecord {
  readonly taskId: string
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly snapshot: string
  readonly startedAt: number
  /** Virtual time of the cycle that saw it end. */
  readonly endedAt: number | undefined
  readonly outcome: 'completed' | 'failed' | 'in-flight'
}

export interface LoopInput {
  readonly policy: Policy
  readonly dataset: DatasetPolicy
  /** IANA zone of the API host (calendar boundaries, windows, sync hold timestamps). */
  readonly zone: string
  /** Epoch ms of the first cycle. */
  readonly from: number
  /** Epoch ms; the last cycle runs at the last step not after it. */
  readonly to: number
  /** Time between cycles (the daemon's cycle runs every `backup_interval`). */
  readonly stepMs: number
  /** Sees every plan (e.g. to check a property of each); keep it cheap. */
  readonly onPlan?: (now: number, plan: Plan) => void
}

export interface LoopOutput {
  readonly counts: Counts
  readonly syncs: ReadonlyArray<SyncRecord>
}

// -------------------------------------------------------------------------------------
// loop
// -------------------------------------------------------------------------------------

const emptyCounts = (): Counts => ({
  cycles: 0,
  created: 0,
  destroyed: 0,
  destroyFailed: 0,
  syncsStarted: 0,
  syncsCompleted: 0,
  syncsFailed: 0,
  holdsReleased: 0,
  observeErrors: 0,
  actionErrors: 0,
})

/** Runs `te` and bumps `ok` or `fail` by its outcome. */
const tally =
  <L, A>(te: TaskEither<L, A>, ok: () => void, fail: () => void): TaskEither<L, A> =>
  async () => {
    const r = await te()
    if (E.isRight(r)) ok()
    else fail()
    return r
  }

export const runLoop = async (api: ZfsApi, clock: VirtualClock, input: LoopInput): Promise<LoopOutput> => {
  const counts = emptyCounts()
  const syncs: SyncRecord[] = []
  const byTask = new Map<string, number>()

  const counted: ZfsApi = {
    ...api,
    snapshotCreate: (d, n, r) =>
      tally(
        api.snapshotCreate(d, n, r),
        () => counts.created++,
        () => counts.actionErrors++,
      ),
    snapshotDestroy: (d, s) =>
      tally(
        api.snapshotDestroy(d, s),
        () => counts.destroyed++,
        () => counts.destroyFailed++,
      ),
    snapshotRelease: (d, s, t, r) =>
      tally(
        api.snapshotRelease(d, s, t, r),
        () => counts.holdsReleased++,
        () => counts.actionErrors++,
      ),
    migrationCreate: (req) => async () => {
      const r = await api.migrationCreate(req)()
      if (E.isLeft(r)) {
        counts.actionErrors++
        return r
      }
      counts.syncsStarted++
      byTask.set(r.right.taskId, syncs.length)
      syncs.push({
        taskId: r.right.taskId,
        remoteHost: req.remote,
        remoteDataset: req.destination,
        snapshot: req.source.slice(req.source.indexOf('@') + 1),
        startedAt: clock.now(),
        endedAt: undefined,
        outcome: 'in-flight',
      })
      return r
    },
    // One by one through the tallies above.
    mutate: (ms) => mutateOneByOne(counted)(ms),
  }

  const plan1 = makePlanner() // one calendar memo for the whole simulated span
  const planner = (p: PlanInput): Plan => {
    const plan = plan1(p)
    input.onPlan?.(p.now, plan)
    return plan
  }
  const caps: Capabilities = { api: counted, clock, log: Logger.silent, planner, metrics: Metrics.make() }
  const cache = HoldsCache.make()
  const failures = SyncFailures.make()
  const arrivals = Arrivals.make()
  const monitor = MigrationMonitor.make(caps, cache, failures, {
    ...MigrationMonitor.defaults,
    zone: () => input.zone,
    arrivals,
  })
  const reader = StateReader.make(caps, cache, failures, monitor.inFlight, monitor.ignored, arrivals)
  const executor = Executor.make(caps, cache, failures, monitor)
  const context = { inFlightKnown: true, stopRequested: () => false }

  for (let now = input.from; now <= input.to; now += input.stepMs) {
    // Waking sleepers costs event-loop turns; with none pending, jumping the clock is exact and free.
    if (clock.pending() === 0) clock.set(Math.max(clock.now(), now))
    else await clock.advanceTo(now)
    counts.cycles++
    if (monitor.size() > 0) {
      for (const { migration, outcome } of await monitor.pollOnce()) {
        const i = byTask.get(migration.taskId)
        if (i === undefined) continue
        const ok = outcome === 'synced' || outcome === 'sent-unverified'
        if (ok) counts.syncsCompleted++
        else if (outcome !== 'unverified') counts.syncsFailed++
        syncs[i] = { ...syncs[i]!, endedAt: now, outcome: ok ? 'completed' : 'failed' }
      }
    }
    const read = await reader.read([input.dataset.dataset])
    const state = E.isRight(read) ? read.right.byDataset.get(input.dataset.dataset) : undefined
    if (state === undefined || E.isLeft(state)) {
      counts.observeErrors++
      continue
    }
    const { observed } = state.right
    if (observed.holds._tag === 'Known')
      arrivals.settle(input.dataset.dataset, observed.snapshots, observed.holds.bySnapshot)
    const plan = planner({
      now,
      zone: input.zone,
      policy: input.policy,
      dataset: input.dataset,
      observed: state.right.observed,
    })
    await executor.execute(plan, {
      ...context,
      inFlightKnown: state.right.inFlightKnown,
      observed: state.right.observed,
    })
  }
  return { counts, syncs }
}
