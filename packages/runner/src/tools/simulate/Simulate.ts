/**
 * `simulatePolicy`: what a policy does to one dataset over a span of time, computed by running the real
 * core against the simulator's ZFS model (local host plus one in-memory host per destination) on a virtual
 * clock. Exported from the runner package so users can property-test their own policies.
 *
 * @since 0.1.0
 */
import { replicationOf, SnapshotName, type SnapshotType as ST } from '@zfs-autobackup/core'

type SnapshotType = ST.SnapshotType

import { makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { type MigrationOptions, makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import { type Counts, type LoopInput, runLoop, type SyncRecord } from './Loop.js'
import * as ModelApi from './ModelApi.js'

export type { Counts, SyncRecord } from './Loop.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface SimulationFaults {
  /** Seed of the fault generator (default 1): the same seed gives the same run. */
  readonly seed?: number
  /** Probability in [0, 1] that a migration fails (the script exits 1). */
  readonly syncFailureProbability?: number
}

/** The loop's input (policy, dataset, zone, span, step, onPlan) plus the simulated world. */
export interface SimulationInput extends LoopInput {
  readonly faults?: SimulationFaults
  /** Snapshots that exist on the dataset at `from`, oldest first (e.g. foreign ones). */
  readonly initialSnapshots?: ReadonlyArray<string>
  /** Transfer speed and size of the simulated sends. */
  readonly migration?: Partial<MigrationOptions>
  /**
   * `model` (default): calls bound straight to the simulator's model. `json-rpc`: the real client through
   * the simulator's in-process fetch (JSON, codecs, dispatcher), about 10× slower; same results.
   */
  readonly via?: 'model' | 'json-rpc'
}

export interface SnapshotAtEnd {
  readonly name: string
  /** Undefined for names that are not ours. */
  readonly type: SnapshotType | undefined
  /** Time in the name (ours) or creation time in the model. */
  readonly at: number
  readonly holds: ReadonlyArray<string>
}

export interface DestinationAtEnd {
  readonly remoteHost: string
  readonly remoteDataset: string
  readonly enabled: boolean
  /** Newest sync point of this host, from the hold tags at the end. */
  readonly lastSync: { readonly snapshot: string; readonly tag: string; readonly at: number } | undefined
  /** Snapshots on the destination at the end, oldest first. */
  readonly remoteSnapshots: ReadonlyArray<string>
  readonly syncs: ReadonlyArray<SyncRecord>
}

export interface SimulationResult {
  readonly dataset: string
  readonly zone: string
  readonly from: number
  readonly to: number
  readonly stepMs: number
  readonly counts: Counts
  /** Local snapshots at the end, oldest first. */
  readonly snapshots: ReadonlyArray<SnapshotAtEnd>
  /** Names of our snapshots at the end per type, oldest first. */
  readonly byType: Readonly<Record<SnapshotType, ReadonlyArray<string>>>
  readonly destinations: ReadonlyArray<DestinationAtEnd>
  /** The simulator's invariant violations (a snapshot destroyed while a migration was sending it). */
  readonly violations: ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------
// simulation
// -------------------------------------------------------------------------------------

export const simulatePolicy = async (input: SimulationInput): Promise<SimulationResult> => {
  const ds = input.dataset.dataset
  const clock = new VirtualClock(input.from)
  const sim = makeSimulator({
    clock,
    zone: input.zone,
    seed: input.faults?.seed ?? 1,
    datasets: [ds],
    remotes: input.dataset.destinations.map((d) => d.remoteHost),
    unknownRemotes: 'fail',
    ...(input.migration === undefined ? {} : { migration: input.migration }),
  })
  if (input.initialSnapshots !== undefined) sim.seed.snapshots(ds, input.initialSnapshots)
  for (const d of input.dataset.destinations) {
    const slash = d.remoteDataset.lastIndexOf('/')
    // The first send is a full receive, which needs the parent dataset on the destination.
    if (slash > 0) sim.seed.dataset(d.remoteDataset.slice(0, slash), d.remoteHost)
  }
  const p = input.faults?.syncFailureProbability ?? 0
  if (p > 0)
    sim.faults.random(
      { method: 'migration_create', probability: p, faults: [{ kind: 'failMigration' }] },
      input.faults?.seed ?? 1,
    )
  const api =
    input.via === 'json-rpc'
      ? makeClient({ url: 'http://simulator:8545', fetch: sim.fetch })
      : ModelApi.make(sim)

  const out = await runLoop(api, clock, {
    zone: input.zone,
    policy: input.policy,
    dataset: input.dataset,
    from: input.from,
    to: input.to,
    stepMs: input.stepMs,
    ...(input.onPlan === undefined ? {} : { onPlan: input.onPlan }),
  })

  const local = sim.model.local.snapshots(ds)
  const names = local.map((s) => s.name)
  const holds = new Map(local.map((s) => [s.name, [...s.holds].sort()] as const))
  const snapshots: SnapshotAtEnd[] = local.map((s) => {
    const ours = SnapshotName.parseOrUndefined(s.name)
    return { name: s.name, type: ours?.type, at: ours?.at ?? s.createdAt, holds: holds.get(s.name) ?? [] }
  })
  const byType = { frequent: [], hourly: [], daily: [], weekly: [], monthly: [], yearly: [] } as Record<
    SnapshotType,
    string[]
  >
  for (const s of snapshots) if (s.type !== undefined) byType[s.type].push(s.name)
  const replication = replicationOf({
    now: input.to,
    zone: input.zone,
    policy: input.policy,
    dataset: input.dataset,
    observed: { snapshots: names, holds: { _tag: 'Known', bySnapshot: holds }, inFlight: [], failures: [] },
  })
  const lastSyncOf = (d: { readonly remoteHost: string; readonly remoteDataset: string }) => {
    const r = replication?.find((x) => x.remoteHost === d.remoteHost && x.remoteDataset === d.remoteDataset)
    if (r?.base === undefined || r.lastSync === undefined) return undefined
    // The hold that marks it: the destination's own base hold, or the host's sync hold before the first.
    const tag = r.base.from === 'BaseHold' ? r.tag : (r.host?.newest.tag ?? r.lastSync.label)
    return { snapshot: r.base.snapshot, tag, at: r.lastSync.at }
  }
  const destinations = input.dataset.destinations.map(
    (d): DestinationAtEnd => ({
      remoteHost: d.remoteHost,
      remoteDataset: d.remoteDataset,
      enabled: d.enabled,
      lastSync: lastSyncOf(d),
      remoteSnapshots: sim.inspect.snapshots(d.remoteDataset, d.remoteHost),
      syncs: out.syncs.filter((r) => r.remoteHost === d.remoteHost && r.remoteDataset === d.remoteDataset),
    }),
  )
  return {
    dataset: ds,
    zone: input.zone,
    from: input.from,
    to: input.to,
    stepMs: input.stepMs,
    counts: out.counts,
    snapshots,
    byType,
    destinations,
    violations: sim.inspect.violations().map((v) => v.message),
  }
}
