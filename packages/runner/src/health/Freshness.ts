/**
 * Freshness: whether what the policy says is due is happening, judged from one observation of a dataset
 * (core-decisions.md §16). Pure, so the daemon (which feeds `Troubles`) and `status` judge alike.
 *
 * - **stale-snapshots**: no snapshot of ours for more than the expected gap (`backup_interval` when
 *   `frequent` is kept, else the period of the lowest kept type) past the instant the next one was due
 *   after the newest that is not from the future — that instant from the core (`NextDue` of the newest
 *   alone: interval, calendar boundary, and the snapshot window's opening, so a night with the window
 *   closed gives the daemon its time).
 * - **sync-lag**: a destination's lag (now − its last sync that is not from the future) is more than twice
 *   `remote_sync.interval`. Raised only while the sync window is open; it clears only when the lag is back
 *   under the bound (or the destination is disabled), so a nightly window does not make it flap.
 * - **clock-fault**: snapshots of ours or sync tags from the future (more than `backup_interval` after
 *   now, §3/§7 as amended), or a clock behind the newest snapshot of ours.
 *
 * @since 0.2.0
 */
import {
  type DatasetObservation,
  type DatasetPolicy,
  NextDue,
  type Policy,
  type Replication,
  Schedule,
} from '@zfs-autobackup/core'
import { DateTime } from 'luxon'
import * as Names from '../daemon/Names.js'
import * as Progress from '../daemon/ProgressText.js'
import type { Kind } from './Troubles.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Verdict =
  | { readonly _tag: 'Bad'; readonly why: string }
  | { readonly _tag: 'Ok' }
  /** Cannot judge now (window closed, holds unknown): whatever was raised stays. */
  | { readonly _tag: 'Unknown' }

export interface Judgement {
  readonly kind: Kind
  readonly subject: string
  readonly verdict: Verdict
}

export interface Input {
  readonly now: number
  readonly zone: string
  readonly policy: Policy
  readonly dataset: DatasetPolicy
  readonly observed: DatasetObservation
  /**
   * The core's replication model of the same observation (`replicationOf`; `undefined` when holds are
   * unknown). The caller has it already for its metrics or report, so it is passed, not computed again.
   */
  readonly replication: ReadonlyArray<Replication.DestinationState> | undefined
}

/** The subject of a destination's troubles. */
export const destinationSubject = (
  dataset: string,
  d: { readonly remoteHost: string; readonly remoteDataset: string },
): string => `${dataset} → ${d.remoteHost}:${d.remoteDataset}`

// -------------------------------------------------------------------------------------
// judging
// -------------------------------------------------------------------------------------

const periodSeconds = {
  hourly: 3600,
  daily: 86400,
  weekly: 7 * 86400,
  monthly: 31 * 86400,
  yearly: 366 * 86400,
}

/** The time expected between two snapshots of ours, in seconds; `undefined` when none are taken. */
export const expectedGapSeconds = (policy: Policy): number | undefined => {
  const r = policy.retention
  if (r.frequent > 0) return policy.backupIntervalSeconds
  for (const t of ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const)
    if (r[t] > 0) return periodSeconds[t]
  return undefined
}

const open = (window: Policy['snapshotWindow'], zone: string, at: number): boolean => {
  const l = DateTime.fromMillis(at, { zone })
  return l.isValid && Schedule.isOpen(window, { weekdayIndex: l.weekday - 1, hour: l.hour })
}

const ago = (s: number) => Progress.duration(s)
const ok: Verdict = { _tag: 'Ok' }
const unknown: Verdict = { _tag: 'Unknown' }
const bad = (why: string): Verdict => ({ _tag: 'Bad', why })

/** Every judgement about one dataset and its destinations. */
export const judge = (i: Input): ReadonlyArray<Judgement> => {
  const { now, policy, observed } = i
  const dataset = i.dataset.dataset
  const futureAfter = now + policy.backupIntervalSeconds * 1000
  const out: Judgement[] = []

  // stale-snapshots
  const newest = Names.newestOurs(observed.snapshots, futureAfter)
  const gap = expectedGapSeconds(policy)
  const staleness = (): Verdict => {
    if (gap === undefined || newest.at === undefined || newest.name === undefined) return ok
    // When the next snapshot was due after the newest, by the schedule alone (its own state, nothing else).
    const due = NextDue.nextDue({
      now: newest.at,
      zone: i.zone,
      policy,
      dataset: { ...i.dataset, destinations: [] },
      observed: {
        snapshots: [newest.name],
        holds: { _tag: 'Known', bySnapshot: new Map() },
        inFlight: [],
        failures: [],
      },
    }).at
    if (now - due <= gap * 1000) return ok
    const age = (now - newest.at) / 1000
    return bad(`newest snapshot of ours is ${ago(age)} old, expected every ${ago(gap)}`)
  }
  out.push({ kind: 'stale-snapshots', subject: dataset, verdict: staleness() })

  // clock-fault
  // The core's replication model reads the sync tags (one parser): undefined when holds are unknown.
  const { replication } = i
  const hosts = new Map((replication ?? []).flatMap((r) => (r.host ? [[r.host.host, r.host] as const] : [])))
  let futureTags = 0
  for (const h of hosts.values()) for (const p of h.points) if (p.at > futureAfter) futureTags++
  const ahead = newest.at !== undefined && newest.at > now ? newest.at - now : 0
  const faults: string[] = []
  if (newest.future > 0)
    faults.push(
      `${newest.future} snapshot(s) of ours named more than backup_interval after now (ignored for what is due)`,
    )
  if (futureTags > 0)
    faults.push(`${futureTags} sync tag(s) more than backup_interval after now (not counted as syncs)`)
  if (ahead > 0) faults.push(`the clock is ${ago(ahead / 1000)} behind the newest snapshot of ours`)
  out.push({
    kind: 'clock-fault',
    subject: dataset,
    verdict: faults.length > 0 ? bad(faults.join('; ')) : ok,
  })

  // sync-lag
  const interval = policy.remoteSync.intervalSeconds
  for (const d of i.dataset.destinations) {
    const subject = destinationSubject(dataset, d)
    const verdict = ((): Verdict => {
      if (!policy.remoteSync.enabled || !d.enabled) return ok
      if (replication === undefined) return unknown
      const last = replication.find(
        (r) => r.remoteHost === d.remoteHost && r.remoteDataset === d.remoteDataset,
      )?.lastSync
      if (last === undefined) return unknown // never synced: `status` says so; a first sync may be running
      const lag = (now - last.at) / 1000
      if (lag <= 2 * interval) return ok
      if (!open(policy.remoteSync.window, i.zone, now)) return unknown
      return bad(`last sync ${ago(lag)} ago (${last.label}), expected every ${ago(interval)}`)
    })()
    out.push({ kind: 'sync-lag', subject, verdict })
  }
  return out
}
