/**
 * The sync holds a push migration leaves behind (contract §3.6): `sync_<local YYYY-MM-DD-HH-MM-SS>_<host>`
 * on `<ds>@<to>` on both sides, then the host's older sync holds released, quirks included: tags are
 * matched by `split('_')[2] === host` (hosts with `_` never match) and only one tag per snapshot is considered.
 *
 * @since 0.1.0
 */
import type { ZfsHost } from './ZfsHost.js'

export const syncTag = (localTime: string, host: string): string => `sync_${localTime}_${host}`

const isSyncOf = (tag: string, host: string): boolean => {
  const parts = tag.split('_')
  return parts[0] === 'sync' && parts[2] === host
}

/** Places `tag` on `ds@snap` (failures only logged by the real script) and releases older sync holds of `host`. */
export const holdAndCleanup = (zfs: ZfsHost, ds: string, snap: string, tag: string, host: string): void => {
  zfs.hold(ds, snap, tag, false)
  cleanup(zfs, ds, host)
}

/** Keeps the newest snapshot carrying a sync tag of `host`; releases one such tag on each older snapshot. */
export const cleanup = (zfs: ZfsHost, ds: string, host: string): void => {
  const marked = zfs.snapshots(ds).flatMap((s) => {
    const tag = zfs.holds(ds, s.name, false).find((t) => isSyncOf(t, host))
    return tag === undefined ? [] : [{ snap: s.name, tag }]
  })
  for (const m of marked.slice(0, -1)) zfs.release(ds, m.snap, m.tag, false)
}
