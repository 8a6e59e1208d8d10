/**
 * Names from the future (core-decisions.md §3, §7 as amended): a snapshot of ours named, or a sync tag stamped,
 * more than `backup_interval` after now. A clock that jumped forward and was corrected leaves such names
 * behind, and so does a hand-made `daily_backup_2030-…`; read as the newest, they would stop snapshots and
 * syncs until their date. So they are ignored for what is due and reported in the plan, while retention
 * still counts such a snapshot by its list position. A smaller skew is an ordinary clock behind (§3).
 *
 * @since 0.2.0
 */
import type { FutureReason } from './Plan.js'
import type { Policy } from './Policy.js'
import type { ParsedList } from './SnapshotName.js'
import type { HostSyncState } from './SyncHold.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The last instant that is not from the future at `now`: names after it are (epoch ms). */
export const after = (policy: Pick<Policy, 'backupIntervalSeconds'>, now: number): number =>
  now + policy.backupIntervalSeconds * 1000

const aheadSeconds = (now: number, at: number): number => Math.floor((at - now) / 1000)

/**
 * One reason per snapshot of ours and per sync tag from the future, snapshots first, each in list order.
 * Cost: O(snapshots + sync tags).
 */
export const reasons = (
  now: number,
  futureAfter: number,
  snapshots: ReadonlyArray<string>,
  parsed: ParsedList,
  hosts: ReadonlyMap<string, HostSyncState>,
): ReadonlyArray<FutureReason> => {
  const out: FutureReason[] = []
  for (let i = 0; i < snapshots.length; i++) {
    const at = parsed.at[i]!
    if (at > futureAfter)
      out.push({ _tag: 'FutureSnapshot', snapshot: snapshots[i]!, aheadSeconds: aheadSeconds(now, at) })
  }
  for (const state of hosts.values())
    for (const p of state.points)
      if (p.at > futureAfter)
        out.push({
          _tag: 'FutureSyncTag',
          snapshot: p.snapshot,
          tag: p.tag,
          aheadSeconds: aheadSeconds(now, p.at),
        })
  return out
}
