/**
 * The settings the loop plans with, and how a reload result changes them: dataset changes always apply;
 * server settings only on a full reload (SIGHUP), otherwise they are logged once as "needs restart"; a
 * broken file changes nothing and is logged once until it changes. Always one consistent value.
 *
 * @since 0.1.0
 */
import type { Capabilities } from './Capabilities.js'
import type { Settings } from './Cycle.js'
import type { HoldsCache } from './HoldsCache.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The result of asking the config source again. */
export type Reload =
  | { readonly _tag: 'Unchanged' }
  | { readonly _tag: 'Invalid'; readonly why: string }
  | {
      readonly _tag: 'Changed'
      readonly settings: Settings
      /** One line per dataset added/removed/changed. */
      readonly datasetChanges: ReadonlyArray<string>
      /** Server settings that differ (applied only on a full reload). */
      readonly serverChanges: ReadonlyArray<string>
      /** Among those, settings the loop cannot swap itself (API client, HTTP server, logger). */
      readonly restartChanges: ReadonlyArray<string>
    }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (caps: Pick<Capabilities, 'log' | 'metrics'>, initial: Settings, cache: HoldsCache) => {
  let settings = initial
  let lastInvalid: string | undefined
  let lastNeedsRestart: string | undefined

  /** Applies a reload result; returns the settings to restart with when only a rebuild can apply them. */
  const apply = (r: Reload, full: boolean): Settings | undefined => {
    if (r._tag === 'Unchanged') {
      lastInvalid = undefined
      return undefined
    }
    if (r._tag === 'Invalid') {
      if (r.why !== lastInvalid) caps.log.error(`config not reloaded, keeping the running one: ${r.why}`)
      lastInvalid = r.why
      return undefined
    }
    lastInvalid = undefined
    const removed = settings.datasets.filter((d) => !r.settings.datasets.some((n) => n.dataset === d.dataset))
    for (const d of removed) caps.metrics.dropDataset(d.dataset)
    if (r.datasetChanges.length > 0) caps.log.info(`config reloaded: ${r.datasetChanges.join('; ')}`)
    if (full) {
      settings = r.settings
      cache.invalidateAll()
      if (r.serverChanges.length > 0) caps.log.info(`server settings applied: ${r.serverChanges.join(', ')}`)
      return r.restartChanges.length > 0 ? r.settings : undefined
    }
    settings = { ...settings, datasets: r.settings.datasets }
    const needs = r.serverChanges.join(', ')
    if (needs !== '' && needs !== lastNeedsRestart)
      caps.log.warn(`server settings changed (${needs}): needs restart (or SIGHUP) to apply`)
    lastNeedsRestart = needs === '' ? undefined : needs
    return undefined
  }

  return { current: (): Settings => settings, apply }
}
