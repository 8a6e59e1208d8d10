import { IANAZone } from 'luxon'
import type { DatasetObservation, DatasetPolicy, Destination, PlanInput, Policy } from '../src/index.js'
import * as Replication from '../src/Replication.js'
import * as Retention from '../src/Retention.js'
import * as Schedule from '../src/Schedule.js'
import * as SyncHold from '../src/SyncHold.js'

export const utc = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad fixture time ${iso}`)
  return ms
}

export const policy = (over: Partial<Policy> = {}): Policy => ({
  backupIntervalSeconds: 600,
  snapshotWindow: Schedule.always,
  retention: { frequent: 4, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: true, intervalSeconds: 86400, window: Schedule.always },
  ...over,
})

export const dataset = (over: Partial<DatasetPolicy> = {}): DatasetPolicy => ({
  dataset: 'tank/data',
  recursive: false,
  destinations: [],
  ...over,
})

export const observed = (
  snapshots: ReadonlyArray<string>,
  holds: Readonly<Record<string, ReadonlyArray<string>>> = {},
  over: Partial<DatasetObservation> = {},
): DatasetObservation => ({
  snapshots,
  holds: { _tag: 'Known', bySnapshot: new Map(Object.entries(holds)) },
  inFlight: [],
  failures: [],
  ...over,
})

export const input = (
  now: string | number,
  obs: DatasetObservation,
  over: Partial<PlanInput> = {},
): PlanInput => ({
  now: typeof now === 'number' ? now : utc(now),
  zone: 'Europe/Vienna',
  policy: policy(),
  dataset: dataset(),
  observed: obs,
  ...over,
})

/** Hold tags re-keyed by list position, as `SyncHold.byHost` takes them. */
export const byIndex = (
  snapshots: ReadonlyArray<string>,
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
): ReadonlyMap<number, ReadonlyArray<string>> => {
  const held = Retention.heldByIndex(snapshots, { _tag: 'Known', bySnapshot })
  return held._tag === 'Known' ? held.byIndex : new Map()
}

/** Replication state of `destinations` from the holds alone (no evidence), as `SyncDecision` takes it. */
export const replicationOf = (
  snapshots: ReadonlyArray<string>,
  bySnapshot: ReadonlyMap<string, ReadonlyArray<string>>,
  zone: string,
  destinations: ReadonlyArray<Destination>,
  now = 0,
): ReadonlyArray<Replication.DestinationState> => {
  const held = byIndex(snapshots, bySnapshot)
  return Replication.plan({
    dataset: 'tank/data',
    now,
    futureMs: Number.POSITIVE_INFINITY,
    snapshots,
    heldByIndex: held,
    hosts: SyncHold.byHost(held, snapshots, IANAZone.create(zone)),
    destinations,
    evidence: [],
  }).states
}
