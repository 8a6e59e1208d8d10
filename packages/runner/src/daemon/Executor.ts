/**
 * Carries out the datasets' plans through the API, in the order create → hold → release → destroy → start
 * sync (core-decisions.md §5, §15), logging each action with its reason and counting outcomes. The plans of a
 * cycle go together, phase by phase: each phase's actions of every dataset are one `mutate` (one round trip
 * while within the client's cap), and each dataset's plan keeps the order, and the rules below, it would
 * have alone (`ExecutorPhases.prop.test.ts`).
 *
 * - Every prefix of that order is a safe state, so a shutdown stops *between* phases (never starts one
 *   after SIGTERM) and the next start re-plans from what it observes. The phase in progress completes:
 *   its actions were sent together and each was decided on the observed state alone. No action is ever
 *   half-applied: the RPC in progress completes or fails by the client's timeout.
 * - A failed create voids the rest of the plan (it was computed assuming the new snapshot exists); a
 *   create that finds the name taken means the snapshot is there, as planned — unless zfs names a child
 *   (a recursive create refused by a child's snapshot): then nothing was created and it is a failure.
 * - A failed release or destroy does not stop the others: each was decided on the observed state alone.
 *   But a destroy whose outcome is unknown postpones the plan's syncs to the next cycle: a destroy whose
 *   reply never came (timeout, dropped connection) may still run on the API host later, and the sync's
 *   range could include that snapshot. The next cycle's listing shows what happened.
 * - A destroy zfs refused (dependent clones, busy, held) provably did nothing: syncs go on. It is
 *   reported once, not every cycle (`Refusals`); a busy one also tells us our cached holds were stale,
 *   so that snapshot is re-read next cycle.
 * - A base hold that failed skips this plan's releases of the same tag: a destination's old base is
 *   released only once its new one is held, so it is never without one. A hold that exists already is
 *   what was planned. A tree root's holds and releases go with `-r` and are all or nothing in zfs: one
 *   refused by a descendant (zfs names it) changed nothing, so it is a failure, never "already done".
 *
 * @since 0.1.0
 */
import {
  type Action,
  type DatasetObservation,
  Explain,
  type Plan,
  Replication,
  SyncHold,
} from '@zfs-autobackup/core'
import {
  holdExists,
  type Mutation,
  type MutationReply,
  type RpcError,
  snapshotExists,
  tagMissing,
} from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type { Capabilities } from './Capabilities.js'
import type { HoldsCache } from './HoldsCache.js'
import type { MigrationMonitor } from './MigrationMonitor.js'
import * as Names from './Names.js'
import * as Refusals from './Refusals.js'
import * as Rpc from './RpcText.js'
import type { SyncFailures } from './SyncFailures.js'
import * as Unconfirmed from './UnconfirmedCreates.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Context {
  /** False when `migration_list` failed this cycle: a new sync could duplicate a running one. */
  readonly inFlightKnown: boolean
  readonly stopRequested: () => boolean
  /** What the plan was made on: a started migration records its destination's base from it (§8 as amended). */
  readonly observed?: DatasetObservation
}

export interface Report {
  readonly done: number
  readonly failed: number
  readonly skipped: number
  /** Actions left undone because shutdown was requested. */
  readonly stopped: number
  /** The snapshot this plan's create made, when the API confirmed it (a recursive one is on every descendant). */
  readonly created?: string
}

/** `refused`: failed, provably without effect (zfs said no); `failed` may have had an effect. */
type Outcome = 'ok' | 'failed' | 'refused' | 'skipped' | 'abort'

/** One dataset's plan and what it is carried out with. */
export interface Job {
  readonly plan: Plan
  readonly ctx: Context
}

/** Known at once, or the mutation to send and how to read its reply. */
type Step =
  | { readonly outcome: Outcome }
  | {
      readonly mutation: Mutation
      readonly read: (r: E.Either<RpcError, MutationReply>) => Outcome
    }

/** One dataset's plan being carried out. */
interface Run {
  readonly plan: Plan
  readonly ctx: Context
  readonly actions: ReadonlyArray<Action>
  /** Index of the next action not yet sent or decided. */
  next: number
  done: number
  failed: number
  skipped: number
  stopped: number
  /** A destroy without a definite answer: its syncs wait for the next cycle's listing. */
  destroyFailed: boolean
  /** Base tags whose new hold failed: their releases wait (§15). */
  readonly failedHolds: Set<string>
  /** The snapshot the plan's create made, when the API confirmed it. */
  created: string | undefined
}

const rank: Readonly<Record<Action['_tag'], number>> = {
  CreateSnapshot: 0,
  HoldSnapshot: 1,
  ReleaseHold: 2,
  DestroySnapshot: 3,
  StartSync: 4,
}
const MAX_RANK = 4

/** `mutate` answers a migration's task id (its codec requires one); this is never expected to happen. */
const noTaskId: RpcError = {
  _tag: 'Decode',
  method: 'migration_create',
  path: 'result.task_id',
  message: 'no task id in the reply',
}

/** Stable sort into the execution order of core-decisions.md §5. */
export const ordered = (actions: ReadonlyArray<Action>): ReadonlyArray<Action> =>
  actions
    .map((a, i) => [a, i] as const)
    .sort(([a, i], [b, j]) => rank[a._tag] - rank[b._tag] || i - j)
    .map(([a]) => a)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (
  caps: Pick<Capabilities, 'api' | 'log' | 'metrics' | 'clock'>,
  cache: HoldsCache,
  failures: SyncFailures,
  monitor: MigrationMonitor,
  unconfirmed?: Unconfirmed.UnconfirmedCreates | undefined,
  refusals: Refusals.Refusals = Refusals.make(),
) => {
  const failed = (a: Action, e: RpcError, what: string): Outcome => {
    caps.metrics.countError(Rpc.kind(e))
    caps.log.error(`${what} failed: ${Rpc.describe(e)}`, { dataset: a.dataset })
    return 'failed'
  }

  /**
   * What carrying out `a` takes: an outcome known without the API (a release whose new base could not be
   * held, a sync that must wait), or the mutation to send and how to read its reply. The one place each
   * action's result is interpreted, whether it was sent alone or in a phase's batch.
   */
  const prepare = (a: Action, ctx: Context, run: Run): Step => {
    const why = Explain.actionReason(a)
    switch (a._tag) {
      case 'HoldSnapshot':
        return {
          mutation: {
            _tag: 'SnapshotHold',
            dataset: a.dataset,
            snapshot: a.snapshot,
            tag: a.tag,
            ...tree(a),
          },
          read: (r) => {
            // A recursive hold refused by a descendant (zfs names it) held nothing: a failure, not "there".
            if (
              E.isLeft(r) &&
              !(a.recursive === true ? holdExists(a.dataset, a.snapshot) : Rpc.isHoldExists)(r.left)
            ) {
              run.failedHolds.add(a.tag)
              return failed(a, r.left, `hold ${a.tag} on @${a.snapshot}${recursively(a)}`)
            }
            cache.tagPlaced(a.dataset, a.snapshot, a.tag, a.recursive === true)
            caps.log.info(
              `base of ${a.remoteHost}:${a.remoteDataset} held on @${a.snapshot}${recursively(a)}: ${why}`,
              {
                dataset: a.dataset,
              },
            )
            return 'ok'
          },
        }
      case 'CreateSnapshot':
        return {
          mutation: { _tag: 'SnapshotCreate', dataset: a.dataset, name: a.snapshot, recursive: a.recursive },
          read: (r) => {
            if (E.isLeft(r) && snapshotExists(a.dataset, a.snapshot)(r.left)) {
              caps.log.warn(`@${a.snapshot} already exists; keeping it`, { dataset: a.dataset })
              return 'skipped'
            }
            if (E.isLeft(r)) {
              failed(a, r.left, `create @${a.snapshot}`)
              return 'abort'
            }
            cache.seedEmpty(a.dataset, a.snapshot)
            const at = Names.ourSnapshotTime(a.snapshot)
            if (at !== undefined) caps.metrics.setLastSnapshot(a.dataset, at)
            caps.log.info(`created @${a.snapshot} (${a.type}): ${why}`, { dataset: a.dataset })
            return 'ok'
          },
        }
      case 'ReleaseHold':
        if (run.failedHolds.has(a.tag)) {
          caps.log.warn(`kept ${a.tag} on @${a.snapshot}: its new base could not be held`, {
            dataset: a.dataset,
          })
          return { outcome: 'skipped' }
        }
        return {
          mutation: {
            _tag: 'SnapshotRelease',
            dataset: a.dataset,
            snapshot: a.snapshot,
            tag: a.tag,
            ...tree(a),
          },
          read: (r) => {
            // A recursive release refused because a descendant lacks the tag released nothing anywhere.
            if (
              E.isLeft(r) &&
              !(a.recursive === true ? tagMissing(a.dataset, a.snapshot) : Rpc.isAlreadyGone)(r.left)
            )
              return failed(a, r.left, `release ${a.tag} on @${a.snapshot}${recursively(a)}`)
            cache.tagReleased(a.dataset, a.snapshot, a.tag, a.recursive === true)
            caps.log.info(`released ${a.tag} on @${a.snapshot}${recursively(a)}: ${why}`, {
              dataset: a.dataset,
            })
            return 'ok'
          },
        }
      case 'DestroySnapshot':
        return {
          mutation: { _tag: 'SnapshotDestroy', dataset: a.dataset, snapshot: a.snapshot },
          read: (r) => {
            if (E.isLeft(r) && !Rpc.isAlreadyGone(r.left)) {
              if (!Refusals.isDefinite(r.left)) return failed(a, r.left, `destroy @${a.snapshot}`)
              if (Rpc.isBusy(r.left)) cache.invalidateSnapshot(a.dataset, a.snapshot)
              caps.metrics.countError(Rpc.isBusy(r.left) ? 'destroy_busy' : 'destroy_refused')
              const why = Refusals.reasonOf(r.left)
              if (refusals.refused(a.dataset, a.snapshot, why, caps.clock.now()))
                caps.log.warn(
                  `@${a.snapshot} cannot be destroyed: ${why}; kept, and tried again each cycle without another line until it works${Rpc.isBusy(r.left) ? ' (its holds will be re-read)' : ''}`,
                  { dataset: a.dataset },
                )
              return 'refused'
            }
            if (refusals.cleared(a.dataset, a.snapshot) !== undefined)
              caps.log.info(`@${a.snapshot} is no longer refused`, { dataset: a.dataset })
            cache.forget(a.dataset, a.snapshot)
            caps.log.info(`destroyed @${a.snapshot}: ${why}`, { dataset: a.dataset })
            return 'ok'
          },
        }
      case 'StartSync': {
        const target = `${a.remoteHost}:${a.remoteDataset}`
        if (run.destroyFailed) {
          caps.log.warn(
            'sync postponed: a destroy of this cycle got no answer and may still run on the API host',
            { dataset: a.dataset, destination: target },
          )
          return { outcome: 'skipped' }
        }
        if (!ctx.inFlightKnown) {
          caps.log.warn('sync postponed: migrations could not be listed', {
            dataset: a.dataset,
            destination: target,
          })
          return { outcome: 'skipped' }
        }
        const tagsBefore = cache.allTags(a.dataset).filter((t) => SyncHold.parseTag(t)?.host === a.remoteHost)
        return {
          mutation: {
            _tag: 'MigrationCreate',
            request: {
              source: `${a.dataset}@${a.snapshot}`,
              destination: a.remoteDataset,
              remote: a.remoteHost,
              // A tree's root: `zfs send -R -I <base>` carries every descendant (its base held with -r).
              recursive: a.recursive === true,
            },
          },
          read: (r) => {
            if (E.isLeft(r)) {
              failures.recordFailure(a, caps.clock.now())
              const outcome = failed(a, r.left, `sync to ${target}`)
              if (unconfirmed !== undefined && Unconfirmed.isAmbiguous(r.left)) {
                // It may still start on the API: count it in flight (no other sync there, nothing destroyed).
                unconfirmed.record(a, caps.clock.now())
                caps.log.warn('that sync may still start on the API; treated as in flight until listed', {
                  dataset: a.dataset,
                  destination: target,
                })
              }
              return outcome
            }
            const taskId = r.right?.taskId
            if (taskId === undefined) return failed(a, noTaskId, `sync to ${target}`)
            caps.log.info(`sync of @${a.snapshot}${recursively(a)} started [${taskId}]: ${why}`, {
              dataset: a.dataset,
              destination: target,
            })
            monitor.track({ taskId, ...a }, tagsBefore, 'started', baseOf(ctx, a))
            return 'ok'
          },
        }
      }
    }
  }

  /** Counts `a`'s outcome in its dataset's run; a failed create ends the run (its plan assumed the snapshot). */
  const record = (run: Run, a: Action, outcome: Outcome) => {
    if (a._tag === 'DestroySnapshot' && outcome === 'failed') run.destroyFailed = true
    caps.metrics.countAction(kindOf(a), outcome === 'abort' || outcome === 'refused' ? 'failed' : outcome)
    if (a._tag === 'CreateSnapshot' && outcome === 'ok') run.created = a.snapshot
    if (outcome === 'ok') run.done += 1
    else if (outcome === 'skipped') run.skipped += 1
    else run.failed += 1
    if (outcome === 'abort') {
      const left = run.actions.length - run.next
      if (left > 0)
        caps.log.warn(`${left} action(s) dropped: the plan assumed the new snapshot`, {
          dataset: run.plan.dataset,
        })
      run.skipped += left
      run.next = run.actions.length
    }
  }

  /**
   * Carries out many datasets' plans together, phase by phase in the order of core-decisions.md §5: every
   * dataset's create in one `mutate` (one round trip while within the client's cap), then the holds, the
   * releases, the destroys, the syncs. Each dataset keeps the order and isolation of its own plan: its
   * failed create ends its plan only; its failed base hold skips its releases of that tag; its unanswered
   * destroy postpones its syncs. A second create in one plan waits for the first one's outcome (next batch).
   * A shutdown request is honoured before each action is sent.
   *
   * `joining`, when given, is called once the creates are over (before the holds), with the reports so
   * far: the plans it returns depend on what the creates did (a tree's descendants: whether the root's
   * `-r` snapshot exists) and join the remaining phases. Their reports follow the jobs' in the result.
   */
  const executeAll = async (
    jobs: ReadonlyArray<Job>,
    joining?: (reports: ReadonlyArray<Report>) => ReadonlyArray<Job>,
  ): Promise<ReadonlyArray<Report>> => {
    const runs: Run[] = jobs.map(runOf)
    let join = joining
    for (;;) {
      // The lowest rank any plan has left: each plan's actions are in rank order, so phases only advance.
      const phase = Math.min(...runs.map(nextRank))
      if (join !== undefined && phase > rank.CreateSnapshot) {
        runs.push(...join(runs.map(reportOf)).map(runOf))
        join = undefined
        continue
      }
      if (phase > MAX_RANK) break
      const steps: Array<{ readonly run: Run; readonly a: Action; readonly step: Step }> = []
      for (const run of runs) {
        while (nextRank(run) === phase) {
          if (run.ctx.stopRequested()) {
            run.stopped = run.actions.length - run.next
            caps.log.info(`shutdown requested; ${run.stopped} action(s) left for the next start to re-plan`, {
              dataset: run.plan.dataset,
            })
            run.next = run.actions.length
            break
          }
          const a = run.actions[run.next++]!
          steps.push({ run, a, step: prepare(a, run.ctx, run) })
          if (a._tag === 'CreateSnapshot') break
        }
      }
      const sent = steps.flatMap((s) => ('mutation' in s.step ? [s.step.mutation] : []))
      const replies = sent.length === 0 ? [] : await caps.api.mutate(sent)()
      let k = 0
      for (const { run, a, step } of steps)
        record(run, a, 'mutation' in step ? step.read(replies[k++]!) : step.outcome)
    }
    return runs.map(reportOf)
  }

  const execute = async (plan: Plan, ctx: Context): Promise<Report> => (await executeAll([{ plan, ctx }]))[0]!

  return { execute, executeAll, refusals }
}

export type Executor = ReturnType<typeof make>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const runOf = (j: Job): Run => ({
  plan: j.plan,
  ctx: j.ctx,
  actions: ordered(j.plan.actions),
  next: 0,
  done: 0,
  failed: 0,
  skipped: 0,
  stopped: 0,
  destroyFailed: false,
  failedHolds: new Set<string>(),
  created: undefined,
})

/** The rank of the run's next action; past the last rank when it has none left. */
const nextRank = (run: Run): number => {
  const a = run.actions[run.next]
  return a === undefined ? MAX_RANK + 1 : rank[a._tag]
}

const reportOf = (r: Run): Report => ({
  done: r.done,
  failed: r.failed,
  skipped: r.skipped,
  stopped: r.stopped,
  ...(r.created === undefined ? {} : { created: r.created }),
})

/** The destination's base in the observation the plan was made on; `undefined` (protect all) when unknown. */
const baseOf = (
  ctx: Context,
  d: { readonly remoteHost: string; readonly remoteDataset: string },
): string | null | undefined =>
  ctx.observed?.holds._tag === 'Known'
    ? Replication.baseAtStartOf(
        ctx.observed.snapshots,
        ctx.observed.holds.bySnapshot,
        d,
        (t) => SyncHold.parseTag(t)?.host,
      )
    : undefined

/** A tree root's hold or release goes with `-r`: on every descendant that has the snapshot. */
const tree = (a: { readonly recursive?: boolean }) => (a.recursive === true ? { recursive: true } : {})
const recursively = (a: { readonly recursive?: boolean }): string =>
  a.recursive === true ? ' and its descendants' : ''

const kindOf = (a: Action): string =>
  ({
    CreateSnapshot: 'create',
    HoldSnapshot: 'hold',
    ReleaseHold: 'release',
    DestroySnapshot: 'destroy',
    StartSync: 'sync',
  })[a._tag]
