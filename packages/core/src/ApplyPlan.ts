/**
 * What the observed state of a dataset looks like after a plan is carried out in full, the way the runner
 * does it (create, release, destroy, sync). Lets users and our properties re-plan the result (idempotence).
 *
 * @since 0.1.0
 */
import type { DatasetObservation, InFlightMigration } from './Observation.js'
import type { Plan } from './Plan.js'

/**
 * The state after `plan` succeeded: the created snapshot appended (newest), placed base holds added,
 * released tags removed,
 * destroyed snapshots gone (with their hold entries), and each started sync in flight as a `pending`
 * migration with task id `planned:<host>:<remote dataset>`. Failures are carried over unchanged.
 */
export const applyPlan = (observed: DatasetObservation, plan: Plan): DatasetObservation => {
  const destroyed = new Set<string>()
  const released = new Map<string, Set<string>>()
  const placed = new Map<string, string[]>()
  const created: string[] = []
  const started: InFlightMigration[] = []
  for (const a of plan.actions) {
    switch (a._tag) {
      case 'CreateSnapshot':
        created.push(a.snapshot)
        break
      case 'DestroySnapshot':
        destroyed.add(a.snapshot)
        break
      case 'HoldSnapshot':
        placed.set(a.snapshot, [...(placed.get(a.snapshot) ?? []), a.tag])
        break
      case 'ReleaseHold': {
        const tags = released.get(a.snapshot) ?? new Set<string>()
        tags.add(a.tag)
        released.set(a.snapshot, tags)
        break
      }
      case 'StartSync':
        started.push({
          taskId: `planned:${a.remoteHost}:${a.remoteDataset}`,
          remoteHost: a.remoteHost,
          remoteDataset: a.remoteDataset,
          status: 'pending',
        })
        break
    }
  }
  const snapshots = [...observed.snapshots.filter((s) => !destroyed.has(s)), ...created]
  const holds: DatasetObservation['holds'] =
    observed.holds._tag === 'Unknown'
      ? observed.holds
      : {
          _tag: 'Known',
          bySnapshot: new Map(
            [...withPlaced(observed.holds.bySnapshot, placed)]
              .filter(([s]) => !destroyed.has(s))
              .map(([s, tags]) => [s, tags.filter((t) => !released.get(s)?.has(t))] as const)
              .filter(([, tags]) => tags.length > 0),
          ),
        }
  return { ...observed, snapshots, holds, inFlight: [...observed.inFlight, ...started] }
}

const withPlaced = (
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  placed: ReadonlyMap<string, ReadonlyArray<string>>,
): ReadonlyMap<string, ReadonlyArray<string>> => {
  const out = new Map(bySnapshot)
  for (const [s, tags] of placed) out.set(s, [...new Set([...(out.get(s) ?? []), ...tags])])
  return out
}
