import type { Action, Plan } from '@zfs-autobackup/core'
import type { RpcError } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import * as Executor from '../../src/daemon/Executor.js'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { remote } from './FakeApi.js'
import { harness, T0 } from './Harness.js'

const D = 'tank/a'
const create = (snapshot: string): Action => ({
  _tag: 'CreateSnapshot',
  dataset: D,
  snapshot,
  type: 'frequent',
  recursive: false,
  reason: { _tag: 'FirstSnapshot' },
})
const destroy = (snapshot: string): Action => ({
  _tag: 'DestroySnapshot',
  dataset: D,
  snapshot,
  reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 4 },
})
const release = (snapshot: string, tag: string): Action => ({
  _tag: 'ReleaseHold',
  dataset: D,
  snapshot,
  tag,
  reason: { _tag: 'SupersededSyncHold', newer: 'sync_x_nas', newerOn: 's9' },
})
const sync = (snapshot: string): Action => ({
  _tag: 'StartSync',
  dataset: D,
  snapshot,
  remoteHost: 'nas',
  remoteDataset: 'backup/a',
  reason: { _tag: 'NeverSynced' },
})
const plan = (...actions: Action[]): Plan => ({ dataset: D, actions, decisions: [] })

const setup = (snapshots: string[]) => {
  const h = harness({ [D]: snapshots })
  const cache = HoldsCache.make()
  cache.toRead(D, snapshots, 0)
  cache.store(D, new Map(snapshots.map((s) => [s, []])), cache.generation(D))
  const failures = SyncFailures.make()
  const monitor = MigrationMonitor.make(h.caps, cache, failures, {
    ...MigrationMonitor.defaults,
    zone: () => 'UTC',
  })
  const executor = Executor.make(h.caps, cache, failures, monitor)
  const ctx = { inFlightKnown: true, stopRequested: () => false }
  return { ...h, cache, failures, monitor, executor, ctx }
}

describe('Executor', () => {
  it('runs create → release → destroy → sync whatever order the plan lists them in', async () => {
    const t = setup(['s1', 's2'])
    t.api.hold(D, 's1', 'sync_old_nas')
    const r = await t.executor.execute(
      plan(sync('new'), destroy('s2'), release('s1', 'sync_old_nas'), create('new')),
      t.ctx,
    )
    expect(t.api.calls).toEqual([
      'snapshot_create',
      'snapshot_release',
      'snapshot_destroy',
      'migration_create',
    ])
    expect(r).toEqual({ done: 4, failed: 0, skipped: 0, stopped: 0, created: 'new' })
    expect(t.monitor.isTracked('task-1')).toBe(true)
    expect(t.log.text('info')[0]).toMatch(/created @new \(frequent\): none of ours exists yet/)
  })

  it('logs every action with its dataset and reason', async () => {
    const t = setup(['s1', 's2'])
    await t.executor.execute(plan(destroy('s1')), t.ctx)
    expect(t.log.lines.find((l) => l.message.startsWith('destroyed'))).toEqual({
      level: 'info',
      message: 'destroyed @s1: beyond newest 4 frequent (rank 5)',
      fields: { dataset: D },
    })
  })

  it('a busy destroy is kept, logged and its snapshot holds re-read next cycle; the others go on', async () => {
    const t = setup(['s1', 's2', 's3'])
    t.api.hold(D, 's1', 'foreign')
    const r = await t.executor.execute(plan(destroy('s1'), destroy('s2')), t.ctx)
    expect(r).toMatchObject({ done: 1, failed: 1 })
    expect(t.api.snapshots.get(D)).toEqual(['s1', 's3'])
    expect(t.cache.toRead(D, ['s1', 's3'], 1)).toEqual(['s1'])
    expect(t.log.text('warn').join()).toMatch(/@s1 cannot be destroyed: .*dataset is busy/)
  })

  it('a create that finds the name taken is not fatal: the rest of the plan runs', async () => {
    const t = setup(['s1', 'new'])
    const r = await t.executor.execute(plan(create('new'), destroy('s1')), t.ctx)
    // Not `created`: the name was taken, maybe not by a recursive create (a tree's descendants may lack it).
    expect(r).toEqual({ done: 1, failed: 0, skipped: 1, stopped: 0 })
    expect(t.api.snapshots.get(D)).toEqual(['new'])
  })

  it('a failed create voids the rest of the plan (it was computed assuming the new snapshot)', async () => {
    const t = setup(['s1'])
    t.api.failing.set('snapshot_create', {
      error: remote('snapshot_create', -32021, 'out of space\n'),
      sticky: false,
    })
    const r = await t.executor.execute(plan(create('new'), destroy('s1'), sync('new')), t.ctx)
    expect(r).toEqual({ done: 0, failed: 1, skipped: 2, stopped: 0 })
    expect(t.api.calls).toEqual(['snapshot_create'])
    expect(t.metrics.snapshot().errors.get('remote_snapshot_create')).toBe(1)
  })

  it('a recursive create refused because a child has the name fails: nothing else of the plan runs', async () => {
    const t = setup(['s1'])
    t.api.failing.set('snapshot_create', {
      error: remote(
        'snapshot_create',
        -32021,
        `Failed to create snapshot: cannot create snapshot '${D}/child@new': dataset already exists\n`,
      ),
      sticky: false,
    })
    const r = await t.executor.execute(
      plan({ ...create('new'), recursive: true } as Action, destroy('s1')),
      t.ctx,
    )
    expect(r).toEqual({ done: 0, failed: 1, skipped: 1, stopped: 0 })
    expect(t.api.calls).toEqual(['snapshot_create'])
    expect(t.api.snapshots.get(D)).toEqual(['s1'])
    expect(t.log.text('error').join()).toMatch(/create @new failed: .*tank\/a\/child@new/)
  })

  const clones = (s: string) =>
    remote(
      'snapshot_destroy',
      -32026,
      `Failed to destroy snapshot: cannot destroy '${D}@${s}': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/restore_a\n`,
    )

  it('a destroy zfs refused (dependent clones) postpones no sync and is reported once, not every cycle', async () => {
    const t = setup(['s1', 's2'])
    t.api.failing.set('snapshot_destroy', { error: clones('s1'), sticky: true })
    const first = await t.executor.execute(plan(destroy('s1'), sync('s2')), t.ctx)
    expect(first).toEqual({ done: 1, failed: 1, skipped: 0, stopped: 0 })
    expect(t.api.calls).toEqual(['snapshot_destroy', 'migration_create'])
    await t.executor.execute(plan(destroy('s1')), t.ctx)
    await t.executor.execute(plan(destroy('s1')), t.ctx)
    const said = t.log.lines.filter((l) => l.level !== 'debug' && /@s1/.test(l.message))
    expect(said.map((l) => [l.level, l.message])).toEqual([
      [
        'warn',
        "@s1 cannot be destroyed: cannot destroy 'tank/a@s1': snapshot has dependent clones; kept, and tried again each cycle without another line until it works",
      ],
    ])
    expect(t.executor.refusals.all()).toMatchObject([{ dataset: D, snapshot: 's1', since: T0 }])
    t.api.failing.delete('snapshot_destroy')
    await t.executor.execute(plan(destroy('s1')), t.ctx)
    expect(t.log.text('info').join('\n')).toMatch(/@s1 is no longer refused/)
    expect(t.executor.refusals.all()).toEqual([])
  })

  it('a destroy with no answer still postpones the syncs: it may run later on the API host', async () => {
    const t = setup(['s1', 's2'])
    t.api.failing.set('snapshot_destroy', {
      error: { _tag: 'Transport', method: 'snapshot_destroy', message: 'timed out', timedOut: true },
      sticky: false,
    })
    const r = await t.executor.execute(plan(destroy('s1'), sync('s2')), t.ctx)
    expect(r).toEqual({ done: 0, failed: 1, skipped: 1, stopped: 0 })
    expect(t.api.calls).toEqual(['snapshot_destroy'])
  })

  it('a refusal after an unanswered attempt of the same call proves nothing: syncs are postponed', async () => {
    const t = setup(['s1', 's2'])
    t.api.failing.set('snapshot_destroy', {
      error: { ...clones('s1'), afterUnansweredAttempt: true } as RpcError,
      sticky: false,
    })
    const r = await t.executor.execute(plan(destroy('s1'), sync('s2')), t.ctx)
    expect(r.skipped).toBe(1)
    expect(t.api.calls).toEqual(['snapshot_destroy'])
  })

  it('stops between actions once shutdown is requested, never starting another', async () => {
    const t = setup(['s1', 's2', 's3'])
    let calls = 0
    const r = await t.executor.execute(plan(destroy('s1'), destroy('s2'), destroy('s3')), {
      inFlightKnown: true,
      stopRequested: () => calls++ >= 1,
    })
    expect(r).toEqual({ done: 1, failed: 0, skipped: 0, stopped: 2 })
    expect(t.api.snapshots.get(D)).toEqual(['s2', 's3'])
  })

  it('starts no sync when migrations could not be listed', async () => {
    const t = setup(['s1'])
    const r = await t.executor.execute(plan(sync('s1')), { ...t.ctx, inFlightKnown: false })
    expect(r.skipped).toBe(1)
    expect(t.api.calls).toEqual([])
  })

  it('a failed migration_create feeds the back-off', async () => {
    const t = setup(['s1'])
    t.api.failing.set('migration_create', {
      error: remote('migration_create', -32100, 'Migration service not available'),
      sticky: false,
    })
    await t.executor.execute(plan(sync('s1')), t.ctx)
    expect(t.failures.get({ dataset: D, remoteHost: 'nas', remoteDataset: 'backup/a' })?.consecutive).toBe(1)
  })

  it('a release of a tag already gone counts as done', async () => {
    const t = setup(['s1'])
    const r = await t.executor.execute(plan(release('s1', 'sync_gone_nas')), t.ctx)
    expect(r.done).toBe(1)
  })

  it('counts actions by kind and outcome', async () => {
    const t = setup(['s1', 's2'])
    t.api.hold(D, 's2', 'foreign')
    await t.executor.execute(plan(create('n'), destroy('s1'), destroy('s2')), t.ctx)
    const text = t.metrics.render(0, t.api.stats())
    expect(text).toContain('zfs_autobackup_actions_total{kind="create",outcome="ok"} 1')
    expect(text).toContain('zfs_autobackup_actions_total{kind="destroy",outcome="ok"} 1')
    expect(text).toContain('zfs_autobackup_actions_total{kind="destroy",outcome="failed"} 1')
  })
})
