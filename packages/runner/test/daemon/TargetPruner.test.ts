import { SnapshotName } from '@zfs-autobackup/core'
import { makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulatorPair } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import * as TargetPruner from '../../src/daemon/TargetPruner.js'
import * as Metrics from '../../src/http/Metrics.js'
import { memoryLog } from './Harness.js'

const T0 = Date.UTC(2026, 10, 27, 12, 0)
const hour = 3_600_000
const hourly = (k: number) => SnapshotName.format('hourly', T0 - k * hour)
const frequent = (k: number) => SnapshotName.format('frequent', T0 - k * 600_000)

/** A backup host with its own API, a client for it, and a log to read. */
const world = () => {
  const clock = new VirtualClock(T0)
  const { backup } = makeSimulatorPair({ clock, datasets: ['tank/data'] })
  const api = makeClient({ url: 'http://nas:8545', fetch: backup.fetch, clock, maxCallsInFlight: 4 })
  const log = memoryLog()
  const pruner = TargetPruner.make({ log, metrics: Metrics.make(), clock })
  return { clock, backup, api, log, pruner }
}

const job = (over: Partial<TargetPruner.Job> = {}): TargetPruner.Job => ({
  dataset: 'tank/data',
  remoteHost: 'nas',
  remoteDataset: 'backup/data',
  retention: { frequent: 2, hourly: 3, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
  source: [],
  bases: [],
  inFlight: [],
  ...over,
})

/** Advances the virtual clock until `p` settles (the client's retries sleep on it). */
const settle = async <A>(clock: VirtualClock, p: Promise<A>): Promise<A> => {
  let done = false
  const q = p.finally(() => {
    done = true
  })
  for (let i = 0; i < 10_000 && !done; i++) await clock.advance(1000)
  return q
}

const policy = { backupIntervalSeconds: 600 }

const oldestFirst = (xs: ReadonlyArray<string>) =>
  [...xs].sort((a, b) => SnapshotName.parseOrUndefined(a)!.at - SnapshotName.parseOrUndefined(b)!.at)

describe('TargetPruner: retention on the backup host through its own API', () => {
  it('prunes to the counts; held, foreign, base, newest-common and newest snapshots survive', async () => {
    const w = world()
    const hourlies = oldestFirst(Array.from({ length: 12 }, (_, k) => hourly(k + 1)))
    const frequents = oldestFirst(Array.from({ length: 5 }, (_, k) => frequent(k)))
    w.backup.seed.snapshots('backup/data', ['manual-before-upgrade', ...hourlies, ...frequents])
    const [held, base, common] = [hourlies[0]!, hourlies[1]!, hourlies[2]!]
    w.backup.seed.hold('backup/data', held, 'keep')
    const out = await w.pruner.prune(
      w.api,
      job({ source: [base, common, 'only-on-source'], bases: [base] }),
      policy,
    )
    expect(out).toMatchObject({ _tag: 'Pruned', refused: 0, unanswered: 0 })
    const left = w.backup.inspect.snapshots('backup/data')
    expect(left).toEqual([
      'manual-before-upgrade',
      held,
      base,
      common,
      ...hourlies.slice(-3),
      ...frequents.slice(-2),
    ])
    // Converged: a second run destroys nothing more.
    expect(await w.pruner.prune(w.api, job({ source: [base, common], bases: [base] }), policy)).toMatchObject(
      {
        destroyed: 0,
      },
    )
    expect(w.log.said()).toContain(
      `INFO destroy nas:backup/data@${hourlies[3]}: beyond newest 3 hourly (rank 9)`,
    )
  })

  it('reads holds only of the snapshots it would destroy, batched', async () => {
    const w = world()
    const names = oldestFirst(Array.from({ length: 20 }, (_, k) => hourly(k + 1)))
    w.backup.seed.snapshots('backup/data', names)
    const out = await w.pruner.prune(w.api, job(), policy)
    expect(out).toMatchObject({ destroyed: 17 })
    const counts = w.backup.inspect.counts()
    expect(counts.byMethod['snapshot_holds_list']).toBe(17)
    expect(counts.byMethod['snapshot_list']).toBe(1)
  })

  it('destroys nothing when a hold cannot be read, or the listing fails', async () => {
    const w = world()
    const names = oldestFirst(Array.from({ length: 6 }, (_, k) => hourly(k + 1)))
    w.backup.seed.snapshots('backup/data', names)
    w.backup.faults.script('snapshot_holds_list', Array(20).fill({ kind: 'http500' }))
    const unknown = await settle(w.clock, w.pruner.prune(w.api, job(), policy))
    expect(unknown).toMatchObject({ destroyed: 0 })
    if (unknown._tag === 'Pruned')
      expect(unknown.plan.keep[0]!.reasons[0]).toMatchObject({ _tag: 'HoldsUnknown' })
    w.backup.faults.script('snapshot_list', Array(20).fill({ kind: 'http500' }))
    expect((await settle(w.clock, w.pruner.prune(w.api, job(), policy)))._tag).toBe('Unreadable')
    expect(w.backup.inspect.snapshots('backup/data')).toEqual(names)
  })

  it('reports a refused destroy once and goes on; stops at one whose reply never came', async () => {
    const w = world()
    const names = oldestFirst(Array.from({ length: 7 }, (_, k) => hourly(k + 1)))
    w.backup.seed.snapshots('backup/data', names)
    w.backup.seed.clone(`backup/data@${names[0]}`, 'backup/restore')
    const first = await w.pruner.prune(w.api, job(), policy)
    expect(first).toMatchObject({ destroyed: 3, refused: 1, unanswered: 0 })
    await w.pruner.prune(w.api, job(), policy)
    expect(w.log.said().filter((l) => l.includes('cannot be destroyed'))).toHaveLength(1)
    expect(w.log.said().filter((l) => l.startsWith('ERROR'))).toEqual([])

    w.backup.seed.snapshots('backup/data', [hourly(0)])
    // Every attempt of the next destroy goes unanswered: the run stops there.
    w.backup.faults.script('snapshot_destroy', Array(20).fill({ kind: 'drop' }))
    const hourlyOne = { ...job().retention, hourly: 1 }
    const second = await settle(w.clock, w.pruner.prune(w.api, job({ retention: hourlyOne }), policy))
    expect(second).toMatchObject({ destroyed: 0, unanswered: 1 })
    expect(w.backup.inspect.snapshots('backup/data')).toHaveLength(5)
    expect(w.log.said().some((l) => l.includes('got no answer'))).toBe(true)
  })
})

describe('TargetPruner.makeSchedule', () => {
  it('is due at first, after a verified arrival, and otherwise once per interval', () => {
    const s = TargetPruner.makeSchedule()
    const key = { dataset: 'tank/data', remoteHost: 'nas', remoteDataset: 'backup/data' }
    expect(s.due(key, 0, 1000, undefined)).toBe(true)
    s.ran(key, 0)
    expect(s.due(key, 999, 1000, undefined)).toBe(false)
    expect(s.due(key, 999, 1000, 0)).toBe(false)
    expect(s.due(key, 999, 1000, 500)).toBe(true)
    expect(s.due(key, 1000, 1000, undefined)).toBe(true)
    expect(s.due({ ...key, remoteDataset: 'other' }, 999, 1000, undefined)).toBe(true)
  })
})
