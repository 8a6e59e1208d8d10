/**
 * Times read out of names, for logs and metrics only (the core decides from its own parsers): our
 * snapshots `<type>_backup_YYYY-MM-DD-HH-MM` (UTC, through the core's parser) and sync hold tags
 * `sync_YYYY-MM-DD-HH-MM-SS_<host>` (local time of the API host, decisions.md §6; the older form without
 * seconds is accepted too).
 *
 * @since 0.1.0
 */
import { SnapshotName } from '@zfs-autobackup/core'
import { DateTime } from 'luxon'

/** Epoch ms in the name of one of our snapshots; `undefined` for any other name. */
export const ourSnapshotTime = (name: string): number | undefined => SnapshotName.parseOrUndefined(name)?.at

/** The host of a sync tag (everything after the second `_`); `undefined` when not a sync tag. */
export const syncTagHost = (tag: string): string | undefined => {
  if (!tag.startsWith('sync_')) return undefined
  const end = tag.indexOf('_', 5)
  return end < 0 || end === tag.length - 1 ? undefined : tag.slice(end + 1)
}

const STAMP = /^\d{4}-\d\d-\d\d-\d\d-\d\d(-\d\d)?$/

/** Epoch ms of a sync tag's local timestamp in `zone`; `undefined` when unparsable. */
export const syncTagTime = (tag: string, zone: string): number | undefined => {
  if (syncTagHost(tag) === undefined) return undefined
  const stamp = tag.slice(5, tag.indexOf('_', 5))
  if (!STAMP.test(stamp)) return undefined
  const t = DateTime.fromFormat(stamp, stamp.length === 19 ? 'yyyy-MM-dd-HH-mm-ss' : 'yyyy-MM-dd-HH-mm', {
    zone,
  })
  return t.isValid ? t.toMillis() : undefined
}

/**
 * Newest sync point of `host` among the holds: newest timestamp, ties to the later snapshot in list order,
 * then the larger tag text (decisions.md §11).
 */
export const lastSyncOf = (
  snapshots: ReadonlyArray<string>,
  holds: ReadonlyMap<string, ReadonlyArray<string>>,
  host: string,
  zone: string,
  /** Tags after this instant are from the future (decisions.md §7 as amended) and skipped. */
  notAfter: number = Number.POSITIVE_INFINITY,
): { readonly snapshot: string; readonly tag: string; readonly at: number } | undefined => {
  let best: { snapshot: string; tag: string; at: number; index: number } | undefined
  snapshots.forEach((snapshot, index) => {
    for (const tag of holds.get(snapshot) ?? []) {
      if (syncTagHost(tag) !== host) continue
      const at = syncTagTime(tag, zone)
      if (at === undefined || at > notAfter) continue
      const newer =
        best === undefined ||
        at > best.at ||
        (at === best.at && (index > best.index || (index === best.index && tag > best.tag)))
      if (newer) best = { snapshot, tag, at, index }
    }
  })
  return best === undefined ? undefined : { snapshot: best.snapshot, tag: best.tag, at: best.at }
}

/**
 * Newest of our snapshots by the time in its name, leaving out names after `notAfter` (from the future,
 * decisions.md §3 as amended), and how many were left out.
 */
export const lastSnapshotTime = (
  snapshots: ReadonlyArray<string>,
  notAfter: number = Number.POSITIVE_INFINITY,
): number | undefined => newestOurs(snapshots, notAfter).at

/** `lastSnapshotTime` and the count of our names after `notAfter`. */
export const newestOurs = (
  snapshots: ReadonlyArray<string>,
  notAfter: number,
): { readonly at: number | undefined; readonly future: number } => {
  let best: number | undefined
  let future = 0
  for (const s of snapshots) {
    const t = ourSnapshotTime(s)
    if (t === undefined) continue
    if (t > notAfter) future++
    else if (best === undefined || t > best) best = t
  }
  return { at: best, future }
}
