/**
 * Verified arrival (core-decisions.md §15): for each destination with its own API (`DestinationApis`), asks the
 * backup host what it really has (`ArrivalCheck`) and turns the verdict into what the daemon acts on:
 * - `Arrived` → `Arrived` evidence for the core (the base hold moves to that snapshot alone) and the check
 *   `Verified`;
 * - `Diverged` (same name, other guid: never a base) and `NoCommon` (no incremental can run) → the check
 *   `Diverged` / `Frozen`: the destination is *frozen*, an operator must act;
 * - `Empty` (it lists no snapshot: nothing arrived yet) → the check `Empty`, not frozen;
 * - `Unknown` (an API call failed) → nothing is concluded and the check is due again at the next cycle,
 *   at most `MAX_ATTEMPTS` times in a row; then it waits for the next migration to that destination to end.
 *
 * When a check runs: the migration monitor runs one as soon as a migration completes (with the source
 * listing it has just read); every other end (failed, cancelled, unreadable) `request`s one, and so does a
 * destination with no verdict yet (a daemon just started or reloaded): the cycle runs those `due` ones with
 * the listing it read anyway. A check costs one `snapshot_list` on the backup host and one
 * `dataset_get_properties` per side (docs/performance.md). No check runs for a destination without an API.
 *
 * @since 0.2.0
 */
import type { DatasetPolicy } from '@zfs-autobackup/core'
import * as ArrivalCheck from './ArrivalCheck.js'
import type { Arrivals, Check, Destination } from './Arrivals.js'
import type { Capabilities } from './Capabilities.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface ArrivalVerifier {
  /** Whether `d` has a backup-host API, i.e. whether its arrival can be verified. */
  readonly hasApi: (d: Pick<Destination, 'remoteHost' | 'remoteDataset'>) => boolean
  /**
   * Checks `d` now against the source's listing (oldest first) and applies the verdict; `undefined` when
   * `d` has no API. `Unknown` makes the check due at the next cycle.
   */
  readonly verify: (d: Destination, sourceSnapshots: ReadonlyArray<string>) => Promise<Verified | undefined>
  /** A migration to `d` ended without a fresh listing: check it at the next cycle (no-op without an API). */
  readonly request: (d: Destination) => void
  /**
   * The cycle's part: checks the dataset's enabled destinations that are due, with the listing the cycle
   * read, logging what changed. Returns how many checks ran.
   */
  readonly runDue: (dataset: DatasetPolicy, sourceSnapshots: ReadonlyArray<string>) => Promise<number>
  /** Whether a check of one of the dataset's destinations is still due (the daemon then looks again soon). */
  readonly hasDue: (dataset: DatasetPolicy) => boolean
}

/** A verdict and the check it replaced (to log only what changed). */
export interface Verified {
  readonly verdict: ArrivalCheck.Verdict
  readonly previous: Check | undefined
}

/** Checks in a row that may end `Unknown` before the verifier waits for the next migration to end. */
export const MAX_ATTEMPTS = 5

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const keyOf = (d: Destination): string => JSON.stringify([d.dataset, d.remoteHost, d.remoteDataset])
const target = (d: Destination): string => `${d.remoteHost}:${d.remoteDataset}`

export const make = (
  caps: Pick<Capabilities, 'api' | 'clock' | 'log' | 'destinationApis'>,
  arrivals: Arrivals,
): ArrivalVerifier => {
  /** Due checks: failed `Unknown` attempts so far (0: requested, not tried yet). */
  const due = new Map<string, number>()
  /** Destinations whose checks ended `Unknown` `MAX_ATTEMPTS` times: not due until requested again. */
  const gaveUp = new Set<string>()
  const apiOf = (d: Pick<Destination, 'remoteHost' | 'remoteDataset'>) =>
    caps.destinationApis?.forDestination(d)

  const apply = (d: Destination, verdict: ArrivalCheck.Verdict): Verified => {
    const previous = arrivals.check(d)
    const at = caps.clock.now()
    const k = keyOf(d)
    if (verdict._tag === 'Unknown') {
      const attempts = (due.get(k) ?? 0) + 1
      if (attempts >= MAX_ATTEMPTS) {
        due.delete(k)
        gaveUp.add(k)
      } else due.set(k, attempts)
      return { verdict, previous }
    }
    due.delete(k)
    gaveUp.delete(k)
    const check: Check =
      verdict._tag === 'Arrived'
        ? { _tag: 'Verified', snapshot: verdict.snapshot, at }
        : verdict._tag === 'Diverged'
          ? { _tag: 'Diverged', snapshot: verdict.snapshot, at: sinceOf(previous, 'Diverged', at) }
          : verdict._tag === 'Empty'
            ? { _tag: 'Empty', at }
            : { _tag: 'Frozen', at: sinceOf(previous, 'Frozen', at) }
    arrivals.setCheck(d, check)
    if (verdict._tag === 'Arrived')
      arrivals.record(d.dataset, {
        _tag: 'Arrived',
        remoteHost: d.remoteHost,
        remoteDataset: d.remoteDataset,
        snapshot: verdict.snapshot,
        guid: verdict.guid,
      })
    return { verdict, previous }
  }

  const verify = async (d: Destination, snapshots: ReadonlyArray<string>): Promise<Verified | undefined> => {
    const api = apiOf(d)
    if (api === undefined) return undefined
    const verdict = await ArrivalCheck.check(
      caps.api,
      api,
      { dataset: d.dataset, remoteDataset: d.remoteDataset },
      snapshots,
    )
    return apply(d, verdict)
  }

  /** What a check the cycle ran says in the log: only what changed, an error for a frozen destination. */
  const report = (d: Destination, v: Verified) => {
    const fields = { dataset: d.dataset, destination: target(d) }
    const p = v.previous
    const attempts = due.get(keyOf(d))
    switch (v.verdict._tag) {
      case 'Arrived':
        if (p?._tag !== 'Verified' || p.snapshot !== v.verdict.snapshot)
          caps.log.info(
            `arrival verified: ${target(d)} has ${d.dataset}@${v.verdict.snapshot} (same guid on both ends); the base hold moves there${p?._tag === 'Frozen' || p?._tag === 'Diverged' ? ' (no longer frozen)' : ''}`,
            fields,
          )
        return
      case 'Diverged':
      case 'NoCommon':
        if (p?._tag !== (v.verdict._tag === 'Diverged' ? 'Diverged' : 'Frozen'))
          caps.log.error(frozenText(d, v.verdict), fields)
        return
      case 'Empty':
        if (p?._tag !== 'Empty')
          caps.log.info(
            `arrival: ${target(d)} lists no snapshot yet, nothing verified there (the next sync sends in full)`,
            fields,
          )
        return
      case 'Unknown':
        caps.log.warn(
          attempts === undefined
            ? `arrival check of ${target(d)} failed ${MAX_ATTEMPTS} times in a row (${v.verdict.why}); checked again when the next migration there ends`
            : `arrival check of ${target(d)} failed (${v.verdict.why}); tried again at the next cycle (${attempts} of ${MAX_ATTEMPTS})`,
          fields,
        )
    }
  }

  return {
    hasApi: (d) => apiOf(d) !== undefined,
    verify,
    request: (d) => {
      if (apiOf(d) === undefined) return
      gaveUp.delete(keyOf(d))
      if (!due.has(keyOf(d))) due.set(keyOf(d), 0)
    },
    runDue: async (ds, snapshots) => {
      let ran = 0
      for (const x of ds.destinations) {
        if (!x.enabled) continue
        const d = { dataset: ds.dataset, remoteHost: x.remoteHost, remoteDataset: x.remoteDataset }
        const k = keyOf(d)
        // A destination with no verdict yet (just started, reloaded, added) is due once, too.
        const isDue = due.has(k) || (arrivals.check(d) === undefined && !gaveUp.has(k))
        if (!isDue) continue
        const v = await verify(d, snapshots)
        if (v === undefined) continue
        ran++
        report(d, v)
      }
      return ran
    },
    hasDue: (ds) =>
      ds.destinations.some(
        (x) =>
          x.enabled &&
          due.has(keyOf({ dataset: ds.dataset, remoteHost: x.remoteHost, remoteDataset: x.remoteDataset })),
      ),
  }
}

/** A frozen destination keeps the time it was first found frozen (the same way). */
const sinceOf = (previous: Check | undefined, tag: 'Diverged' | 'Frozen', at: number): number =>
  previous?._tag === tag ? previous.at : at

/** Why a destination is frozen, with what the operator can do. */
export const frozenText = (
  d: Destination,
  v: Extract<ArrivalCheck.Verdict, { readonly _tag: 'Diverged' | 'NoCommon' }>,
): string =>
  v._tag === 'Diverged'
    ? `${target(d)} DIVERGED: ${d.remoteDataset}@${v.snapshot} there is not ${d.dataset}@${v.snapshot} (guid ${v.destination} there, ${v.source} here), so no incremental can land; never used as a base. Frozen: an operator must act (destroy the diverged snapshots there, or send in full)`
    : `${target(d)} FROZEN: it has no snapshot in common with ${d.dataset} (${v.destinationSnapshots} snapshot(s) there), so no incremental can be sent. An operator must act (send in full, or restore a common snapshot)`
