/**
 * Reading times out of names, for logs and metrics only (the core decides from its own parsers):
 * our snapshots `<type>_backup_YYYY-MM-DD-HH-MM` (UTC) and sync hold tags `sync_YYYY-MM-DD-HH-MM-SS_<host>`
 * (local time of the API host, decisions.md §6).
 *
 * @since 0.1.0
 */
import { DateTime } from 'luxon'

const OURS = /^(frequent|hourly|daily|weekly|monthly|yearly)_backup_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/

/** Epoch ms in the name of one of our snapshots; `undefined` for any other name. */
export const ourSnapshotTime = (name: string): number | undefined => {
  const m = OURS.exec(name)
  if (m === null) return undefined
  const [, , y, mo, d, h, mi] = m.map(Number)
  const t = Date.UTC(y!, mo! - 1, d!, h!, mi!)
  return Number.isNaN(t) ? undefined : t
}

/** The host of a sync tag: everything after the second `_`; `undefined` when not a sync tag. */
export const syncTagHost = (tag: string): string | undefined => {
  if (!tag.startsWith('sync_')) return undefined
  const second = tag.indexOf('_', 5)
  return second < 0 ? undefined : tag.slice(second + 1)
}

/** Epoch ms of a sync tag's timestamp read in `zone` (earlier instant when ambiguous); `undefined` if unparsable. */
export const syncTagTime = (tag: string, zone: string): number | undefined => {
  if (syncTagHost(tag) === undefined) return undefined
  const stamp = tag.slice(5, tag.indexOf('_', 5))
  for (const format of ['yyyy-MM-dd-HH-mm-ss', 'yyyy-MM-dd-HH-mm']) {
    const t = DateTime.fromFormat(stamp, format, { zone })
    if (t.isValid) return t.toMillis()
  }
  return undefined
}

/** Newest sync point of `host` among the holds: the snapshot, its tag and the tag's time. */
export const lastSyncOf = (
  snapshots: ReadonlyArray<string>,
  holds: ReadonlyMap<string, ReadonlyArray<string>>,
  host: string,
  zone: string,
): { readonly snapshot: string; readonly tag: string; readonly at: number } | undefined => {
  let best: { snapshot: string; tag: string; at: number } | undefined
  for (const snapshot of snapshots) {
    for (const tag of holds.get(snapshot) ?? []) {
      if (syncTagHost(tag) !== host) continue
      const at = syncTagTime(tag, zone)
      if (at !== undefined && (best === undefined || at >= best.at)) best = { snapshot, tag, at }
    }
  }
  return best
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
