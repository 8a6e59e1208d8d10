/**
 * A simulation's end state as a timeline (see `svg/Timeline.ts`): one row per enabled snapshot type with a
 * mark per snapshot of that type retained at the end, a row for foreign snapshots if any, and one row per
 * destination with the snapshot carrying its sync hold and a tick per sync that ended (completed or failed).
 *
 * @since 0.1.0
 */
import { SnapshotType } from '@zfs-autobackup/core'

type Retention = SnapshotType.Retention

import * as Timeline from '../svg/Timeline.js'
import type { SimulationResult } from './Simulate.js'

const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z')

export const timeline = (r: SimulationResult, retention: Retention): Timeline.Timeline => {
  const typeRows = SnapshotType.all
    .filter((t) => retention[t] > 0 || r.byType[t].length > 0)
    .map(
      (t): Timeline.Row => ({
        label: t,
        note: `${r.byType[t].length} / ${retention[t]}`,
        marks: r.snapshots
          .filter((s) => s.type === t)
          .map((s) => ({
            at: s.at,
            kind: 'snap',
            label: `${s.name}${s.holds.length > 0 ? ` (held: ${s.holds.join(', ')})` : ''}`,
          })),
      }),
    )
  const foreign = r.snapshots.filter((s) => s.type === undefined)
  const foreignRows: ReadonlyArray<Timeline.Row> =
    foreign.length === 0
      ? []
      : [
          {
            label: 'not ours',
            note: `${foreign.length}`,
            marks: foreign.map((s) => ({ at: s.at, kind: 'snap', label: s.name })),
          },
        ]
  const destinationRows = r.destinations.map((d): Timeline.Row => {
    const ended = d.syncs.filter((s) => s.outcome !== 'in-flight')
    const failed = ended.filter((s) => s.outcome === 'failed').length
    const held =
      d.lastSync === undefined ? undefined : r.snapshots.find((s) => s.name === d.lastSync?.snapshot)
    return {
      label: `→ ${d.remoteHost}:${d.remoteDataset}`,
      note: `${ended.length - failed} ok${failed > 0 ? `, ${failed} failed` : ''}`,
      marks: [
        ...ended.map(
          (s): Timeline.Mark => ({
            at: s.endedAt ?? s.startedAt,
            kind: s.outcome === 'failed' ? 'failed' : 'sync',
            label: `${s.outcome} at ${iso(s.endedAt ?? s.startedAt)}: ${s.snapshot}`,
          }),
        ),
        ...(held === undefined || d.lastSync === undefined
          ? []
          : [{ at: held.at, kind: 'hold' as const, label: `${held.name}: ${d.lastSync.tag}` }]),
      ],
    }
  })
  return {
    title: `${r.dataset}: snapshots kept after a simulated ${iso(r.from)} … ${iso(r.to)} (zone ${r.zone})`,
    from: r.from,
    to: r.to,
    zone: r.zone,
    rows: [...typeRows, ...foreignRows, ...destinationRows],
  }
}

export const svg = (r: SimulationResult, retention: Retention): string =>
  Timeline.render(timeline(r, retention))
