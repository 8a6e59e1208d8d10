/**
 * What changed between two configs, for hot reload: dataset changes apply live, every other setting
 * (policy, zone, API, metrics, logging) needs a restart (or SIGHUP). Pure.
 *
 * @since 0.1.0
 */
import type { DatasetPolicy } from '@zfs-autobackup/core'
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from './Config.js'
import type { ConfigErrors } from './ConfigError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface ConfigDiff {
  readonly added: ReadonlyArray<DatasetPolicy>
  readonly removed: ReadonlyArray<DatasetPolicy>
  /** Same dataset name, different `recursive` or destinations: `[old, new]`. */
  readonly changed: ReadonlyArray<readonly [DatasetPolicy, DatasetPolicy]>
  /** Setting paths in YAML terms (`server.retention`, `zfs_api.url`, …) whose change needs a restart. */
  readonly needsRestart: ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Structural equality for plain decoded data (records, arrays, primitives). */
const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return (
    ka.length === kb.length &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  )
}

/** Each server-side setting and how to read it, named as in the YAML. */
const serverSettings: ReadonlyArray<readonly [string, (c: Config) => unknown]> = [
  ['server.backup_interval', (c) => c.policy.backupIntervalSeconds],
  ['server.schedule', (c) => c.policy.snapshotWindow],
  ['server.retention', (c) => c.policy.retention],
  ['server.remote_sync', (c) => c.policy.remoteSync],
  ['server.timezone', (c) => c.timezone],
  ['server.hold_rescan_interval', (c) => c.holdRescanIntervalSeconds],
  ['server.max_sleep', (c) => c.maxSleepSeconds],
  ['server.metrics', (c) => c.metrics],
  ['server.log', (c) => c.log],
  ['zfs_api', (c) => c.zfsApi],
  ['destinations[].api', (c) => c.destinationApis.map(({ targetRetention: _, ...api }) => api)],
  [
    'destinations[].target_retention',
    (c) =>
      c.destinationApis.flatMap((x) =>
        x.targetRetention === undefined ? [] : [[x.remoteHost, x.remoteDataset, x.targetRetention]],
      ),
  ],
]

// -------------------------------------------------------------------------------------
// diff
// -------------------------------------------------------------------------------------

export const diffConfig = (previous: Config, next: Config): ConfigDiff => {
  const before = new Map(previous.datasets.map((d) => [d.dataset, d]))
  const after = new Map(next.datasets.map((d) => [d.dataset, d]))
  return {
    added: next.datasets.filter((d) => !before.has(d.dataset)),
    removed: previous.datasets.filter((d) => !after.has(d.dataset)),
    changed: next.datasets.flatMap((d): ReadonlyArray<readonly [DatasetPolicy, DatasetPolicy]> => {
      const old = before.get(d.dataset)
      return old !== undefined && !same(old, d) ? [[old, d]] : []
    }),
    needsRestart: serverSettings.filter(([, get]) => !same(get(previous), get(next))).map(([name]) => name),
  }
}

export const isEmpty = (d: ConfigDiff): boolean =>
  d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0 && d.needsRestart.length === 0

/**
 * The config to run after a live reload: the new datasets (in the new file's order) under the old server
 * settings, taken as one value so a cycle never sees half of each.
 */
export const applyLive = (previous: Config, next: Config): Config => ({
  ...previous,
  datasets: next.datasets,
  warnings: next.warnings,
})

// -------------------------------------------------------------------------------------
// reload
// -------------------------------------------------------------------------------------

export type ReloadOutcome =
  /** The file is broken: keep running `current` and log the errors. */
  | { readonly _tag: 'Rejected'; readonly errors: ConfigErrors; readonly config: Config }
  /** Nothing that matters changed (warnings aside). */
  | { readonly _tag: 'Unchanged'; readonly config: Config }
  /** Dataset changes applied; `diff.needsRestart` lists ignored server settings to log. */
  | { readonly _tag: 'Applied'; readonly config: Config; readonly diff: ConfigDiff }

/**
 * The periodic reload's decision: a Left never replaces the running config, and a Right only
 * replaces its datasets (server settings wait for a restart or SIGHUP, which loads the file afresh).
 */
export const decideReload = (current: Config, loaded: E.Either<ConfigErrors, Config>): ReloadOutcome => {
  if (E.isLeft(loaded)) return { _tag: 'Rejected', errors: loaded.left, config: current }
  const diff = diffConfig(current, loaded.right)
  return isEmpty(diff)
    ? { _tag: 'Unchanged', config: current }
    : { _tag: 'Applied', config: applyLive(current, loaded.right), diff }
}
