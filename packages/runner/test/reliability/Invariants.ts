/**
 * What the reliability suites check against the simulator's model and its log of mutating calls.
 *
 * - Safety (after every cycle): no request to destroy a foreign, held-at-the-time, newest or in-flight
 *   protected snapshot (World's watch); no transfer broken by a destroy (simulator violations); every seeded
 *   foreign or admin-held snapshot still there; no name created twice; our names in creation order have
 *   strictly increasing times; no destination without a snapshot in common with its source (frozen); the
 *   daemon is still running.
 * - Convergence (after faults stop): exactly the policy — nothing in flight, one sync hold per destination
 *   host placed after the faults stopped and present on the remote, and the state a fixed point of the planner
 *   (nothing left to destroy or release), with every type holding its full retention count when the run was
 *   long enough to fill it.
 */
import { BaseTag, planDataset, SnapshotName, SyncHold } from '@zfs-autobackup/core'
import { MINUTE, type World } from './World.js'

// -------------------------------------------------------------------------------------
// fixtures
// -------------------------------------------------------------------------------------

export interface Seeded {
  readonly dataset: string
  readonly snapshot: string
  readonly holds: ReadonlyArray<string>
}

/**
 * Foreign snapshots (lookalikes included), foreign holds, an admin-held snapshot of ours and a stale
 * sync tag of a host that is not configured, on every dataset.
 */
export const seedForeign = (w: World): ReadonlyArray<Seeded> => {
  const seeded: Seeded[] = []
  for (const { dataset } of w.settings.datasets) {
    const items: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
      ['my_frequent_manual', []],
      ['hourly_backup_manual', []],
      ['frequent_backup_2026-02-30-00-00', []],
      ['daily_backup_2020-01-01-00-00', ['admin_keep']],
      ['pre_upgrade', ['keep_forever', 'sync_2020-01-01-00-00-00_oldnas']],
      ['Frequent_backup_2026-12-30-11-00', []],
    ]
    for (const [snapshot, holds] of items) {
      w.sim.seed.snapshots(dataset, [snapshot], { holds })
      seeded.push({ dataset, snapshot, holds })
    }
  }
  return seeded
}

// -------------------------------------------------------------------------------------
// safety
// -------------------------------------------------------------------------------------

/** A checker to call after every cycle; throws on the first broken invariant, with the evidence. */
export const safety = (
  w: World,
  seeded: ReadonlyArray<Seeded>,
  /** `false`: skip the name checks (late-landing creates may legitimately repeat or reorder names). */
  names = true,
) => {
  const created = new Set<string>()
  const wasFuture = new Set<string>()
  const maxCreated = new Map<string, number>()
  const steppedBackBelow = new Map<string, number>()
  const hosts = new Set(w.settings.datasets.flatMap((d) => d.destinations.map((x) => x.remoteHost)))
  const bases = new Set(w.settings.datasets.flatMap((d) => d.destinations.map((x) => BaseTag.of(x))))
  let seen = 0
  const fail = (what: string): never => {
    throw new Error(`${new Date(w.clock.now()).toISOString()}: ${what}`)
  }
  return (): void => {
    if (w.breaches.length > 0) fail(`unsafe destroy requested: ${JSON.stringify(w.breaches)}`)
    if (w.sim.inspect.violations().length > 0)
      fail(`transfer broken: ${JSON.stringify(w.sim.inspect.violations())}`)
    if (!w.alive()) fail(`the daemon stopped: ${String(w.crashed())}`)
    // A clock behind the names already made by more than backup_interval makes them from the future
    // (core-decisions.md §3 as amended): snapshots go on, through minutes whose names were used before, so a
    // name destroyed since may be made again (docs/core-decisions.md, refinement 4). Only then.
    // The cycle planned up to two minutes before this check (a minute's tick, a slow cycle): judge with
    // its clock, not ours.
    const futureAfter = w.now() - 2 * 60_000 + w.settings.policy.backupIntervalSeconds * 1000
    for (const [dataset, at] of maxCreated)
      if (at > futureAfter) steppedBackBelow.set(dataset, Math.max(steppedBackBelow.get(dataset) ?? at, at))
    const log = w.sim.inspect.mutations()
    for (; seen < log.length; seen++) {
      const m = log[seen]!
      if (m.method !== 'snapshot_create' || m.error !== undefined) continue
      const dataset = String(m.params['dataset'])
      const key = `${dataset}@${String(m.params['name'])}`
      const at = SnapshotName.parseOrUndefined(String(m.params['name']))?.at ?? Number.NaN
      if (names && created.has(key) && !(at <= (steppedBackBelow.get(dataset) ?? Number.NEGATIVE_INFINITY)))
        fail(`${key} created twice`)
      created.add(key)
      if (at > (maxCreated.get(dataset) ?? Number.NEGATIVE_INFINITY)) maxCreated.set(dataset, at)
    }
    for (const s of seeded) {
      const snap = w.sim.model.local.snapshot(s.dataset, s.snapshot)
      if (snap === undefined) fail(`${s.dataset}@${s.snapshot} destroyed`)
      // Its own holds stay; the only tags that may come and go are sync holds of configured hosts (a
      // migration that sent it as the newest snapshot, core-decisions.md §12, and the API's cleanup after it)
      // and the base holds of configured destinations (§15).
      const extra = [...snap!.holds].filter(
        (t) => !s.holds.includes(t) && !hosts.has(SyncHold.parseTag(t)?.host ?? '') && !bases.has(t),
      )
      if (s.holds.some((t) => !snap!.holds.has(t)) || extra.length > 0)
        fail(`${s.dataset}@${s.snapshot} holds changed to ${[...snap!.holds].join(', ')}`)
    }
    // No destination is ever frozen: its newest snapshot is still on the source. The API sends from the
    // newest name both sides list, and `zfs recv` (even with -F; tried on zfs-fuse) takes an incremental
    // only from the destination's newest snapshot: once that is pruned here, every later sync fails.
    for (const ds of w.settings.datasets)
      for (const d of ds.destinations) {
        const newest = w.sim.model.remote(d.remoteHost)?.snapshots(d.remoteDataset).at(-1)
        if (newest === undefined) continue
        if (w.sim.model.local.snapshot(ds.dataset, newest.name)?.guid !== newest.guid)
          fail(
            `${ds.dataset} → ${d.remoteHost}:${d.remoteDataset} is frozen: its newest, @${newest.name}, is gone here`,
          )
      }
    // For the same reason new names are then rightly older than a name that was from the future when
    // they were made: a name may follow one that was ever seen from the future, and only such a one.
    for (const { dataset } of w.settings.datasets) {
      let last = Number.NEGATIVE_INFINITY
      let lastKey = ''
      for (const { name } of w.sim.model.local.snapshots(dataset)) {
        const at = SnapshotName.parseOrUndefined(name)?.at
        if (at === undefined) continue
        const key = `${dataset}@${name}`
        if (at > futureAfter) wasFuture.add(key)
        if (names && at <= last && !wasFuture.has(lastKey)) fail(`${key} is out of time order`)
        last = at
        lastKey = key
      }
    }
  }
}

// -------------------------------------------------------------------------------------
// convergence
// -------------------------------------------------------------------------------------

/** Types whose retention count a run of this length must have filled (the rest need more calendar). */
export type Filled = ReadonlyArray<'frequent' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly'>

/** Advances `w` by `minutes`, one minute (one daemon tick) at a time, running `check` after each. */
export const checkedMinutes = async (w: World, minutes: number, check: () => void): Promise<void> => {
  for (let i = 0; i < minutes; i++) {
    await w.clock.advance(MINUTE)
    check()
  }
}

/** Problems that keep the state from being exactly the policy; empty when converged. */
export const convergenceProblems = (
  w: World,
  since: number,
  filled: Filled,
  /** Calendar types whose boundary the run crossed: at least one snapshot of each must be there. */
  crossed: Filled = [],
): ReadonlyArray<string> => {
  const problems: string[] = []
  if (w.sim.inspect.inFlight() > 0) problems.push(`${w.sim.inspect.inFlight()} migration(s) in flight`)
  const { policy, zone } = w.settings
  for (const ds of w.settings.datasets) {
    const snapshots = w.sim.inspect.snapshots(ds.dataset)
    const bySnapshot = new Map(
      snapshots.map((s) => [s, w.sim.inspect.holds(ds.dataset, s)] as const).filter(([, t]) => t.length > 0),
    )
    for (const dest of ds.destinations.filter((d) => d.enabled)) {
      const marked = snapshots.flatMap((s) =>
        (bySnapshot.get(s) ?? []).flatMap((tag) => {
          const p = SyncHold.parseTag(tag)
          return p?.host === dest.remoteHost ? [{ s, tag }] : []
        }),
      )
      if (marked.length !== 1) {
        problems.push(`${ds.dataset}: ${marked.length} sync holds of ${dest.remoteHost}`)
        continue
      }
      const { s, tag } = marked[0]!
      const remote = w.sim.inspect.snapshots(dest.remoteDataset, dest.remoteHost)
      if (!remote.includes(s)) problems.push(`${ds.dataset}@${s} (${tag}) missing on ${dest.remoteHost}`)
      const made = w.sim.model.local.snapshot(ds.dataset, s)
      if (made === undefined || made.createdAt < since)
        problems.push(
          `${ds.dataset}: last sync to ${dest.remoteHost} (${tag}) sent a snapshot from before ${since}`,
        )
    }
    // Planned at the minute of the newest snapshot, when nothing new is due: a later `now` would plan the
    // next cycle's create, whose rank-1 slot legitimately pushes one more snapshot out.
    const newest = Math.max(0, ...snapshots.map((s) => SnapshotName.parseOrUndefined(s)?.at ?? 0))
    const plan = planDataset({
      now: Math.min(w.now(), newest + 1000),
      zone,
      policy,
      dataset: ds,
      observed: { snapshots, holds: { _tag: 'Known', bySnapshot }, inFlight: [], failures: [] },
    })
    for (const a of plan.actions)
      if (a._tag === 'DestroySnapshot' || a._tag === 'ReleaseHold')
        problems.push(`${ds.dataset}: still to do: ${a._tag} ${a.snapshot}`)
    for (const type of crossed)
      if (!snapshots.some((s) => SnapshotName.parseOrUndefined(s)?.type === type))
        problems.push(`${ds.dataset}: no ${type} snapshot, though its boundary was crossed`)
    for (const type of filled) {
      const n = snapshots.filter((s) => SnapshotName.parseOrUndefined(s)?.type === type).length
      if (n < policy.retention[type]) problems.push(`${ds.dataset}: ${n} ${type} < ${policy.retention[type]}`)
    }
  }
  return problems
}
