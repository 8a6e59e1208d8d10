import type { DatasetPolicy, Plan, PlanInput, Policy } from '@zfs-autobackup/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Daemon from '../../src/daemon/Daemon.js'
import { harness } from './Harness.js'

const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: { days: '1111111', hours: '1'.repeat(24) },
  retention: { frequent: 3, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
  remoteSync: { enabled: false, intervalSeconds: 86400, window: { days: '1111111', hours: '1'.repeat(24) } },
}
const ds = (dataset: string): DatasetPolicy => ({ dataset, recursive: false, destinations: [] })

/** A stand-in planner: one snapshot per call named after the minute, keep the newest 3. */
const planner = (input: PlanInput): Plan => {
  if (input.dataset.dataset === 'tank/broken') throw new Error('planner bug')
  const name = `s${Math.floor(input.now / 60_000)}`
  const snaps = [...input.observed.snapshots, name]
  const destroys = input.observed.holds._tag === 'Known' ? snaps.slice(0, Math.max(0, snaps.length - 3)) : []
  return {
    dataset: input.dataset.dataset,
    actions: [
      {
        _tag: 'CreateSnapshot',
        dataset: input.dataset.dataset,
        snapshot: name,
        type: 'frequent',
        recursive: false,
        reason: { _tag: 'FirstSnapshot' },
      },
      ...destroys.map((snapshot) => ({
        _tag: 'DestroySnapshot' as const,
        dataset: input.dataset.dataset,
        snapshot,
        reason: { _tag: 'BeyondRetention' as const, type: 'frequent' as const, rank: 4, count: 3 },
      })),
    ],
    decisions: [],
  }
}

const setup = (datasets: DatasetPolicy[], options: Daemon.Options = {}) => {
  const h = harness(Object.fromEntries(datasets.map((d) => [d.dataset, []])))
  const daemon = Daemon.make({ ...h.caps, planner }, { policy, datasets, zone: 'UTC' }, options)
  return { ...h, daemon }
}

describe('Daemon', () => {
  it('cycles every min(60 s, backup_interval) and keeps one dataset failing from stopping the others', async () => {
    const t = setup([ds('tank/broken'), ds('tank/a')])
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(5 * 60_000)
    stop.abort()
    expect(await running).toEqual({ _tag: 'Stopped' })
    expect(t.api.snapshots.get('tank/a')).toHaveLength(3)
    expect(t.metrics.snapshot().cycles).toBe(6)
    expect(t.log.text('error').filter((l) => l.includes('planner bug'))).toHaveLength(1)
    expect(t.daemon.status().tickMs).toBe(60_000)
  })

  it('API down: logged once when it goes down and once when it is back; nothing is changed meanwhile', async () => {
    const t = setup([ds('tank/a')])
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(60_000)
    t.api.down = true
    await t.clock.advance(30 * 60_000)
    expect(t.daemon.status().apiReachable).toBe(false)
    expect(t.metrics.render(t.clock.now(), t.api.stats())).toContain('zfs_autobackup_api_up 0')
    const during = t.api.snapshots.get('tank/a')!.length
    t.api.down = false
    await t.clock.advance(6 * 60_000)
    stop.abort()
    await running
    const errors = t.log.text('error').filter((l) => l.includes('unreachable'))
    expect(errors).toHaveLength(1)
    expect(t.log.text('info').filter((l) => l.includes('reachable again'))).toHaveLength(1)
    expect(t.api.snapshots.get('tank/a')!.length).toBeGreaterThanOrEqual(during)
    expect(t.daemon.status().apiReachable).toBe(true)
  })

  it('after an outage every hold is re-read before the first cycle plans (the API host may have changed)', async () => {
    const t = setup([ds('tank/a')])
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(3 * 60_000)
    t.api.down = true
    await t.clock.advance(10 * 60_000)
    const mark = t.api.calls.length
    t.api.down = false
    await t.clock.advance(5 * 60_000)
    stop.abort()
    await running
    const after = t.api.calls.slice(mark)
    const firstCreate = after.indexOf('snapshot_create')
    expect(firstCreate).toBeGreaterThan(0)
    // All three snapshots' holds are read in the recovering cycle, before it creates or destroys anything.
    expect(after.slice(0, firstCreate).filter((c) => c === 'snapshot_holds_list')).toHaveLength(3)
  })

  it('an undecodable task in the listing is reported once, not every cycle, while it stays', async () => {
    const t = setup([ds('tank/a'), ds('tank/b')])
    const bad = {
      id: 'odd',
      source: 'tank/a@s1',
      error: {
        _tag: 'Decode' as const,
        method: 'migration_list',
        path: 'result.tasks[0].status',
        message: 'bad',
      },
    }
    Object.assign(t.api, {
      migrationsInFlight: () => () =>
        Promise.resolve(E.right({ tasks: [], undecodable: [bad], truncated: false })),
    })
    for (let i = 0; i < 3; i++) await t.daemon.cycleOnce(new AbortController().signal)
    const said = t.log.text('warn').filter((l) => l.includes('task odd could not be read'))
    expect(said).toEqual([
      'migration_list: task odd could not be read (migration_list: unexpected reply at result.tasks[0].status: bad); tank/a counts it as a migration in flight of unknown range (no sync starts, nothing is destroyed) until it can',
    ])
  })

  it('an in-process successor (carried) still counts the creates that got no answer in flight', async () => {
    const t = setup([ds('tank/a')])
    t.daemon
      .carry()
      .unconfirmed?.record({ dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }, t.clock.now())
    const seen: PlanInput[] = []
    const next = Daemon.make(
      {
        ...t.caps,
        planner: (i: PlanInput) => {
          seen.push(i)
          return planner(i)
        },
      },
      { policy, datasets: [ds('tank/a')], zone: 'UTC' },
      { carried: t.daemon.carry() },
    )
    await next.cycleOnce(new AbortController().signal)
    expect(seen[0]?.observed.inFlight).toMatchObject([
      { remoteHost: 'nas', remoteDataset: 'backup/a', taskId: expect.stringMatching(/^unconfirmed-create@/) },
    ])
  })

  it('retries an unreachable API with a capped back-off (5 s doubling up to 5 min)', async () => {
    const t = setup([ds('tank/a')])
    t.api.down = true
    const attempts: number[] = []
    const inner = t.api.snapshotLists
    Object.assign(t.api, {
      snapshotLists: (d: ReadonlyArray<string>) => {
        attempts.push(t.clock.now())
        return inner(d)
      },
    })
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(30 * 60_000)
    stop.abort()
    await running
    const gaps = attempts.slice(1).map((a, i) => (a - attempts[i]!) / 1000)
    expect(gaps.slice(0, 8)).toEqual([5, 10, 20, 40, 80, 160, 300, 300])
  })

  it('reload: dataset changes apply at the next cycle, a broken file keeps the old config, server changes need a restart', async () => {
    let next: Daemon.Reload = { _tag: 'Unchanged' }
    const t = setup([ds('tank/a')], { reload: async () => next })
    t.api.snapshots.set('tank/b', [])
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(60_000)
    next = { _tag: 'Invalid', why: 'datasets[1].local_dataset: required (line 9)' }
    await t.clock.advance(3 * 60_000)
    expect(t.log.text('error').filter((l) => l.includes('keeping the running one'))).toHaveLength(1)
    expect(t.daemon.settings().datasets.map((d) => d.dataset)).toEqual(['tank/a'])
    next = {
      _tag: 'Changed',
      settings: {
        policy: { ...policy, backupIntervalSeconds: 300 },
        datasets: [ds('tank/a'), ds('tank/b')],
        zone: 'UTC',
      },
      datasetChanges: ['added tank/b'],
      serverChanges: ['server.backup_interval'],
      restartChanges: [],
    }
    await t.clock.advance(2 * 60_000)
    stop.abort()
    await running
    expect(t.daemon.settings().datasets.map((d) => d.dataset)).toEqual(['tank/a', 'tank/b'])
    expect(t.daemon.settings().policy.backupIntervalSeconds).toBe(600)
    expect(t.api.snapshots.get('tank/b')!.length).toBeGreaterThan(0)
    expect(t.log.text('warn').filter((l) => l.includes('needs restart'))).toHaveLength(1)
  })

  it('SIGHUP (reloadNow) applies server settings too, and asks for a restart when the API or HTTP settings changed', async () => {
    let restart: ReadonlyArray<string> = []
    const newSettings = {
      policy: { ...policy, backupIntervalSeconds: 120 },
      datasets: [ds('tank/a')],
      zone: 'UTC',
    }
    const t = setup([ds('tank/a')], {
      reload: async (full) =>
        full
          ? {
              _tag: 'Changed',
              settings: newSettings,
              datasetChanges: [],
              serverChanges: ['server.backup_interval', ...restart],
              restartChanges: restart,
            }
          : { _tag: 'Unchanged' },
    })
    const stop = new AbortController()
    const running = t.daemon.run(stop.signal)
    await t.clock.advance(1000)
    t.daemon.reloadNow()
    await t.clock.advance(1000)
    expect(t.daemon.settings().policy.backupIntervalSeconds).toBe(120)
    restart = ['zfs_api']
    t.daemon.reloadNow()
    await t.clock.advance(1000)
    expect(await running).toEqual({ _tag: 'Restart', settings: newSettings })
  })

  it('never runs two cycles at once', async () => {
    const t = setup([ds('tank/a')])
    const signal = new AbortController().signal
    const [a, b] = await Promise.all([t.daemon.cycleOnce(signal), t.daemon.cycleOnce(signal)])
    expect([a?._tag, b]).toEqual(['Done', undefined])
  })

  it('shutdown mid-cycle: the running phase finishes, no later phase starts, run resolves Stopped', async () => {
    const t = setup([ds('tank/a'), ds('tank/b')])
    t.api.snapshots.set('tank/a', ['x1', 'x2', 'x3', 'x4', 'x5'])
    const stop = new AbortController()
    const create = t.api.snapshotCreate
    Object.assign(t.api, {
      snapshotCreate: (d: string, name: string, recursive: boolean) => {
        stop.abort() // SIGTERM arrives while the creates' batch is in progress
        return create(d, name, recursive)
      },
    })
    const exit = await t.daemon.run(stop.signal)
    expect(exit).toEqual({ _tag: 'Stopped' })
    // The create phase (both datasets' creates, one batch) completes; the destroys never start.
    expect(t.api.calls.filter((c) => c === 'snapshot_create')).toHaveLength(2)
    expect(t.api.calls).not.toContain('snapshot_destroy')
    expect(t.api.snapshots.get('tank/a')).toHaveLength(6)
    expect(t.api.snapshots.get('tank/b')).toHaveLength(1)
    expect(
      t.log.text('info').filter((l) => l.startsWith('shutdown requested; 3 action(s) left')),
    ).toHaveLength(1)
    expect(t.metrics.snapshot().cycles).toBe(0) // an interrupted cycle is not a completed one
  })
})
