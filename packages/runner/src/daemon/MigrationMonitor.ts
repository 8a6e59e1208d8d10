/**
 * Follows started (or, after a restart, adopted) migrations with `migration_get` on a timer, logs their
 * progress at a readable rate (a line per new 10 % step, at most one per 30 s, at least one per 5 min:
 * about ten lines per transfer however long it runs), and settles their outcome:
 * - the dataset's holds are re-read (the API moved the sync hold);
 * - `completed` with **no new sync hold** of that host is a failure (the API's "completed but nothing sent"
 *   quirk: no common snapshot, destination without snapshots, a resume); so are `failed` and cancelled;
 * - a new sync hold is **not** proof of arrival (the API places it even when the receive failed,
 *   core-decisions.md §15): it only says which snapshot was sent. For a destination with its own API the
 *   monitor then asks it (`ArrivalVerifier`, with the listing it has just read): `synced` when the sent
 *   snapshot is there with the same guid (`Arrived` evidence: the base hold moves to it alone),
 *   `not-received` when the destination's newest common snapshot is still an older one (the receive
 *   failed: the base stays), `diverged` / `frozen` when no incremental can run there, and
 *   `sent-unverified` when the check itself failed (retried by the cycle). Without a destination API the
 *   sent snapshot becomes `Sent` evidence for the core, which keeps the destination's base hold on the
 *   snapshots sent lately (`Arrivals`; the last two and those of the last four sync intervals,
 *   `Replication.unverifiedKeepMs`), and the outcome is `sent-unverified`;
 * - every other end of a migration to a destination with an API asks the cycle for a check;
 * - failures feed the back-off (`SyncFailures`), a verified (or, without an API, a sent) migration resets it.
 *
 * And it says when one cannot be followed (see docs/design-daemon.md, "Migrations that stop moving"):
 * - a `migration_get` that keeps failing is logged once, and after `getGiveUpMs` the task is no longer
 *   polled (the listing still counts it in flight while it lists it);
 * - a `running` task whose progress has not moved for `staleAfterMs` is *stale* (warned once, listed by
 *   `stale()`); pv ticks every 10 s, so 10 min is 60 missed ticks. The API does not recover tasks across
 *   its restarts: an orphaned task stays `running` for its 7-day TTL. After `abandonAfterMs` without
 *   progress it is given up: it stops blocking syncs and retention to its destination (`ignored`), and
 *   until then it keeps protecting what it may still be sending.
 *
 * @since 0.1.0
 */
import { type InFlightMigration, SyncHold } from '@zfs-autobackup/core'
import type { MigrationProgress, MigrationTask } from '@zfs-autobackup/zfs-rpc'
import * as E from 'fp-ts/lib/Either.js'
import type * as ArrivalCheck from './ArrivalCheck.js'
import type { Arrivals } from './Arrivals.js'
import { type ArrivalVerifier, frozenText } from './ArrivalVerifier.js'
import type { Capabilities } from './Capabilities.js'
import type { HoldsCache } from './HoldsCache.js'
import * as Names from './Names.js'
import * as Progress from './ProgressText.js'
import * as Rpc from './RpcText.js'
import type { SyncFailures } from './SyncFailures.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Migration {
  readonly taskId: string
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

/** A followed migration as the status page shows it: its last reported status and progress. */
export interface Transfer extends Migration {
  readonly status: 'pending' | 'running'
  /** The last pv tick `migration_get` reported; `null` before the first. */
  readonly progress: MigrationProgress | null
}

/**
 * `synced`: arrival verified through the destination API; `sent-unverified`: sent, arrival unknown (no
 * destination API, or its check failed); `not-received`: sent, but the destination API shows it did not
 * arrive; `diverged` / `frozen`: the destination API shows no incremental can run there; `unverified`: the
 * holds could not be re-read for `getGiveUpMs` after it completed, so not even what was sent is known.
 */
export type Outcome =
  | 'synced'
  | 'sent-unverified'
  | 'not-received'
  | 'diverged'
  | 'frozen'
  | 'nothing-sent'
  | 'failed'
  | 'cancelled'
  | 'vanished'
  | 'unverified'
  | 'given-up'

export interface MigrationMonitor {
  /**
   * Follow a migration; `syncTagsBefore` are the host's sync tags on the dataset when it started. A started
   * one also gives the destination's base then (`baseAtStart`, §8 as amended); an adopted one has none.
   */
  readonly track: (
    m: Migration,
    syncTagsBefore: ReadonlyArray<string>,
    how: 'started' | 'adopted',
    baseAtStart?: string | null,
  ) => void
  readonly isTracked: (taskId: string) => boolean
  /** Tracked migrations of a dataset, as the core's in-flight input. */
  readonly inFlight: (dataset: string) => ReadonlyArray<InFlightMigration>
  /** Followed migrations of a dataset with their last progress (for the status page). */
  readonly transfers: (dataset: string) => ReadonlyArray<Transfer>
  readonly size: () => number
  /** Running migrations that have shown no progress for `staleAfterMs`, since their last movement. */
  readonly stale: () => ReadonlyArray<{ readonly migration: Migration; readonly since: number }>
  /** Given up for want of progress (`abandonAfterMs`): not in flight even while the API lists it. */
  readonly ignored: (taskId: string) => boolean
  /** One `migration_get` per tracked task; settles those that ended. */
  readonly pollOnce: () => Promise<
    ReadonlyArray<{ readonly migration: Migration; readonly outcome: Outcome }>
  >
  /** Everything it follows and has given up, for the next monitor after an in-process restart. */
  readonly handOver: () => Handover
  /** Polls every `pollMs` of clock time until the signal aborts. */
  readonly run: (signal: AbortSignal) => Promise<void>
}

export interface Options {
  readonly pollMs: number
  /** A progress line at most this often per task, and only for a new 10 % step... */
  readonly progressEveryMs: number
  /** ...but at least this often while it runs (a sign of life on slow transfers). */
  readonly heartbeatMs: number
  readonly zone: () => string
  /** A task `migration_get` cannot read for this long is no longer polled. */
  readonly getGiveUpMs: number
  /** A running task whose progress has not moved for this long is stale. */
  readonly staleAfterMs: number
  /** ...and after this long it no longer blocks syncs or retention to its destination. */
  readonly abandonAfterMs: number
  /** Where `Sent` evidence and arrival checks go (absent: nowhere, the base stays put). */
  readonly arrivals?: Arrivals
  /** Checks arrival at destinations with their own API (absent: none is checked). */
  readonly verifier?: Pick<ArrivalVerifier, 'verify' | 'request'>
}

/** What a new monitor takes over from the old one at an in-process restart (SIGHUP). */
export interface Handover {
  readonly watches: ReadonlyArray<Watch>
  readonly givenUp: ReadonlyArray<string>
  readonly abandoned: ReadonlyArray<string>
}

export interface Watch {
  readonly migration: Migration
  readonly before: ReadonlySet<string>
  readonly baseAtStart: string | null | undefined
  status: 'pending' | 'running'
  progress: MigrationProgress | null
  lastLogAt: number | undefined
  lastStep: number
  /** When the task last moved (status or progress changed), by this daemon's clock. */
  movedAt: number
  /** The last progress seen, to tell a moving transfer from a frozen one. */
  lastProgress: string | undefined
  stale: boolean
  /** Since when `migration_get` has failed without a break. */
  getFailingSince: number | undefined
  /**
   * When the task was seen `completed` while the holds could not be re-read: what it sent is not known yet,
   * so it stays followed (in flight, blocking a new sync to its destination) and the re-read is retried.
   */
  completedAt?: number | undefined
}

export const defaults = {
  pollMs: 10_000,
  progressEveryMs: 30_000,
  heartbeatMs: 300_000,
  getGiveUpMs: 30 * 60_000,
  staleAfterMs: 10 * 60_000,
  abandonAfterMs: 6 * 3_600_000,
} as const

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (
  caps: Pick<Capabilities, 'api' | 'clock' | 'log' | 'metrics'>,
  cache: HoldsCache,
  failures: SyncFailures,
  options: Options,
  /** From the monitor this one replaces (in-process restart): its tasks keep their start bases. */
  from?: Handover,
): MigrationMonitor => {
  const watches = new Map<string, Watch>((from?.watches ?? []).map((w) => [w.migration.taskId, { ...w }]))
  /** Given-up task ids: never tracked again, and not counted in flight (the listing may go on showing them). */
  const givenUp = new Set<string>(from?.givenUp)
  /** Given up for want of progress: not in flight even while the API lists it. */
  const abandoned = new Set<string>(from?.abandoned)
  const label = (m: Migration) => `sync [${m.taskId}]`
  const fields = (m: Migration) => ({ dataset: m.dataset, destination: `${m.remoteHost}:${m.remoteDataset}` })

  const fail = (w: Watch, outcome: Outcome, why: string): Outcome => {
    const n = failures.recordFailure(w.migration, caps.clock.now())
    caps.metrics.countError(`sync_${outcome.replace('-', '_')}`)
    caps.log.error(`${label(w.migration)} ${why} (consecutive failures: ${n})`, fields(w.migration))
    return outcome
  }

  /**
   * Re-reads the dataset's holds and checks for a sync tag of the host that was not there before;
   * `undefined` while that read fails (the watch stays, see `Watch.completedAt`).
   */
  const verify = async (w: Watch): Promise<Outcome | undefined> => {
    const m = w.migration
    cache.invalidateDataset(m.dataset)
    const generation = cache.generation(m.dataset)
    const snaps = await caps.api.snapshotList(m.dataset)()
    // The API holds the snapshot it sent, which is newer than the destination's base when the migration
    // started: read from that base on (a few calls rather than one per snapshot of the dataset, so one
    // flaky call rarely fails the read); the rest is re-read by the next cycle (invalidated above).
    const from =
      E.isRight(snaps) && typeof w.baseAtStart === 'string' ? snaps.right.indexOf(w.baseAtStart) : -1
    const candidates = E.isRight(snaps) ? snaps.right.slice(Math.max(0, from)) : []
    const holds = E.isRight(snaps) ? await caps.api.holdsList(m.dataset, candidates)() : snaps
    if (E.isLeft(snaps) || E.isLeft(holds)) {
      // Without the re-read the snapshot sent is unknown, and forgetting the task would lose its `Sent`
      // evidence for good: the base would not move, and after one failed receive later the destination's
      // real newest snapshot could lose its hold and be pruned (frozen). So keep it and read again.
      const e = E.isLeft(holds) ? holds.left : undefined
      const now = caps.clock.now()
      const first = w.completedAt === undefined
      w.completedAt ??= now
      if (now - w.completedAt >= options.getGiveUpMs) {
        caps.log.error(
          `${label(m)} completed, but its dataset's holds could not be re-read for ${Progress.duration((now - w.completedAt) / 1000)} (last: ${e ? Rpc.describe(e) : '?'}); what it sent stays unknown and the destination's base does not move`,
          fields(m),
        )
        options.verifier?.request(m)
        return 'unverified'
      }
      if (first)
        caps.log.warn(
          `${label(m)} completed; could not re-read holds (${e ? Rpc.describe(e) : '?'}); still followed, read again every ${options.pollMs / 1000} s`,
          fields(m),
        )
      return undefined
    }
    cache.store(m.dataset, holds.right, generation)
    const isFresh = (t: string) => SyncHold.parseTag(t)?.host === m.remoteHost && !w.before.has(t)
    // The snapshot the API sent is the one it put the new sync hold on (the newest if several).
    const sent = [...candidates].reverse().find((s) => holds.right.get(s)?.some(isFresh))
    const checked = await options.verifier?.verify(m, snaps.right)
    if (checked !== undefined) return settleChecked(w, sent, checked.verdict, snaps.right)
    if (sent === undefined)
      return fail(
        w,
        'nothing-sent',
        'completed but placed no new sync hold: nothing was sent (no common snapshot, or the destination has none?)',
      )
    const now = caps.clock.now()
    options.arrivals?.record(m.dataset, {
      _tag: 'Sent',
      remoteHost: m.remoteHost,
      remoteDataset: m.remoteDataset,
      snapshot: sent,
    })
    options.arrivals?.setCheck(m, { _tag: 'SentUnverified', snapshot: sent, at: now })
    failures.recordSuccess(m)
    caps.metrics.setLastSync(m, Names.ourSnapshotTime(sent) ?? now)
    caps.log.info(
      `${label(m)} done: sent ${m.dataset}@${sent}; arrival not verified (no API for the destination), the base stays on the snapshots sent lately`,
      fields(m),
    )
    return 'sent-unverified'
  }

  /** The outcome of a completed migration whose destination's API was asked what arrived. */
  const settleChecked = (
    w: Watch,
    sent: string | undefined,
    verdict: ArrivalCheck.Verdict,
    snapshots: ReadonlyArray<string>,
  ): Outcome => {
    const m = w.migration
    const to = `${m.remoteHost}:${m.remoteDataset}`
    const what =
      sent === undefined
        ? 'completed but placed no new sync hold (nothing sent)'
        : `completed and sent ${m.dataset}@${sent}`
    switch (verdict._tag) {
      case 'NoCommon':
        return fail(w, 'frozen', `${what}; ${frozenText(m, verdict)}`)
      case 'Diverged':
        return fail(w, 'diverged', `${what}; ${frozenText(m, verdict)}`)
      case 'Empty':
        return fail(
          w,
          sent === undefined ? 'nothing-sent' : 'not-received',
          `${what}, but ${to} lists no snapshot: nothing arrived${sent === undefined ? ' (an existing destination dataset without snapshots gets nothing from the API: destroy it there for a full send)' : ' (the receive failed); the next sync sends in full again'}`,
        )
      case 'Unknown':
        if (sent === undefined)
          return fail(
            w,
            'nothing-sent',
            `${what}; what ${to} has is unknown (arrival check failed: ${verdict.why}; tried again at the next cycle)`,
          )
        caps.log.warn(
          `${label(m)} ${what}; arrival not verified yet: the check through ${to}'s API failed (${verdict.why}), tried again at the next cycle; the base hold stays where it is meanwhile`,
          fields(m),
        )
        return 'sent-unverified'
      case 'Arrived': {
        const has = `${to} has ${m.dataset}@${verdict.snapshot} (verified: same guid on both ends)`
        if (sent === undefined) return fail(w, 'nothing-sent', `${what}; ${has}, the base hold moves there`)
        if (snapshots.indexOf(verdict.snapshot) < snapshots.indexOf(sent))
          return fail(
            w,
            'not-received',
            `${what}, but it did not arrive: ${to}'s newest common snapshot is still ${verdict.snapshot} (same guid on both ends), so the receive failed there; the base hold stays on it and the next sync sends from it`,
          )
        failures.recordSuccess(m)
        caps.metrics.setLastSync(m, Names.ourSnapshotTime(verdict.snapshot) ?? caps.clock.now())
        caps.log.info(`${label(m)} done: ${has}; the base hold moves there`, fields(m))
        return 'synced'
      }
    }
  }

  /**
   * Stops following a task. `abandon`: it stops counting in flight too, even while the API lists it;
   * otherwise the listing still counts it while it shows it (only the polling ends).
   */
  const giveUp = (w: Watch, why: string, abandon: boolean): Outcome => {
    watches.delete(w.migration.taskId)
    givenUp.add(w.migration.taskId)
    if (abandon) abandoned.add(w.migration.taskId)
    cache.invalidateDataset(w.migration.dataset)
    options.verifier?.request(w.migration)
    caps.metrics.countError('sync_given_up')
    const to = `${w.migration.remoteHost}:${w.migration.remoteDataset}`
    caps.log.error(
      `${label(w.migration)} given up: ${why}; ${abandon ? `it no longer blocks syncs or retention to ${to}` : `no longer polled, though it counts in flight (blocking syncs and retention to ${to}) while migration_list shows it`}; its dataset's holds will be re-read`,
      fields(w.migration),
    )
    return 'given-up'
  }

  /** Progress and staleness of a task still pending or running; an outcome when it is given up. */
  const watchMovement = (w: Watch, task: MigrationTask): Outcome | undefined => {
    const now = caps.clock.now()
    const seen =
      task.progress === null ? undefined : `${task.progress.timestamp}|${task.progress.bytesTransferred}`
    if (task.status !== w.status || seen !== w.lastProgress) {
      w.movedAt = now
      w.lastProgress = seen
      if (w.stale) caps.log.info(`${label(w.migration)} is progressing again`, fields(w.migration))
      w.stale = false
    }
    if (task.status === 'running' && w.status === 'pending')
      caps.log.info(`${label(w.migration)} running`, fields(w.migration))
    w.status = task.status === 'running' ? 'running' : 'pending'
    if (task.progress !== null) w.progress = task.progress
    logProgress(w, task)
    if (w.status !== 'running') return undefined
    const still = now - w.movedAt
    if (still >= options.abandonAfterMs)
      return giveUp(
        w,
        `no progress for ${Progress.duration(still / 1000)} (the API may have restarted: it keeps an orphaned task \`running\` for 7 days)`,
        true,
      )
    if (still >= options.staleAfterMs && !w.stale) {
      w.stale = true
      caps.metrics.countError('sync_stale')
      caps.log.warn(
        `${label(w.migration)} shows no progress for ${Progress.duration(still / 1000)} (the API reports some every 10 s while it sends): stale, perhaps orphaned by an API restart; it still blocks syncs and retention to this destination until ${Progress.duration(options.abandonAfterMs / 1000)} without progress`,
        fields(w.migration),
      )
    }
    return undefined
  }

  const settle = async (w: Watch, task: MigrationTask): Promise<Outcome | undefined> => {
    if (task.status === 'pending' || task.status === 'running') return watchMovement(w, task)
    cache.invalidateDataset(w.migration.dataset)
    // Ended without a listing to check against: the cycle checks the destination with its own.
    if (task.status !== 'completed' || task.result?.cancelled === true) options.verifier?.request(w.migration)
    if (task.status === 'cancelled' || task.result?.cancelled === true)
      return fail(w, 'cancelled', 'was cancelled')
    if (task.status === 'failed')
      return fail(w, 'failed', `failed: ${task.error ?? 'no error text from the API'}`)
    return verify(w)
  }

  const logProgress = (w: Watch, task: MigrationTask) => {
    const p = task.progress
    if (p === null) return
    const now = caps.clock.now()
    const step = Math.floor(p.percentage / 10)
    const since = w.lastLogAt === undefined ? Number.POSITIVE_INFINITY : now - w.lastLogAt
    const due = (since >= options.progressEveryMs && step > w.lastStep) || since >= options.heartbeatMs
    if (!due) return
    w.lastLogAt = now
    w.lastStep = Math.max(w.lastStep, step)
    caps.log.info(`${label(w.migration)} ${Progress.render(p)}`, fields(w.migration))
  }

  const pollOnce = async () => {
    const ended: Array<{ readonly migration: Migration; readonly outcome: Outcome }> = []
    for (const [id, w] of [...watches]) {
      if (w.completedAt !== undefined) {
        const outcome = await verify(w)
        if (outcome !== undefined) {
          watches.delete(id)
          ended.push({ migration: w.migration, outcome })
        }
        continue
      }
      const got = await caps.api.migrationGet(id)()
      if (E.isLeft(got) && !Rpc.isTaskNotFound(got.left)) {
        // API trouble: an outage the daemon logs; anything else is said once here. Asked again later,
        // but not for ever: a task that cannot be read cannot be settled.
        const now = caps.clock.now()
        if (w.getFailingSince === undefined) {
          w.getFailingSince = now
          if (got.left._tag !== 'Transport')
            caps.log.warn(
              `${label(w.migration)}: migration_get failed (${Rpc.describe(got.left)}); still counted in flight, asked again every ${options.pollMs / 1000} s`,
              fields(w.migration),
            )
        }
        if (now - w.getFailingSince >= options.getGiveUpMs)
          ended.push({
            migration: w.migration,
            outcome: giveUp(
              w,
              `migration_get has failed for ${Progress.duration((now - w.getFailingSince) / 1000)} (last: ${Rpc.describe(got.left)})`,
              false,
            ),
          })
        continue
      }
      w.getFailingSince = undefined
      if (E.isLeft(got)) {
        watches.delete(id)
        cache.invalidateDataset(w.migration.dataset)
        options.verifier?.request(w.migration)
        caps.log.warn(
          `${label(w.migration)} is no longer known to the API; its holds will be re-read`,
          fields(w.migration),
        )
        ended.push({ migration: w.migration, outcome: 'vanished' })
        continue
      }
      const outcome = await settle(w, got.right)
      if (outcome !== undefined) {
        watches.delete(id)
        ended.push({ migration: w.migration, outcome })
      }
    }
    caps.metrics.setMigrationsInFlight(watches.size)
    caps.metrics.setGauge(
      'zfs_autobackup_migrations_stale',
      [...watches.values()].filter((w) => w.stale).length,
    )
    return ended
  }

  return {
    track: (m, before, how, baseAtStart) => {
      if (watches.has(m.taskId) || givenUp.has(m.taskId)) return
      watches.set(m.taskId, {
        migration: m,
        before: new Set(before),
        baseAtStart: how === 'started' ? baseAtStart : undefined,
        status: 'pending',
        progress: null,
        lastLogAt: undefined,
        lastStep: -1,
        movedAt: caps.clock.now(),
        lastProgress: undefined,
        stale: false,
        getFailingSince: undefined,
      })
      caps.metrics.setMigrationsInFlight(watches.size)
      if (how === 'adopted')
        caps.log.info(`${label(m)} adopted: already in flight on the API, not starting another`, fields(m))
    },
    isTracked: (id) => watches.has(id),
    inFlight: (dataset) =>
      [...watches.values()]
        .filter((w) => w.migration.dataset === dataset)
        .map((w) => ({
          taskId: w.migration.taskId,
          remoteHost: w.migration.remoteHost,
          remoteDataset: w.migration.remoteDataset,
          status: w.status,
          ...(w.baseAtStart === undefined ? {} : { baseAtStart: w.baseAtStart }),
        })),
    transfers: (dataset) =>
      [...watches.values()]
        .filter((w) => w.migration.dataset === dataset)
        .map((w) => ({ ...w.migration, status: w.status, progress: w.progress })),
    size: () => watches.size,
    stale: () =>
      [...watches.values()].filter((w) => w.stale).map((w) => ({ migration: w.migration, since: w.movedAt })),
    ignored: (id) => abandoned.has(id),
    pollOnce,
    handOver: () => ({
      watches: [...watches.values()].map((w) => ({ ...w })),
      givenUp: [...givenUp],
      abandoned: [...abandoned],
    }),
    run: async (signal) => {
      while (!signal.aborted) {
        try {
          await caps.clock.sleep(options.pollMs, signal)
        } catch {
          return
        }
        if (watches.size > 0) await pollOnce()
      }
    },
  }
}
