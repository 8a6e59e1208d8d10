/**
 * The reason of an action as text for the daemon's log lines.
 *
 * @since 0.1.0
 */
import type { Action } from '@zfs-autobackup/core'

/** `BoundaryCrossed type=hourly since=…`: the tag and its evidence, until the core's Explain renders prose. */
export const render = (a: Action): string => {
  const { _tag, ...evidence } = a.reason as { readonly _tag: string } & Record<string, unknown>
  const parts = Object.entries(evidence).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  )
  return [_tag, ...parts].join(' ')
}
