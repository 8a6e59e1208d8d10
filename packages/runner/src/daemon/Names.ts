/**
 * Times read out of names for logs and metrics, through the core's own parsers so the daemon reports what
 * the planner decides on: our snapshots `<type>_backup_YYYY-MM-DD-HH-MM` (UTC) and sync hold tags
 * `sync_YYYY-MM-DD-HH-MM-SS_<host>` (local time of the API host, decisions.md §6).
 *
 * @since 0.1.0
 */
import { SnapshotName, SyncHold } from '@zfs-autobackup/core'
import { IANAZone } from 'luxon'

/** Epoch ms in the name of one of our snapshots; `undefined` for any other name. */
export const ourSnapshotTime = (name: string): number | undefined => SnapshotName.parseOrUndefined(name)?.at

/** The host of a sync tag (everything after the second `_`); `undefined` when not a sync tag. */
export const syncTagHost = (tag: string): string | undefined => SyncHold.parseTag(tag)?.host

/** Newest sync point of `host` among the holds (decisions.md §7, §11): its snapshot, tag and instant. */
export const lastSyncOf = (
  snapshots: ReadonlyArray<string>,
  holds: ReadonlyMap<string, ReadonlyArray<string>>,
  host: string,
  zone: string,
): { readonly snapshot: string; readonly tag: string; readonly at: number } | undefined => {
  const iana = IANAZone.create(zone)
  if (!iana.isValid || holds.size === 0) return undefined
  const index = new Map(snapshots.map((s, i) => [s, i]))
  const newest = SyncHold.byHost(holds, (s) => index.get(s), iana).get(host)?.newest
  return newest === undefined ? undefined : { snapshot: newest.snapshot, tag: newest.tag, at: newest.at }
}

/** Newest of our snapshots by the time in its name. */
export const lastSnapshotTime = (snapshots: ReadonlyArray<string>): number | undefined => {
  let best: number | undefined
  for (const s of snapshots) {
    const t = ourSnapshotTime(s)
    if (t !== undefined && (best === undefined || t > best)) best = t
  }
  return best
}
