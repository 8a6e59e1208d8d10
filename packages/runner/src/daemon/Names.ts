/**
 * Times read out of our snapshot names `<type>_backup_YYYY-MM-DD-HH-MM` (UTC, through the core's parser),
 * for logs and metrics. Sync hold tags and everything derived from them (last sync, base) are the core's
 * (`Replication`, `SyncHold`): one parser per name format.
 *
 * @since 0.1.0
 */
import { SnapshotName } from '@zfs-autobackup/core'

/** Epoch ms in the name of one of our snapshots; `undefined` for any other name. */
export const ourSnapshotTime = (name: string): number | undefined => SnapshotName.parseOrUndefined(name)?.at

/**
 * Newest of our snapshots by the time in its name, leaving out names after `notAfter` (from the future,
 * core-decisions.md §3 as amended), and how many were left out.
 */
export const lastSnapshotTime = (
  snapshots: ReadonlyArray<string>,
  notAfter: number = Number.POSITIVE_INFINITY,
): number | undefined => newestOurs(snapshots, notAfter).at

/** `lastSnapshotTime` and the count of our names after `notAfter`. */
export const newestOurs = (
  snapshots: ReadonlyArray<string>,
  notAfter: number,
): { readonly at: number | undefined; readonly name: string | undefined; readonly future: number } => {
  let best: number | undefined
  let name: string | undefined
  let future = 0
  for (const s of snapshots) {
    const t = ourSnapshotTime(s)
    if (t === undefined) continue
    if (t > notAfter) future++
    else if (best === undefined || t > best) {
      best = t
      name = s
    }
  }
  return { at: best, name, future }
}
