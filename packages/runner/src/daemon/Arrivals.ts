/**
 * What the daemon learned about each destination when its migrations ended (core-decisions.md §15), kept until
 * the core has moved the base hold on it:
 * - `ArrivalEvidence` per destination (the newest only), handed to the core with each observation until
 *   the listed holds show it applied (`Replication.settled`). It lives in memory: after a restart it is
 *   gone and the base stays where it was, which is safe (the base only protects more).
 * - the outcome of the last arrival check per destination (`ArrivalVerifier`), for logs, status and
 *   metrics, and how a destination stands from it (`standingOf`, `verifiedSync`).
 *
 * Keyed by (local dataset, remote host, remote dataset): two destinations on one host are separate.
 *
 * @since 0.2.0
 */
import { type ArrivalEvidence, Replication } from '@zfs-autobackup/core'
import * as Names from './Names.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Destination {
  readonly dataset: string
  readonly remoteHost: string
  readonly remoteDataset: string
}

/** The last arrival check of a destination. */
export type Check =
  /** No destination API: the migration ended with a new sync hold on `snapshot`; arrival unknown. */
  | { readonly _tag: 'SentUnverified'; readonly snapshot: string; readonly at: number }
  /** The destination lists `snapshot` as its newest common snapshot, same guid on both ends. */
  | { readonly _tag: 'Verified'; readonly snapshot: string; readonly at: number }
  /** A snapshot of that name exists on both ends with different guids: never used as a base. */
  | { readonly _tag: 'Diverged'; readonly snapshot: string; readonly at: number }
  /** The destination has no snapshot in common with the source: incrementals cannot run. */
  | { readonly _tag: 'Frozen'; readonly at: number }
  /** The destination lists no snapshot: nothing has arrived there yet. */
  | { readonly _tag: 'Empty'; readonly at: number }

export interface Arrivals {
  readonly record: (dataset: string, evidence: ArrivalEvidence) => void
  /** Pending evidence of this dataset's destinations, for its observation. */
  readonly of: (dataset: string) => ReadonlyArray<ArrivalEvidence>
  /** Forgets evidence the observed holds show applied or that can never apply. */
  readonly settle: (
    dataset: string,
    snapshots: ReadonlyArray<string>,
    bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  ) => void
  readonly setCheck: (d: Destination, check: Check) => void
  readonly check: (d: Destination) => Check | undefined
}

/**
 * How a destination stands on arrival, from whether it has a backup-host API and its last check: the one
 * reading that metrics, troubles, logs and the status page share.
 */
export type Standing =
  /** No destination API: arrival cannot be verified (the base hold stays on the last two sent). */
  | { readonly _tag: 'NoApi' }
  /** An API, but no verdict yet (just started, or every check so far failed). */
  | { readonly _tag: 'Unchecked' }
  /** An API that lists no snapshot there: nothing has arrived yet. */
  | { readonly _tag: 'Empty' }
  /** The destination has `snapshot` (same guid on both ends), as checked at `at`. */
  | { readonly _tag: 'Verified'; readonly snapshot: string; readonly at: number }
  /** No incremental can run (no common snapshot, or a diverged one): an operator must act. */
  | { readonly _tag: 'Frozen'; readonly why: string; readonly since: number }

export const standingOf = (hasApi: boolean, check: Check | undefined): Standing => {
  if (!hasApi) return { _tag: 'NoApi' }
  switch (check?._tag) {
    case 'Verified':
      return { _tag: 'Verified', snapshot: check.snapshot, at: check.at }
    case 'Diverged':
      return {
        _tag: 'Frozen',
        why: `diverged: ${check.snapshot} has another guid on the destination, so no incremental can land`,
        since: check.at,
      }
    case 'Frozen':
      return { _tag: 'Frozen', why: 'no snapshot in common with the source', since: check.at }
    case 'Empty':
      return { _tag: 'Empty' }
    default:
      return { _tag: 'Unchecked' }
  }
}

/**
 * The verified last sync: the time in the name of the snapshot the destination verifiably has, when it is
 * one of ours and not later than `latest` (a name from the future is no last sync); else `undefined`.
 */
export const verifiedSync = (
  s: Standing,
  latest: number,
): { readonly snapshot: string; readonly at: number } | undefined => {
  if (s._tag !== 'Verified') return undefined
  const at = Names.ourSnapshotTime(s.snapshot)
  return at === undefined || at > latest ? undefined : { snapshot: s.snapshot, at }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const keyOf = (d: Destination): string => JSON.stringify([d.dataset, d.remoteHost, d.remoteDataset])

export const make = (): Arrivals => {
  const evidence = new Map<string, { readonly dataset: string; readonly ev: ArrivalEvidence }>()
  const checks = new Map<string, Check>()
  return {
    record: (dataset, ev) => void evidence.set(keyOf({ dataset, ...ev }), { dataset, ev }),
    of: (dataset) => [...evidence.values()].filter((v) => v.dataset === dataset).map((v) => v.ev),
    settle: (dataset, snapshots, bySnapshot) => {
      for (const [k, v] of evidence)
        if (v.dataset === dataset && Replication.settled(snapshots, bySnapshot, v.ev)) evidence.delete(k)
    },
    setCheck: (d, c) => void checks.set(keyOf(d), c),
    check: (d) => checks.get(keyOf(d)),
  }
}
