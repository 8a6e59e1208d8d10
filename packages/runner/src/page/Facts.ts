/**
 * The facts the status page is built from: per dataset what was observed and planned, per destination its
 * replication state, and what makes `/health` unhealthy. An interface of its own, so the page does not
 * depend on how the daemon learns these facts: `DaemonFacts.ts` fills it from the running daemon.
 *
 * @since 0.1.0
 */
import type { HoldsObservation, Plan, Policy, SnapshotType } from '@zfs-autobackup/core'
import type { MigrationProgress } from '@zfs-autobackup/zfs-rpc'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Something that makes `/health` unhealthy, in words, and since when (epoch ms). */
export interface Trouble {
  readonly why: string
  readonly since: number
  /** What it is about: a dataset, `dataset → host:remote_dataset`, a task id; absent: the daemon. */
  readonly subject?: string
}

/** Whether the destination is known to hold `base`. */
export type Arrival =
  | { readonly _tag: 'Verified' }
  /** `base` is believed to be there, without proof (`why` says what it rests on). */
  | { readonly _tag: 'NotVerified'; readonly why: string }

/** A migration in flight to the destination, with the last progress the API reported. */
export interface Transfer {
  readonly taskId: string
  readonly status: 'pending' | 'running'
  readonly progress: MigrationProgress | null
}

export interface DestinationFacts {
  readonly remoteHost: string
  readonly remoteDataset: string
  /** False when the destination or remote sync as a whole is disabled in the config. */
  readonly enabled: boolean
  /** The newest snapshot the destination has in common with us, and when it was synced (epoch ms). */
  readonly base: { readonly snapshot: string; readonly at: number } | undefined
  readonly arrival: Arrival
  /** The destination can no longer be synced incrementally (no common snapshot left). */
  readonly frozen: { readonly why: string; readonly since: number } | undefined
  /** Consecutive failed syncs and the end of the wait they impose. */
  readonly backOff:
    | { readonly failures: number; readonly lastFailureAt: number; readonly until: number }
    | undefined
  readonly transfer: Transfer | undefined
}

export interface DatasetFacts {
  readonly dataset: string
  /** When the last cycle read the dataset; undefined before the first. */
  readonly readAt: number | undefined
  /** Short names, oldest first, as last read. */
  readonly snapshots: ReadonlyArray<string>
  /** Undefined before the first read. */
  readonly holds: HoldsObservation | undefined
  /** Why the last cycle could not read or plan the dataset, and since when that has been so. */
  readonly error: Trouble | undefined
  /** The next cycle's plan and when that cycle is due (epoch ms). */
  readonly plan: { readonly at: number; readonly plan: Plan } | undefined
  /** The next snapshot the schedule will take; undefined when none is in sight. */
  readonly nextDue: { readonly at: number; readonly type: SnapshotType.SnapshotType } | undefined
  readonly destinations: ReadonlyArray<DestinationFacts>
}

export interface PageFacts {
  readonly now: number
  readonly zone: string
  readonly policy: Policy
  readonly startedAt: number
  readonly lastCycleAt: number | undefined
  /** `/health`'s status word (`ok` when nothing is wrong). */
  readonly health: string
  /** Exactly what makes `/health` unhealthy. */
  readonly troubles: ReadonlyArray<Trouble>
  readonly datasets: ReadonlyArray<DatasetFacts>
}
