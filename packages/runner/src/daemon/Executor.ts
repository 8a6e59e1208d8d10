/**
 * Carries out one dataset's plan through the API, in the order create → hold → release → destroy → start
 * sync (decisions.md §5, §15), logging each action with its reason and counting outcomes.
 *
 * - Every prefix of that order is a safe state, so a shutdown stops *between* actions (never starts one
 *   after SIGTERM) and the next start re-plans from what it observes. No action is ever half-applied: the
 *   RPC in progress completes or fails by the client's timeout.
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
 *   what was planned.
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
import { type RpcError, snapshotExists } from '@zfs-autobackup/zfs-rpc'
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

const rank: Readonly<Record<Action['_tag'], number>> = {
  CreateSnapshot: 0,
  HoldSnapshot: 1,
  ReleaseHold: 2,
  DestroySnapshot: 3,
  StartSync: 4,
}

/** Stable sort into the execution order of decisions.md §5. */
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

  const run = async (a: Action, ctx: Context, failedHolds: Set<string>): Promise<Outcome> => {
    const why = Explain.actionReason(a)
    switch (a._tag) {
      case 'HoldSnapshot': {
        const r = await caps.api.snapshotHold(a.dataset, a.snapshot, a.tag)()
        if (E.isLeft(r) && !Rpc.isHoldExists(r.left)) {
          failedHolds.add(a.tag)
          return failed(a, r.left, `hold ${a.tag} on @${a.snapshot}`)
        }
        cache.tagPlaced(a.dataset, a.snapshot, a.tag)
        caps.log.info(`base of ${a.remoteHost}:${a.remoteDataset} held on @${a.snapshot}: ${why}`, {
          dataset: a.dataset,
        })
        return 'ok'
      }
      case 'CreateSnapshot': {
        const r = await caps.api.snapshotCreate(a.dataset, a.snapshot, a.recursive)()
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
      }
      case 'ReleaseHold': {
        if (failedHolds.has(a.tag)) {
          caps.log.warn(`kept ${a.tag} on @${a.snapshot}: its new base could not be held`, {
            dataset: a.dataset,
          })
          return 'skipped'
        }
        const r = await caps.api.snapshotRelease(a.dataset, a.snapshot, a.tag)()
        if (E.isLeft(r) && !Rpc.isAlreadyGone(r.left))
          return failed(a, r.left, `release ${a.tag} on @${a.snapshot}`)
        cache.tagReleased(a.dataset, a.snapshot, a.tag)
        caps.log.info(`released ${a.tag} on @${a.snapshot}: ${why}`, { dataset: a.dataset })
        return 'ok'
      }
      case 'DestroySnapshot': {
        const r = await caps.api.snapshotDestroy(a.dataset, a.snapshot)()
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
      }
      case 'StartSync': {
        const target = `${a.remoteHost}:${a.remoteDataset}`
        if (!ctx.inFlightKnown) {
          caps.log.warn('sync postponed: migrations could not be listed', {
            dataset: a.dataset,
            destination: target,
          })
          return 'skipped'
        }
        const tagsBefore = cache.allTags(a.dataset).filter((t) => SyncHold.parseTag(t)?.host === a.remoteHost)
        const r = await caps.api.migrationCreate({
          source: `${a.dataset}@${a.snapshot}`,
          destination: a.remoteDataset,
          remote: a.remoteHost,
          recursive: false,
        })()
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
        caps.log.info(`sync of @${a.snapshot} started [${r.right.taskId}]: ${why}`, {
          dataset: a.dataset,
          destination: target,
        })
        monitor.track({ taskId: r.right.taskId, ...a }, tagsBefore, 'started', baseOf(ctx, a))
        return 'ok'
      }
    }
  }

  const postponed = (a: Extract<Action, { _tag: 'StartSync' }>): Outcome => {
    caps.log.warn('sync postponed: a destroy of this cycle got no answer and may still run on the API host', {
      dataset: a.dataset,
      destination: `${a.remoteHost}:${a.remoteDataset}`,
    })
    return 'skipped'
  }

  const execute = async (plan: Plan, ctx: Context): Promise<Report> => {
    let done = 0
    let failedN = 0
    let skipped = 0
    let destroyFailed = false
    let created: { readonly created: string } | Record<string, never> = {}
    const failedHolds = new Set<string>()
    const actions = ordered(plan.actions)
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i]!
      if (ctx.stopRequested()) {
        const left = actions.length - i
        caps.log.info(`shutdown requested; ${left} action(s) left for the next start to re-plan`, {
          dataset: plan.dataset,
        })
        return { done, failed: failedN, skipped, stopped: left, ...created }
      }
      const outcome = a._tag === 'StartSync' && destroyFailed ? postponed(a) : await run(a, ctx, failedHolds)
      if (a._tag === 'DestroySnapshot' && outcome === 'failed') destroyFailed = true
      caps.metrics.countAction(kindOf(a), outcome === 'abort' || outcome === 'refused' ? 'failed' : outcome)
      if (a._tag === 'CreateSnapshot' && outcome === 'ok') created = { created: a.snapshot }
      if (outcome === 'ok') done += 1
      else if (outcome === 'skipped') skipped += 1
      else failedN += 1
      if (outcome === 'abort') {
        const left = actions.length - i - 1
        if (left > 0)
          caps.log.warn(`${left} action(s) dropped: the plan assumed the new snapshot`, {
            dataset: plan.dataset,
          })
        return { done, failed: failedN, skipped: skipped + left, stopped: 0, ...created }
      }
    }
    return { done, failed: failedN, skipped, stopped: 0, ...created }
  }

  return { execute, refusals }
}

export type Executor = ReturnType<typeof make>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

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

const kindOf = (a: Action): string =>
  ({
    CreateSnapshot: 'create',
    HoldSnapshot: 'hold',
    ReleaseHold: 'release',
    DestroySnapshot: 'destroy',
    StartSync: 'sync',
  })[a._tag]
