/**
 * @zfs-autobackup/core: pure decisions. From `now`, a zone, the policy and the observed state of one
 * dataset to a plan of actions with reasons. No I/O, no clock, no randomness.
 *
 * @since 0.1.0
 */
export { applyPlan } from './ApplyPlan.js'
export * as BaseTag from './BaseTag.js'
export * as Explain from './Explain.js'
export * as NextDue from './NextDue.js'
export type * from './Observation.js'
export type * from './Plan.js'
export * from './Planner.js'
export type * from './Policy.js'
export * as Replication from './Replication.js'
export * as Schedule from './Schedule.js'
export * as SnapshotName from './SnapshotName.js'
export * as SnapshotType from './SnapshotType.js'
export * as SyncDecision from './SyncDecision.js'
export * as SyncHold from './SyncHold.js'
export * as TargetRetention from './TargetRetention.js'
export * as TreeMember from './TreeMember.js'
