/**
 * The reason of an action, as the tail of the daemon's log line (`created @x (hourly): <reason>`). Create
 * reasons come from the core's `Explain`; the others carry their evidence in the action itself.
 *
 * @since 0.1.0
 */
import { type Action, Explain } from '@zfs-autobackup/core'

export const render = (a: Action): string => {
  switch (a._tag) {
    case 'CreateSnapshot':
      return Explain.createReason(a.reason)
    case 'DestroySnapshot':
      return `beyond the newest ${a.reason.count} ${a.reason.type} (rank ${a.reason.rank})`
    case 'ReleaseHold':
      return `superseded by ${a.reason.newer} on ${a.reason.newerOn}`
    case 'StartSync':
      return a.reason._tag === 'NeverSynced'
        ? 'never synced'
        : `${Math.round(a.reason.elapsedSeconds / 60)} min since the last sync (${a.reason.lastSync})`
  }
}
