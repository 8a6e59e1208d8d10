/**
 * One daemon cycle over every configured dataset: observe (batched) → plan (core) → carry out the host's
 * plan phase by phase (`Executor.executeAll`: all creates in one batch, then holds, releases, destroys,
 * syncs). One dataset's trouble never stops the others; the cycle only gives up as a whole when the API does
 * not answer the snapshot listing at all (an outage the daemon handles).
 *
 * @since 0.1.0
 */
import {
  applyPlan,
  type DatasetObservation,
  type DatasetPolicy,
  Explain,
  type InFlightMigration,
  NextDue,
  type Plan,
  type PlanInput,
  type Policy,
  replicationOf,
  SnapshotType,
  SyncHold,
  TreeMember,
} from '@zfs-autobackup/core'
import type { RpcError } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../config/Config.js'
import * as Freshness from '../health/Freshness.js'
import type { Troubles } from '../health/Troubles.js'
import type * as Metrics from '../http/Metrics.js'
import * as Arrivals from './Arrivals.js'
import type { ArrivalVerifier } from './ArrivalVerifier.js'
import type { Capabilities } from './Capabilities.js'
import type { Executor, Job, Report } from './Executor.js'
import type { HoldsCache } from './HoldsCache.js'
import type { MigrationMonitor } from './MigrationMonitor.js'
import * as Names from './Names.js'
import * as Progress from './ProgressText.js'
import * as Rpc from './RpcText.js'
import type { CycleState, DatasetState, StateReader } from './StateReader.js'
import { destinationOf } from './StateReader.js'
import type { TargetPruner } from './TargetPruner.js'
import type { Member, TreeMembers } from './TreeMembers.js'
import type { UnconfirmedCreates } from './UnconfirmedCreates.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the daemon plans with: the parts of the config that a cycle reads. */
export interface Settings {
  readonly policy: Policy
  readonly datasets: ReadonlyArray<DatasetPolicy>
  /** IANA zone of the API host (sync hold tags) and of the schedule windows. */
  readonly zone: string
  /** Destinations whose backup host is pruned (`target_retention`, core-decisions.md §17); absent: none. */
  readonly targets?: ReadonlyArray<{
    readonly remoteHost: string
    readonly remoteDataset: string
    readonly retention: SnapshotType.Retention
  }>
}

/** The settings a cycle reads, from a whole config. */
export const settingsOf = (c: Config): Settings => ({
  policy: c.policy,
  datasets: c.datasets,
  zone: c.timezone,
  targets: c.destinationApis.flatMap((x) =>
    x.targetRetention === undefined
      ? []
      : [{ remoteHost: x.remoteHost, remoteDataset: x.remoteDataset, retention: x.targetRetention }],
  ),
})

export type CycleResult =
  | { readonly _tag: 'Down'; readonly error: RpcError }
  | {
      readonly _tag: 'Done'
      readonly reports: ReadonlyMap<string, Report>
      readonly failedDatasets: number
      readonly holdsRead: number
      readonly stopped: boolean
      /**
       * The earliest instant at which a settled dataset's plan may change by time alone (`NextDue`, on the
       * state after this cycle's actions); `+Infinity` when none can. Datasets not settled are counted in
       * `unsettled` instead.
       */
      readonly dueAt: number
      /**
       * Datasets to look at again soon rather than at `dueAt`: not read or planned, holds or migrations
       * unknown, an action that failed, was skipped or started a migration, a migration in flight, or work
       * left for the next plan (a release lets a destroy follow).
       */
      readonly unsettled: number
    }

/** What the last cycle saw of one dataset and planned for it (the status page's input). */
export interface Seen {
  /** When it was read. */
  readonly at: number
  /** Absent when the dataset could not be read. */
  readonly observed: DatasetObservation | undefined
  /** The plan that cycle carried out; absent when it could not plan. */
  readonly plan: Plan | undefined
  /** Why the dataset could not be read or planned, in words, and since when (the first cycle it did not). */
  readonly error: { readonly why: string; readonly since: number } | undefined
}

/** A refusal shorter than this (a busy snapshot, a clone about to go) is not yet trouble. */
export const REFUSED_TROUBLE_AFTER_MS = 3_600_000

export interface Parts {
  readonly reader: StateReader
  readonly executor: Executor
  readonly monitor: MigrationMonitor
  readonly cache: HoldsCache
  /** Creates whose outcome is unknown; settled against each working `migration_list`. */
  readonly unconfirmed?: UnconfirmedCreates
  /** Arrival evidence not yet applied; forgotten once the listed holds show it applied. */
  readonly arrivals?: Arrivals.Arrivals
  /** Runs the arrival checks that are due (destinations with their own API) before a dataset is planned. */
  readonly verifier?: ArrivalVerifier
  /** Where freshness, clock faults and persistent errors are reported (core-decisions.md §16). */
  readonly troubles?: Troubles
  /** Retention on the backup hosts (core-decisions.md §17); absent: none is pruned. */
  readonly targets?: TargetPruner
  /** The descendants of each recursive tree; absent: only the roots are pruned. */
  readonly trees?: TreeMembers
}

const same =
  (d: { readonly remoteHost: string; readonly remoteDataset: string }) =>
  (x: { readonly remoteHost: string; readonly remoteDataset: string }) =>
    x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset

/** Cycles in a row with the same dataset error before it is a `persistent-error` trouble. */
export const PERSISTENT_ERROR_CYCLES = 3

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (caps: Capabilities, parts: Parts) => {
  const nextDue = NextDue.make()
  /**
   * When this dataset next needs a cycle: `undefined` (soon) unless everything planned was done and
   * nothing is in flight; then the next due instant of the state the plan left, unless that state plans
   * more work at once.
   */
  const settledDue = (
    input: PlanInput,
    plan: Plan,
    report: Report,
    inFlightKnown: boolean,
  ): number | undefined => {
    const o = input.observed
    if (!inFlightKnown || o.holds._tag === 'Unknown' || o.inFlight.length > 0) return undefined
    if (report.failed + report.skipped + report.stopped > 0) return undefined
    if (plan.actions.some((a) => a._tag === 'StartSync')) return undefined
    const after = { ...input, observed: applyPlan(o, plan) }
    if (caps.planner(after).actions.length > 0) return undefined
    return nextDue(after).at
  }
  /** Last error logged per dataset: an error is logged when it starts or changes, and when it clears. */
  const lastError = new Map<string, string>()
  /** Cycles in a row each dataset has failed. */
  const failedCycles = new Map<string, number>()
  const datasetError = (dataset: string, why: string, kind: string) => {
    caps.metrics.countError(kind)
    if (lastError.get(dataset) !== why) caps.log.error(why, { dataset })
    lastError.set(dataset, why)
    const n = (failedCycles.get(dataset) ?? 0) + 1
    failedCycles.set(dataset, n)
    if (n >= PERSISTENT_ERROR_CYCLES)
      parts.troubles?.raise('persistent-error', dataset, `${why} (${n} cycles in a row)`, caps.clock.now())
  }
  const seen = new Map<string, Seen>()
  /** The error with the instant the dataset started failing (kept while it keeps failing). */
  const failing = (dataset: string, why: string, at: number) => ({
    why,
    since: seen.get(dataset)?.error?.since ?? at,
  })
  const datasetOk = (dataset: string) => {
    failedCycles.delete(dataset)
    parts.troubles?.clear('persistent-error', dataset, caps.clock.now())
    if (lastError.delete(dataset)) caps.log.info('recovered', { dataset })
  }

  /** Undecodable tasks reported so far: each is logged once, and again only after it decoded once. */
  let badTasks = new Set<string>()
  const reportBadTasks = (bad: CycleState['undecodableTasks']) => {
    const now = new Set<string>()
    for (const u of bad) {
      const key = u.id ?? Rpc.describe(u.error)
      now.add(key)
      if (badTasks.has(key)) continue
      caps.metrics.countError('decode')
      caps.log.warn(
        `migration_list: task ${u.id ?? '(no id)'} could not be read (${Rpc.describe(u.error)}); ${u.source === undefined ? 'every dataset' : sourceOf(u.source)} counts it as a migration in flight of unknown range (no sync starts, nothing is destroyed) until it can`,
      )
    }
    badTasks = now
  }

  const adopt = (d: string, state: DatasetState) => {
    if (state.inFlightKnown)
      parts.unconfirmed?.settle(d, state.listedTasks.map(destinationOf), caps.clock.now())
    for (const t of state.listedTasks) {
      if (parts.monitor.isTracked(t.id)) continue
      const dest = destinationOf(t)
      const before = parts.cache.allTags(d).filter((tag) => SyncHold.parseTag(tag)?.host === dest.remoteHost)
      parts.monitor.track({ taskId: t.id, dataset: d, ...dest }, before, 'adopted')
    }
  }

  /** Metrics and freshness from observed truth: names from the future are no last snapshot or sync. */
  const observeMetrics = (settings: Settings, ds: DatasetPolicy, state: DatasetState, now: number) => {
    const futureAfter = now + settings.policy.backupIntervalSeconds * 1000
    const newest = Names.newestOurs(state.observed.snapshots, futureAfter)
    if (newest.at !== undefined) caps.metrics.setLastSnapshot(ds.dataset, newest.at)
    caps.metrics.setFutureSnapshots(ds.dataset, newest.future)
    // The core's replication model: a destination's last sync, never a tag from the future.
    const states = replicationOf({
      now,
      zone: settings.zone,
      policy: settings.policy,
      dataset: ds,
      observed: state.observed,
    })
    const troubles = parts.troubles
    if (troubles !== undefined) {
      const judged = Freshness.judge({
        now,
        zone: settings.zone,
        policy: settings.policy,
        dataset: ds,
        observed: state.observed,
        replication: states,
      })
      for (const j of judged) {
        if (j.verdict._tag === 'Bad') troubles.raise(j.kind, j.subject, j.verdict.why, now)
        else if (j.verdict._tag === 'Ok') troubles.clear(j.kind, j.subject, now)
      }
    }
    // With a destination API the last sync is the snapshot it verified; otherwise the core's base.
    const arrivals: Array<Metrics.DestinationArrival> = []
    for (const d of ds.destinations) {
      const target = { dataset: ds.dataset, remoteHost: d.remoteHost, remoteDataset: d.remoteDataset }
      const standing = standingOf(target)
      const last = Arrivals.verifiedSync(standing, futureAfter)?.at ?? states?.find(same(d))?.lastSync?.at
      if (last !== undefined) caps.metrics.setLastSync(target, last)
      if (d.enabled && settings.policy.remoteSync.enabled)
        arrivals.push({
          ...target,
          unverified: standing._tag !== 'Verified',
          frozen: standing._tag === 'Frozen',
        })
    }
    caps.metrics.setDestinations(ds.dataset, arrivals)
  }

  const standingOf = (d: Arrivals.Destination): Arrivals.Standing =>
    Arrivals.standingOf(parts.verifier?.hasApi(d) ?? false, parts.arrivals?.check(d))

  /** Frozen destinations of the datasets read this cycle (and of datasets no longer configured) as troubles. */
  const reportFrozen = (settings: Settings, looked: ReadonlySet<string>, now: number) => {
    const configured = new Set(settings.datasets.map((d) => d.dataset))
    const present = settings.datasets.flatMap((ds) =>
      !looked.has(ds.dataset) || !settings.policy.remoteSync.enabled
        ? []
        : ds.destinations.flatMap((d) => {
            const s = d.enabled ? standingOf({ dataset: ds.dataset, ...d }) : undefined
            return s?._tag === 'Frozen'
              ? [{ subject: `${ds.dataset} → ${d.remoteHost}:${d.remoteDataset}`, why: s.why }]
              : []
          }),
    )
    const datasetOf = (subject: string) => subject.split(' → ')[0] ?? subject
    parts.troubles?.reconcile('frozen-destination', present, now, (subject) => {
      const d = datasetOf(subject)
      return looked.has(d) || !configured.has(d)
    })
  }

  /**
   * Work that stopped moving, judged afresh each cycle (health/Troubles.ts): a stale migration blocks
   * syncs and retention to its destination; a destroy zfs has refused for an hour (a restore clone, a
   * hold) keeps retention from pruning that snapshot. Both are degraded until they go.
   */
  const watchStuck = (now: number) => {
    const troubles = parts.troubles
    if (troubles === undefined) return
    troubles.reconcile(
      'stale-migration',
      parts.monitor.stale().map(({ migration: m, since }) => ({
        subject: `${m.dataset} → ${m.remoteHost}:${m.remoteDataset}`,
        why: `migration ${m.taskId} has shown no progress for ${Progress.duration((now - since) / 1000)}; it blocks syncs and retention to this destination`,
      })),
      now,
    )
    troubles.reconcile(
      'destroy-refused',
      parts.executor.refusals
        .all()
        .filter((r) => now - r.since >= REFUSED_TROUBLE_AFTER_MS)
        .map((r) => ({
          subject: `${r.dataset}@${r.snapshot}`,
          why: `zfs has refused to destroy it for ${Progress.duration((now - r.since) / 1000)} (${r.why}); retention cannot prune it`,
        })),
      now,
    )
  }

  const run = async (settings: Settings, signal: AbortSignal): Promise<CycleResult> => {
    const trees = (await parts.trees?.refresh(settings.datasets)) ?? new Map<string, ReadonlyArray<Member>>()
    const configured = new Set(settings.datasets.map((d) => d.dataset))
    // A configured dataset inside a tree is a config error; should one slip through, it is planned once, as itself.
    const members = new Map(
      [...trees].map(([root, ms]) => [root, ms.filter((m) => !configured.has(m.dataset))] as const),
    )
    const descendants = [...members.values()].flatMap((ms) => ms.map((m) => m.dataset))
    // One batched listing for the roots and every descendant.
    const read = await parts.reader.read(
      [...settings.datasets.map((d) => d.dataset), ...descendants],
      new Set(descendants),
    )
    if (E.isLeft(read)) return { _tag: 'Down', error: read.left }
    reportBadTasks(read.right.undecodableTasks)
    caps.metrics.setGauge('zfs_autobackup_backup_interval_seconds', settings.policy.backupIntervalSeconds)
    caps.metrics.setGauge('zfs_autobackup_sync_interval_seconds', settings.policy.remoteSync.intervalSeconds)
    const reports = new Map<string, Report>()
    let failedDatasets = 0
    let dueAt = Number.POSITIVE_INFINITY
    let unsettled = 0
    for (const d of [...seen.keys()]) if (!configured.has(d)) seen.delete(d)
    const at = caps.clock.now()
    /** Datasets read this cycle (their destinations' standing is current). */
    const looked = new Set<string>()
    const planned: Array<{
      readonly ds: DatasetPolicy
      readonly input: PlanInput
      readonly plan: Plan
      readonly state: DatasetState
    }> = []
    /** The cycle's result so far (a stop before the end passes one more unsettled: not all was done). */
    const done = (stopped: boolean, unsettledNow: number): CycleResult => ({
      _tag: 'Done',
      reports,
      failedDatasets,
      holdsRead: read.right.holdsRead,
      stopped,
      dueAt,
      unsettled: unsettledNow,
    })
    /** A dataset whose planning or carrying out threw: failed this cycle, its error kept on the status page. */
    const failed = (dataset: string, e: unknown, observed: DatasetObservation, at: number) => {
      failedDatasets += 1
      unsettled += 1
      const why = `planning failed: ${e instanceof Error ? e.message : String(e)}`
      datasetError(dataset, why, 'planner')
      const prior = seen.get(dataset)
      seen.set(dataset, {
        at,
        observed,
        plan: prior?.at === at ? prior.plan : undefined,
        error: failing(dataset, why, at),
      })
    }
    for (const ds of settings.datasets) {
      if (signal.aborted) {
        reportFrozen(settings, looked, caps.clock.now())
        return done(true, unsettled + 1)
      }
      const state = read.right.byDataset.get(ds.dataset)
      if (state === undefined || E.isLeft(state)) {
        failedDatasets += 1
        unsettled += 1
        const e = state?.left
        const why = `cannot list snapshots: ${e ? Rpc.describe(e) : 'no reply'}`
        datasetError(ds.dataset, why, e ? Rpc.kind(e) : 'missing')
        seen.set(ds.dataset, {
          at,
          observed: undefined,
          plan: undefined,
          error: failing(ds.dataset, why, at),
        })
        continue
      }
      adopt(ds.dataset, state.right)
      parts.executor.refusals.retain(ds.dataset, state.right.observed.snapshots)
      const listed = state.right.observed
      if (listed.holds._tag === 'Known')
        parts.arrivals?.settle(ds.dataset, listed.snapshots, listed.holds.bySnapshot)
      // Due arrival checks use this cycle's listing; their evidence goes into this cycle's plan.
      const checked = settings.policy.remoteSync.enabled
        ? ((await parts.verifier?.runDue(ds, listed.snapshots)) ?? 0)
        : 0
      // A check still due (one that failed, to be tried again) wants the next cycle soon.
      if (parts.verifier?.hasDue(ds) === true) unsettled += 1
      const observed: DatasetObservation =
        checked > 0 && parts.arrivals !== undefined
          ? { ...listed, evidence: parts.arrivals.of(ds.dataset) }
          : listed
      looked.add(ds.dataset)
      observeMetrics(settings, ds, { ...state.right, observed }, caps.clock.now())
      if (observed.holds._tag === 'Unknown')
        caps.log.warn(`${observed.holds.why}; nothing is destroyed or released this cycle`, {
          dataset: ds.dataset,
        })
      try {
        const input: PlanInput = {
          now: caps.clock.now(),
          zone: settings.zone,
          policy: settings.policy,
          dataset: ds,
          observed,
        }
        const plan = caps.planner(input)
        for (const d of plan.decisions) caps.log.debug(Explain.decision(d), { dataset: ds.dataset })
        seen.set(ds.dataset, { at, observed, plan, error: undefined })
        planned.push({ ds, input, plan, state: state.right })
      } catch (e) {
        failed(ds.dataset, e, observed, at)
      }
    }
    // The host's plan by phase: every dataset's create in one batch, then holds, releases, destroys, syncs.
    // The descendants' plans join once the creates are over (they depend on whether the root's `-r` create
    // worked): their destroys go in the same batch as the roots'.
    const joined: Array<{ readonly root: string; readonly m: Member; readonly state: DatasetState }> = []
    const joinMembers = (rootReports: ReadonlyArray<Report>): ReadonlyArray<Job> => {
      const createdIn = new Map<string, { readonly name: string; readonly type: SnapshotType.SnapshotType }>()
      for (const [i, report] of rootReports.entries()) {
        const { ds, plan } = planned[i]!
        const create = plan.actions.find((a) => a._tag === 'CreateSnapshot')
        if (ds.recursive && create?._tag === 'CreateSnapshot' && report.created === create.snapshot)
          createdIn.set(ds.dataset, { name: create.snapshot, type: create.type })
      }
      const jobs: Array<Job> = []
      for (const [root, ms] of members) {
        const fromRoot = fromRootOf(settings, root)
        for (const m of ms) {
          const job = memberJob(settings, root, m, read.right, createdIn.get(root), fromRoot, signal)
          if (job === undefined) {
            failedDatasets += 1
            unsettled += 1
            continue
          }
          jobs.push(job.job)
          joined.push({ root, m, state: job.state })
        }
      }
      return jobs
    }
    /** What a tree's descendants must know of their root's plan (TreeMember): its bases, its `-R` syncs. */
    const fromRootOf = (settings: Settings, root: string): FromRoot => {
      const rootPlan = planned.find((p) => p.ds.dataset === root)
      return {
        bases: TreeMember.rootBasesOf({
          policy: settings.datasets.find((d) => d.dataset === root) ?? { destinations: [] },
          plan: rootPlan?.plan,
          holds: rootPlan?.input.observed.holds,
        }),
        // The root's syncs of this cycle (`zfs send -R`) may send any descendant's snapshot: in flight there.
        // They start after the destroys, but a descendant's destroy whose reply never came may still run on
        // the API host then (the root's plan postpones its syncs only for its own such destroys).
        starting: (rootPlan?.plan.actions ?? []).flatMap(
          (a): ReadonlyArray<InFlightMigration> =>
            a._tag === 'StartSync' && a.recursive === true
              ? [
                  {
                    taskId: `starting:${a.remoteHost}:${a.remoteDataset}`,
                    remoteHost: a.remoteHost,
                    remoteDataset: a.remoteDataset,
                    status: 'pending',
                  },
                ]
              : [],
        ),
      }
    }
    let executed: ReadonlyArray<Report> = []
    try {
      executed = await parts.executor.executeAll(
        planned.map(({ input, plan, state }) => ({
          plan,
          ctx: {
            inFlightKnown: state.inFlightKnown,
            stopRequested: () => signal.aborted,
            observed: input.observed,
          },
        })),
        joinMembers,
      )
    } catch (e) {
      for (const { ds, input } of planned) failed(ds.dataset, e, input.observed, at)
      for (const { m, state } of joined) failed(m.dataset, e, state.observed, at)
    }
    for (const [i, report] of executed.slice(0, planned.length).entries()) {
      const { ds, input, plan, state } = planned[i]!
      const { observed } = input
      try {
        reports.set(ds.dataset, report)
        await parts.targets?.afterPlan({
          settings,
          dataset: ds,
          observed,
          plan,
          apis: caps.destinationApis,
          arrivals: parts.arrivals,
          stopRequested: () => signal.aborted,
        })
        if (report.failed > 0) failedDatasets += 1
        else datasetOk(ds.dataset)
        const due = settledDue(input, plan, report, state.inFlightKnown)
        if (due === undefined) unsettled += 1
        else dueAt = Math.min(dueAt, due)
      } catch (e) {
        failed(ds.dataset, e, observed, at)
      }
    }
    for (const [i, report] of executed.slice(planned.length).entries()) {
      const { m, state } = joined[i]!
      reports.set(m.dataset, report)
      if (report.failed > 0) failedDatasets += 1
      else datasetOk(m.dataset)
      // A descendant's plan never changes by time alone (retention only): settled unless it was not pruned
      // in full, or its holds or migrations are unknown or in flight.
      if (
        report.failed + report.skipped + report.stopped > 0 ||
        !state.inFlightKnown ||
        state.observed.holds._tag === 'Unknown' ||
        state.observed.inFlight.length > 0
      )
        unsettled += 1
    }
    caps.metrics.setGauge('zfs_autobackup_destroys_refused', parts.executor.refusals.all().length)
    watchStuck(caps.clock.now())
    reportFrozen(settings, looked, caps.clock.now())
    return done(signal.aborted, unsettled)
  }

  /**
   * Retention on one descendant of a tree, over its own listing (`TreeMember`): destroys only. Undefined
   * when it could not be listed (then the tree's members are read again next cycle: it may be gone).
   */
  const memberJob = (
    settings: Settings,
    root: string,
    m: Member,
    read: CycleState,
    created: { readonly name: string; readonly type: SnapshotType.SnapshotType } | undefined,
    fromRoot: FromRoot,
    signal: AbortSignal,
  ): { readonly job: Job; readonly state: DatasetState } | undefined => {
    const state = read.byDataset.get(m.dataset)
    if (state === undefined || E.isLeft(state)) {
      const e = state?.left
      datasetError(
        m.dataset,
        `cannot list snapshots of this descendant of ${root}: ${e ? Rpc.describe(e) : 'no reply'}`,
        e ? Rpc.kind(e) : 'missing',
      )
      parts.trees?.invalidate(root)
      return undefined
    }
    const listed = state.right.observed
    const observed =
      fromRoot.starting.length === 0
        ? listed
        : { ...listed, inFlight: [...listed.inFlight, ...fromRoot.starting] }
    parts.executor.refusals.retain(m.dataset, observed.snapshots)
    // ZFS creates snapshots without holds: the `-r` one needs no holds read on any descendant.
    if (created !== undefined) parts.cache.seedEmpty(m.dataset, created.name)
    if (observed.holds._tag === 'Unknown')
      caps.log.warn(`${observed.holds.why}; nothing is destroyed this cycle`, { dataset: m.dataset })
    const plan = TreeMember.plan({
      dataset: m.dataset,
      // An excluded descendant keeps only what is protected (its newest, held ones, …).
      retention: m.excluded ? SnapshotType.noCounts : settings.policy.retention,
      observed,
      created: created?.type,
      rootBases: fromRoot.bases,
    })
    for (const d of plan.decisions) caps.log.debug(Explain.decision(d), { dataset: m.dataset })
    const ctx = { inFlightKnown: state.right.inFlightKnown, stopRequested: () => signal.aborted, observed }
    return { job: { plan, ctx }, state: state.right }
  }

  return {
    run,
    /** The last cycle's view of each configured dataset. */
    seen: (): ReadonlyMap<string, Seen> => seen,
  }
}

export type Cycle = ReturnType<typeof make>

/** A tree root's bases and the `-R` syncs its plan starts, as its descendants' plans take them. */
interface FromRoot {
  readonly bases: TreeMember.RootBases
  readonly starting: ReadonlyArray<InFlightMigration>
}

const sourceOf = (source: string): string => source.split('@')[0] ?? source
