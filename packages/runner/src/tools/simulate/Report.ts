/**
 * A simulation's outcome as text for people and as JSON for tools.
 *
 * @since 0.1.0
 */
import { SnapshotType } from '@zfs-autobackup/core'

type Retention = SnapshotType.Retention

import * as Table from '../Table.js'
import type { SimulationResult } from './Simulate.js'

const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z')
const minutes = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`)

export const text = (r: SimulationResult, retention: Retention): string => {
  const c = r.counts
  const lines: string[] = [
    `Simulated ${r.dataset} from ${iso(r.from)} to ${iso(r.to)} every ${minutes(r.stepMs)} (zone ${r.zone}): ${c.cycles} cycles`,
    '',
    `Snapshots at the end: ${r.snapshots.length}`,
  ]
  const rows = SnapshotType.all
    .filter((t) => retention[t] > 0 || r.byType[t].length > 0)
    .map((t) => {
      const names = r.byType[t]
      return [t, `${names.length} / ${retention[t]}`, names[0] ?? '-', names[names.length - 1] ?? '-']
    })
  const foreign = r.snapshots.filter((s) => s.type === undefined)
  if (foreign.length > 0)
    rows.push(['not ours', `${foreign.length}`, foreign[0]!.name, foreign[foreign.length - 1]!.name])
  lines.push(...Table.render(['type', 'kept / retention', 'oldest', 'newest'], rows).map((l) => `  ${l}`))
  lines.push('', `Destinations: ${r.destinations.length}`)
  if (r.destinations.length > 0) {
    const drows = r.destinations.map((d) => {
      const done = d.syncs.filter((s) => s.outcome === 'completed').length
      const failed = d.syncs.filter((s) => s.outcome === 'failed').length
      const flying = d.syncs.filter((s) => s.outcome === 'in-flight').length
      return [
        `${d.remoteHost}:${d.remoteDataset}${d.enabled ? '' : ' (disabled)'}`,
        d.lastSync === undefined ? 'never' : `${iso(d.lastSync.at)} on ${d.lastSync.snapshot}`,
        `${done} ok, ${failed} failed${flying > 0 ? `, ${flying} in flight` : ''}`,
        `${d.remoteSnapshots.length}`,
      ]
    })
    lines.push(
      ...Table.render(['destination', 'last sync (hold)', 'syncs', 'snapshots there'], drows).map(
        (l) => `  ${l}`,
      ),
    )
  }
  lines.push(
    '',
    `Actions: ${c.created} created, ${c.destroyed} destroyed, ${c.holdsReleased} holds released, ` +
      `${c.syncsStarted} syncs started, ${c.syncsCompleted} completed, ${c.syncsFailed} failed`,
  )
  const refused = c.destroyFailed + c.actionErrors + c.observeErrors
  if (refused > 0)
    lines.push(
      `Refused by the API: ${c.destroyFailed} destroys, ${c.actionErrors} other actions; ${c.observeErrors} cycles could not observe`,
    )
  lines.push(
    r.violations.length === 0
      ? 'Invariants: no snapshot was destroyed while a migration was sending it'
      : `VIOLATIONS (${r.violations.length}):`,
    ...r.violations.slice(0, 20).map((v) => `  ${v}`),
  )
  return lines.join('\n') + '\n'
}

/** Machine-readable: the whole result; times as ISO strings next to the epoch ms. */
export const json = (r: SimulationResult): string =>
  JSON.stringify(
    {
      ...r,
      fromIso: new Date(r.from).toISOString(),
      toIso: new Date(r.to).toISOString(),
    },
    null,
    2,
  ) + '\n'
