/**
 * Hold hygiene (core-decisions.md §11): per host keep only the newest `sync_*` hold and release that host's older
 * ones, so old snapshots stop being pinned. Tags that do not parse as sync tags are never released.
 *
 * Guarantee: every release names a tag that parses as `sync_<time>_<host>`, was observed on that snapshot,
 * and is not the newest tag of its host. Holds `Unknown` → no release (the caller does not call this). The
 * daemon's own base tags (`BaseTag`, core-decisions.md §15) never parse as sync tags, so they are never
 * released here: only `Replication` moves them.
 *
 * @since 0.1.0
 */
import type { Action, ReleaseReason } from './Plan.js'
import type { HostSyncState } from './SyncHold.js'

export type Release = Extract<Action, { _tag: 'ReleaseHold' }> & {
  readonly reason: Extract<ReleaseReason, { _tag: 'SupersededSyncHold' }>
}

/** Releases of every superseded sync tag, host by host, in list order within a host. */
export const releases = (
  dataset: string,
  hosts: ReadonlyMap<string, HostSyncState>,
): ReadonlyArray<Release> => {
  const result: Release[] = []
  for (const state of hosts.values()) {
    const keep = state.newest
    const stale = state.points
      .filter((p) => p !== keep && !(p.tag === keep.tag && p.snapshot === keep.snapshot))
      .sort((a, b) => a.index - b.index || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    for (const p of stale) {
      result.push({
        _tag: 'ReleaseHold',
        dataset,
        snapshot: p.snapshot,
        tag: p.tag,
        reason: { _tag: 'SupersededSyncHold', newer: keep.tag, newerOn: keep.snapshot },
      })
    }
  }
  return result
}
