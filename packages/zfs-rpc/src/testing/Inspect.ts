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
import { fixtureGuid, type ZfsHost } from './ZfsHost.js'
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
  /** The snapshot's guid (decimal string), or undefined when it does not exist. */
  guid: (ds: string, snap: string, host?: string): string | undefined =>
    hostOf(model, host).snapshot(ds, snap)?.guid,
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
  /** Every receive a migration attempted (any host), with `failure` set when nothing arrived. */
  receipts: () => model.receipts(),
  faultsInjected: () => faults.injected(),
})

export const makeSeed = (model: ZfsModel, clock: Clock) => {
  const seed = {
    /** Creates the dataset and any missing parents (pool included). */
    dataset: (ds: string, host?: string): void => hostOf(model, host).ensurePath(ds, clock.now()),
    /**
     * Appends snapshots (creating the dataset if needed), each optionally with hold tags. A seeded name has
     * the same guid wherever it is seeded, so seeding `a` on the source and on the backup host means "`a`
     * arrived there". `diverged: true` gives each a guid of its own instead: a snapshot taken by hand on the
     * backup host under a name the source also has (a *diverged* destination).
     */
    snapshots: (
      ds: string,
      names: ReadonlyArray<string>,
      opts: {
        readonly holds?: ReadonlyArray<string>
        readonly host?: string
        readonly diverged?: boolean
      } = {},
    ): void => {
      const h = hostOf(model, opts.host)
      h.ensurePath(ds, clock.now())
      for (const name of names) {
        const r = h.createSnapshot(ds, name, false, clock.now())
        if (r._tag === 'Left') throw new Error(`seed ${ds}@${name}: ${r.left.trim()}`)
        if (opts.diverged !== true) h.diverge(ds, name, fixtureGuid(name))
        for (const tag of opts.holds ?? []) h.hold(ds, name, tag, false)
      }
    },
    /**
     * Copies snapshots `names` of `from.dataset` on `from.host` (default: this API's host) to `to.dataset`
     * on `to.host`, guid and creation time kept, as if a migration had delivered them (no holds, no task).
     */
    replica: (
      names: ReadonlyArray<string>,
      from: { readonly dataset: string; readonly host?: string },
      to: { readonly dataset: string; readonly host?: string },
    ): void => {
      const [src, dst] = [hostOf(model, from.host), hostOf(model, to.host)]
      dst.ensurePath(to.dataset, clock.now())
      for (const name of names) {
        const s = src.snapshot(from.dataset, name)
        if (s === undefined)
          throw new Error(`seed replica: no snapshot ${from.dataset}@${name} on ${src.name}`)
        dst.receive(to.dataset, s)
      }
    },
    /** Gives an existing snapshot a new guid of its own (destroyed and re-taken by hand under the same name). */
    diverge: (ds: string, snap: string, host?: string): void => {
      const r = hostOf(model, host).diverge(ds, snap)
      if (r._tag === 'Left') throw new Error(`seed diverge ${ds}@${snap}: ${r.left.trim()}`)
    },
    /** `zfs clone ds@snap target`: the snapshot then cannot be destroyed without -R until the clone goes. */
    clone: (source: string, target: string, host?: string): void => {
      const r = hostOf(model, host).clone(source, target, clock.now())
      if (r._tag === 'Left') throw new Error(`seed clone ${source} ${target}: ${r.left.trim()}`)
    },
    /** Marks a snapshot in use without a hold (mounted, being read): its destroy fails "dataset is busy". */
    busy: (ds: string, snap: string, busy = true, host?: string): void =>
      hostOf(model, host).setBusy(ds, snap, busy),
    /** Every receive into the host fails (`out of space`) until called with `false`; the tasks still complete. */
    outOfSpace: (on = true, host?: string): void => {
      hostOf(model, host).outOfSpace = on
    },
    hold: (ds: string, snap: string, tag: string, host?: string): void => {
      const r = hostOf(model, host).hold(ds, snap, tag, false)
      if (r._tag === 'Left') throw new Error(`seed hold ${tag} on ${ds}@${snap}: ${r.left.trim()}`)
    },
  }
  return seed
}
