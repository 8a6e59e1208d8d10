/**
 * Test-side access to the simulator: read the model (snapshots, holds, migrations, counters, mutation log,
 * violations) and seed fixtures directly, without going through JSON-RPC.
 *
 * @since 0.1.0
 */
import type { Clock } from '../Clock.js'
import type { FaultInjector } from './Faults.js'
import type { Migrations } from './Migrations.js'
import type { Recorder } from './Recorder.js'
import { wireTask } from './Task.js'
import type { ZfsHost } from './ZfsHost.js'
import type { ZfsModel } from './ZfsModel.js'

const hostOf = (model: ZfsModel, host: string | undefined): ZfsHost => {
  const h = host === undefined ? model.local : model.host(host)
  if (h === undefined) throw new Error(`unknown simulated host: ${host}`)
  return h
}

export const makeInspect = (
  model: ZfsModel,
  migrations: Migrations,
  recorder: Recorder,
  faults: FaultInjector,
) => ({
  datasets: (host?: string): ReadonlyArray<string> => hostOf(model, host).listDatasets(),
  /** Short names, oldest first. */
  snapshots: (ds: string, host?: string): ReadonlyArray<string> =>
    hostOf(model, host)
      .snapshots(ds)
      .map((s) => s.name),
  /** Hold tags, sorted ascending. */
  holds: (ds: string, snap: string, host?: string): ReadonlyArray<string> =>
    [...(hostOf(model, host).snapshot(ds, snap)?.holds ?? [])].sort(),
  remoteHosts: (): ReadonlyArray<string> => model.remoteNames(),
  /** Every task in `migration_get` wire shape, in creation order. */
  migrations: (): ReadonlyArray<Record<string, unknown>> => migrations.all().map((t) => wireTask(t, true)),
  /** Tasks still pending or running. */
  inFlight: (): number =>
    migrations.all().filter((t) => t.status === 'pending' || t.status === 'running').length,
  counts: () => recorder.counts(),
  mutations: () => recorder.mutations(),
  resetCounts: (): void => recorder.reset(),
  violations: () => model.violations(),
  faultsInjected: () => faults.injected(),
})

export const makeSeed = (model: ZfsModel, clock: Clock) => {
  const seed = {
    /** Creates the dataset and any missing parents (pool included). */
    dataset: (ds: string, host?: string): void => hostOf(model, host).ensurePath(ds),
    /** Appends snapshots (creating the dataset if needed), each optionally with hold tags. */
    snapshots: (
      ds: string,
      names: ReadonlyArray<string>,
      opts: { readonly holds?: ReadonlyArray<string>; readonly host?: string } = {},
    ): void => {
      const h = hostOf(model, opts.host)
      h.ensurePath(ds)
      for (const name of names) {
        const r = h.createSnapshot(ds, name, false, clock.now())
        if (r._tag === 'Left') throw new Error(`seed ${ds}@${name}: ${r.left.trim()}`)
        for (const tag of opts.holds ?? []) h.hold(ds, name, tag, false)
      }
    },
    hold: (ds: string, snap: string, tag: string, host?: string): void => {
      const r = hostOf(model, host).hold(ds, snap, tag, false)
      if (r._tag === 'Left') throw new Error(`seed hold ${tag} on ${ds}@${snap}: ${r.left.trim()}`)
    },
  }
  return seed
}
