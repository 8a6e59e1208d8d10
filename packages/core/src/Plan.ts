/**
 * A plan: what to do for one dataset, and what not to do, each with its reason. Reasons are typed values
 * carrying their evidence; `Explain.ts` renders them as text for logs and the `plan` command.
 *
 * @since 0.1.0
 */
import type { SnapshotType } from './SnapshotType.js'

// -------------------------------------------------------------------------------------
// reasons
// -------------------------------------------------------------------------------------

/** Why a snapshot is created. */
export type CreateReason =
  | { readonly _tag: 'FirstSnapshot' }
  /** The newest of our snapshots (`since`) lies before the calendar boundary of `type` in the zone. */
  | { readonly _tag: 'BoundaryCrossed'; readonly type: SnapshotType; readonly since: string }
  /** `backup_interval` elapsed since `since`. */
  | { readonly _tag: 'IntervalElapsed'; readonly since: string; readonly elapsedSeconds: number }

/** Why no snapshot is created this cycle. */
export type NoSnapshotReason =
  | { readonly _tag: 'OutsideWindow'; readonly localTime: string }
  | { readonly _tag: 'AllTypesDisabled' }
  | { readonly _tag: 'NotDue'; readonly since: string; readonly elapsedSeconds: number }
  /** The clock is behind the time in the newest snapshot's name (core-decisions.md §3). */
  | { readonly _tag: 'ClockBehind'; readonly newest: string }
  /** The computed name already exists (two runs in one minute, clock stepped back). */
  | { readonly _tag: 'NameExists'; readonly name: string }
  /** The configured zone is not a valid IANA zone: the plan does nothing at all (added in 0.1.0). */
  | { readonly _tag: 'InvalidZone'; readonly zone: string }

/** Why a snapshot is kept. A snapshot may have several reasons; all are reported. */
export type KeepReason =
  | { readonly _tag: 'NotOurs' }
  | {
      readonly _tag: 'AmongNewest'
      readonly type: SnapshotType
      readonly rank: number
      readonly count: number
    }
  | { readonly _tag: 'Held'; readonly tags: ReadonlyArray<string> }
  | { readonly _tag: 'InFlight'; readonly taskIds: ReadonlyArray<string> }
  | { readonly _tag: 'NewestOfDataset' }
  | { readonly _tag: 'HoldsUnknown'; readonly why: string }
  /**
   * The replication base of a destination (core-decisions.md §15): observed with its base hold, or about to get
   * it in this plan. Named explicitly although a hold protects it already (added in 0.2.0).
   */
  | { readonly _tag: 'ReplicationBase'; readonly remoteHost: string; readonly remoteDataset: string }
  /**
   * On a backup host (`TargetRetention`): its newest snapshot that the source also lists, where the API
   * starts the next incremental (added in 0.2.0).
   */
  | { readonly _tag: 'NewestCommon' }
  /**
   * On a backup host (`TargetRetention`): named more than `backup_interval` after now (core-decisions.md §3 as
   * amended); never destroyed there, whatever its rank (added in 0.2.0).
   */
  | { readonly _tag: 'FromTheFuture'; readonly aheadSeconds: number }

/** Why a snapshot is destroyed. */
export type DestroyReason = {
  readonly _tag: 'BeyondRetention'
  readonly type: SnapshotType
  /** 1 = newest of its type. */
  readonly rank: number
  readonly count: number
}

/** Why a sync is started. */
export type SyncReason =
  | { readonly _tag: 'NeverSynced' }
  | { readonly _tag: 'IntervalElapsed'; readonly lastSync: string; readonly elapsedSeconds: number }

/** Why a sync is not started. */
export type NoSyncReason =
  | { readonly _tag: 'RemoteSyncDisabled' }
  | { readonly _tag: 'DestinationDisabled' }
  | { readonly _tag: 'OutsideWindow'; readonly localTime: string }
  | { readonly _tag: 'NotDue'; readonly lastSync: string; readonly dueAt: number }
  | { readonly _tag: 'InFlight'; readonly taskId: string }
  | { readonly _tag: 'NoSnapshot' }
  | { readonly _tag: 'BackingOff'; readonly failures: number; readonly until: number }
  /** The hold listing failed, so the last sync time is unknown (added in 0.1.0). */
  | { readonly _tag: 'HoldsUnknown'; readonly why: string }

/**
 * Why a name is ignored for what is due: it lies more than `backup_interval` after now, so it is *from the
 * future* (a clock that jumped forward and was corrected, or a hand-made name; core-decisions.md §3, §7 as
 * amended). Retention still counts such a snapshot by its list position; hold hygiene ranks such a tag
 * below every other tag of its host. `aheadSeconds` is how far after now the name lies.
 */
export type FutureReason =
  | { readonly _tag: 'FutureSnapshot'; readonly snapshot: string; readonly aheadSeconds: number }
  | {
      readonly _tag: 'FutureSyncTag'
      readonly snapshot: string
      readonly tag: string
      readonly aheadSeconds: number
    }

/** Why a hold is released. */
export type ReleaseReason =
  | {
      readonly _tag: 'SupersededSyncHold'
      readonly newer: string
      readonly newerOn: string
    }
  /**
   * The destination's base hold moved on to `to` (core-decisions.md §15, added in 0.2.0). The runner releases it
   * only after this plan's hold of the same tag succeeded, so the destination never has no base.
   */
  | {
      readonly _tag: 'BaseMoved'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly to: string
    }

/** Why the daemon places its base hold on a snapshot (core-decisions.md §15, added in 0.2.0). */
export type HoldReason =
  /** The destination had no base hold yet: it starts where the host's `sync_*` hold is (an upgrade). */
  | { readonly _tag: 'SeedFromSyncHold'; readonly syncTag: string }
  /** No destination API: the migration sent this snapshot; earlier bases sent lately stay too. */
  | { readonly _tag: 'Sent' }
  /** The destination API listed it as the destination's newest common snapshot, same guid both ends. */
  | { readonly _tag: 'Arrived'; readonly guid: string }

/** Why arrival evidence from the runner did not move a base (added in 0.2.0). */
export type StaleEvidenceReason =
  /** The snapshot is no longer listed on the source. */
  | { readonly _tag: 'NotListed' }
  /** The snapshot lies before the destination's base: a base only moves forward. */
  | { readonly _tag: 'BehindBase'; readonly base: string }

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Action =
  | {
      readonly _tag: 'CreateSnapshot'
      readonly dataset: string
      readonly snapshot: string
      readonly type: SnapshotType
      readonly recursive: boolean
      readonly reason: CreateReason
    }
  | {
      readonly _tag: 'DestroySnapshot'
      readonly dataset: string
      readonly snapshot: string
      readonly reason: DestroyReason
    }
  | {
      readonly _tag: 'StartSync'
      readonly dataset: string
      /** Short name of the snapshot to send (the newest after this plan's creation). */
      readonly snapshot: string
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly reason: SyncReason
      /**
       * A tree's root (`recursive: true`): the API's recursive migration, `zfs send -R -I`, carries every
       * descendant (added in 0.2.0). Absent: false.
       */
      readonly recursive?: boolean
    }
  | {
      readonly _tag: 'HoldSnapshot'
      readonly dataset: string
      readonly snapshot: string
      readonly tag: string
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly reason: HoldReason
      /**
       * A tree's root: `zfs hold -r`, so the base name is held on every descendant that has it (the tree
       * is sent with `-R`, each descendant from the same base name; added in 0.2.0). Absent: false.
       */
      readonly recursive?: boolean
    }
  | {
      readonly _tag: 'ReleaseHold'
      readonly dataset: string
      readonly snapshot: string
      readonly tag: string
      readonly reason: ReleaseReason
      /** A tree root's base hold: `zfs release -r`, as it was placed (added in 0.2.0). Absent: false. */
      readonly recursive?: boolean
    }

/** A decision not to act (or to keep), with its reason. */
export type Decision =
  | { readonly _tag: 'NoSnapshot'; readonly reason: NoSnapshotReason }
  | { readonly _tag: 'Keep'; readonly snapshot: string; readonly reasons: ReadonlyArray<KeepReason> }
  | {
      readonly _tag: 'NoSync'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly reason: NoSyncReason
    }
  | {
      readonly _tag: 'StaleEvidence'
      readonly remoteHost: string
      readonly remoteDataset: string
      readonly snapshot: string
      readonly reason: StaleEvidenceReason
    }
  /** A snapshot name or sync tag from the future, left out of what is due (added in 0.2.0). */
  | { readonly _tag: 'FromTheFuture'; readonly reason: FutureReason }

/**
 * The plan for one dataset. The runner carries out `actions` in this order: create, hold, release,
 * destroy, sync (core-decisions.md §5: releases before destroys; the sync names the snapshot created first;
 * §15: a destination's new base hold is placed before its old one is released, and a release of a base
 * tag is skipped when this plan's hold of that tag failed).
 */
export interface Plan {
  readonly dataset: string
  readonly actions: ReadonlyArray<Action>
  readonly decisions: ReadonlyArray<Decision>
}

/**
 * A destroy on a backup host (`TargetRetention`, added in 0.2.0): a type of its own, not an `Action`, so
 * that it can never be carried out on the source (a remote dataset often has the local dataset's name).
 */
export interface TargetDestroy {
  readonly _tag: 'DestroyTargetSnapshot'
  readonly remoteHost: string
  /** The dataset on the backup host. */
  readonly remoteDataset: string
  readonly snapshot: string
  readonly reason: DestroyReason
}

/** Retention on one destination's backup host: what to destroy there and what to keep, each with its reason. */
export interface TargetPlan {
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly destroy: ReadonlyArray<TargetDestroy>
  /** One `Keep` per snapshot of the backup host not destroyed, in list order. */
  readonly keep: ReadonlyArray<Extract<Decision, { readonly _tag: 'Keep' }>>
}
