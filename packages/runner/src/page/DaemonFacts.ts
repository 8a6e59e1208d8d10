/**
 * The status page's facts from the running daemon: what its last cycle saw and planned, the migrations it
 * follows, its sync failures and `/health`'s problems. Read at request time; sends no API call.
 *
 * Derived here from today's models (each to be fed directly once the core has it):
 * - the next cycle's plan: the core planner at the next tick, on the last observation with the last plan
 *   carried out (the core's `applyPlan`; the page says "if nothing changes meanwhile");
 * - the next due snapshot: the planner at the core's next due instants (`NextDue`) until one creates;
 * - a destination's base and last sync: the core's replication model (`replicationOf`, core-decisions.md §15);
 *   its arrival is verified only when the backup host's API said so (`Arrivals.standingOf`), and then
 *   the base shown is the snapshot it verified; back-off from `SyncFailures` with the core's
 *   `backOffMs`; frozen when that API found no common snapshot or a diverged one.
 *
 * @since 0.1.0
 */
import {
  applyPlan,
  type DatasetPolicy,
  NextDue,
  type Plan,
  type PlanInput,
  replicationOf,
  SyncDecision,
} from '@zfs-autobackup/core'
import * as Arrivals from '../daemon/Arrivals.js'
import type { Daemon } from '../daemon/Daemon.js'
import * as Health from '../http/Health.js'
import type { DatasetFacts, DestinationFacts, PageFacts } from './Facts.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Planner = (input: PlanInput) => Plan

const NOT_VERIFIED =
  'arrival not verified (no destination API): the base hold stays on the snapshots sent lately (the last two, and those of the last four sync intervals), because the API places its sync hold even when a receive failed'

const NOT_YET_VERIFIED =
  "arrival not verified yet: the destination's API has not confirmed the base (it is asked when a migration there ends)"

const HOUR = 3_600_000
const PROBE_LIMIT_MS = 8 * 24 * HOUR

// -------------------------------------------------------------------------------------
// derivations
// -------------------------------------------------------------------------------------

/**
 * The next snapshot the planner would create at or after `from`, and its type: the core's next due
 * instants (`NextDue`) walked forward until one plans a create — a sync or a name leaving the future may
 * come first — for a week at most.
 */
export const nextDue = (
  planner: Planner,
  input: Omit<PlanInput, 'now'>,
  from: number,
): DatasetFacts['nextDue'] => {
  const due = NextDue.make()
  for (let now = from, steps = 0; now < from + PROBE_LIMIT_MS && steps < MAX_STEPS; steps++) {
    const c = planner({ ...input, now }).actions.find((a) => a._tag === 'CreateSnapshot')
    if (c?._tag === 'CreateSnapshot') return { at: now, type: c.type }
    now = due({ ...input, now }).at
  }
  return undefined
}

/** Due instants walked at most (each a sync, a window edge or a name leaving the future). */
const MAX_STEPS = 200

const same =
  (d: { readonly remoteHost: string; readonly remoteDataset: string }) =>
  (x: { readonly remoteHost: string; readonly remoteDataset: string }) =>
    x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset

// -------------------------------------------------------------------------------------
// facts
// -------------------------------------------------------------------------------------

export const factsOf = (daemon: Daemon, now: number, planner: Planner): PageFacts => {
  const settings = daemon.settings()
  const status = daemon.status()
  const seen = daemon.seen()
  const { failures, monitor, arrivals, verifier } = daemon.internals
  const nextCycleAt = Math.max(now, status.nextCycleAt ?? (status.lastCycleAt ?? now) + status.tickMs)

  const dataset = (ds: DatasetPolicy): DatasetFacts => {
    const s = seen.get(ds.dataset)
    const o = s?.observed
    const observed =
      o === undefined
        ? undefined
        : {
            ...(s?.plan === undefined ? o : applyPlan(o, s.plan)),
            inFlight: monitor.inFlight(ds.dataset),
            failures: failures.of(ds.dataset),
          }
    const input =
      observed === undefined
        ? undefined
        : { zone: settings.zone, policy: settings.policy, dataset: ds, observed }
    const replication = input === undefined ? undefined : replicationOf({ ...input, now })
    const transfers = monitor.transfers(ds.dataset)
    const destination = (d: DatasetPolicy['destinations'][number]): DestinationFacts => {
      const r = replication?.find(same(d))
      const standing = Arrivals.standingOf(verifier.hasApi(d), arrivals.check({ dataset: ds.dataset, ...d }))
      // With a destination API the base shown is the snapshot it verified (the base hold follows it).
      const base =
        Arrivals.verifiedSync(standing, now + settings.policy.backupIntervalSeconds * 1000) ??
        (r?.base === undefined || r.lastSync === undefined
          ? undefined
          : { snapshot: r.base.snapshot, at: r.lastSync.at })
      const f = failures.get({ dataset: ds.dataset, ...d })
      const t = transfers.find(same(d))
      return {
        remoteHost: d.remoteHost,
        remoteDataset: d.remoteDataset,
        enabled: d.enabled && settings.policy.remoteSync.enabled,
        base,
        arrival:
          standing._tag === 'Verified'
            ? { _tag: 'Verified' }
            : {
                _tag: 'NotVerified',
                why:
                  standing._tag === 'NoApi'
                    ? NOT_VERIFIED
                    : standing._tag === 'Frozen'
                      ? standing.why
                      : standing._tag === 'Empty'
                        ? "nothing verified: the destination's API lists no snapshot there yet"
                        : NOT_YET_VERIFIED,
              },
        frozen: standing._tag === 'Frozen' ? { why: standing.why, since: standing.since } : undefined,
        backOff:
          f === undefined
            ? undefined
            : {
                failures: f.consecutive,
                lastFailureAt: f.lastFailureAt,
                until:
                  f.lastFailureAt +
                  SyncDecision.backOffMs(settings.policy.backupIntervalSeconds, f.consecutive),
              },
        transfer: t === undefined ? undefined : { taskId: t.taskId, status: t.status, progress: t.progress },
      }
    }
    return {
      dataset: ds.dataset,
      readAt: s?.at,
      snapshots: observed?.snapshots ?? [],
      holds: observed?.holds,
      error: s?.error,
      plan:
        input === undefined ? undefined : { at: nextCycleAt, plan: planner({ ...input, now: nextCycleAt }) },
      nextDue: input === undefined ? undefined : nextDue(planner, input, nextCycleAt),
      destinations: ds.destinations.map(destination),
    }
  }

  return {
    now,
    zone: settings.zone,
    health: Health.evaluate(status, now).body.status,
    policy: settings.policy,
    startedAt: status.startedAt,
    lastCycleAt: status.lastCycleAt,
    // Unhealthy first, then the registry's troubles (health/Troubles.ts), each with when it started; a
    // lagging destination the page shows itself, as "behind" in its place among what needs attention.
    troubles: [
      ...Health.problemsOf(status, now),
      ...status.troubles
        .filter((t) => t.kind !== 'sync-lag')
        .map((t) => ({ why: `${t.kind}: ${t.subject}: ${t.why}`, since: t.since })),
    ],
    datasets: settings.datasets.map(dataset),
  }
}
