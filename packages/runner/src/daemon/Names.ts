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

/** Newest of our snapshots by the time in its name. */
export const lastSnapshotTime = (snapshots: ReadonlyArray<string>): number | undefined => {
  let best: number | undefined
  for (const s of snapshots) {
    const t = ourSnapshotTime(s)
    if (t !== undefined && (best === undefined || t > best)) best = t
  }
  return best
}
