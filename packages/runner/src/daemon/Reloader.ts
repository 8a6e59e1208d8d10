/**
 * The daemon's config source: re-reads the file and classifies the change with `diffConfig`. A file that
 * fails to read or validate leaves the running config untouched (never a half-applied config); a live
 * reload takes only the datasets (`applyLive`), a full one (SIGHUP) takes everything.
 *
 * @since 0.1.0
 */
import { stat } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../config/Config.js'
import * as CE from '../config/ConfigError.js'
import { loadConfig, zoneFrom } from '../config/ConfigSource.js'
import { applyLive, diffConfig, isEmpty } from '../config/Diff.js'
import { settingsOf } from './Cycle.js'
import type { Reload } from './LiveSettings.js'

/** Settings that only a rebuild of the client, status server or logger applies. */
const REBUILD = [
  'zfs_api',
  'destinations[].api',
  'server.metrics',
  'server.log',
  'server.hold_rescan_interval',
  'server.max_sleep',
]

/** What identifies a version of the file without reading it. */
const fingerprint = async (path: string): Promise<string | undefined> =>
  stat(path).then(
    (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
    () => undefined,
  )

export const make = (
  path: string,
  current: () => Config,
  commit: (c: Config) => void,
  env: Readonly<Record<string, string | undefined>> = {},
) => {
  /** The file as last read: the 60 s re-read skips parsing while it has not changed (SIGHUP always reads). */
  let seen: string | undefined
  return async (full: boolean): Promise<Reload> => {
    const before = await fingerprint(path)
    if (!full && before !== undefined && before === seen) return { _tag: 'Unchanged' }
    seen = before
    const loaded = await loadConfig(path, zoneFrom(env))
    if (E.isLeft(loaded)) {
      const errors = loaded.left
      const shown = errors.slice(0, 5).map(CE.format).join('; ')
      return {
        _tag: 'Invalid',
        why: `${path}: ${shown}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
      }
    }
    const previous = current()
    const diff = diffConfig(previous, loaded.right)
    if (isEmpty(diff)) return { _tag: 'Unchanged' }
    const next = full ? loaded.right : applyLive(previous, loaded.right)
    commit(next)
    return {
      _tag: 'Changed',
      settings: settingsOf(next),
      datasetChanges: [
        ...diff.added.map((d) => `added ${d.dataset}`),
        ...diff.removed.map((d) => `removed ${d.dataset}`),
        ...diff.changed.map(([, d]) => `changed ${d.dataset}`),
      ],
      serverChanges: diff.needsRestart,
      restartChanges: diff.needsRestart.filter((n) => REBUILD.includes(n)),
    }
  }
}
