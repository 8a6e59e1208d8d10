import type { MigrationProgress } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import * as Arrivals from '../../src/daemon/Arrivals.js'
import type * as ArrivalVerifier from '../../src/daemon/ArrivalVerifier.js'
import * as HoldsCache from '../../src/daemon/HoldsCache.js'
import * as MigrationMonitor from '../../src/daemon/MigrationMonitor.js'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'
import { pushTask } from './FakeApi.js'
import { backupHost, type Harness, harness, T0 } from './Harness.js'

const m = { taskId: 'task-1', dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }
const OLD = 'sync_2026-11-26-12-00-00_nas'
const NEW = 'sync_2026-11-27-13-00-05_nas'

/** tank/a with s1 (the old sync hold) and s2, task-1 pushing s2 to nas, watched by a monitor. */
const monitored = (h: Harness, arrivals: Arrivals.Arrivals, verifier?: ArrivalVerifier.ArrivalVerifier) => {
  h.api.hold('tank/a', 's1', OLD)
  h.api.tasks.set(
    'task-1',
    pushTask('task-1', { source: 'tank/a@s2', destination: 'backup/a', remote: 'nas' }),
  )
  const cache = HoldsCache.make()
  const failures = SyncFailures.make()
  const monitor = MigrationMonitor.make(h.caps, cache, failures, {
    ...MigrationMonitor.defaults,
    zone: () => 'UTC',
    arrivals,
    ...(verifier === undefined ? {} : { verifier }),
  })
  monitor.track(m, [OLD], 'started')
  return { ...h, cache, failures, monitor, arrivals }
}

const setup = () => monitored(harness({ 'tank/a': ['s1', 's2'] }), Arrivals.make())

const progress = (percentage: number): MigrationProgress => ({
  timestamp: '',
  bytesTransferred: percentage * 1024 * 1024,
  bytesTotal: 100 * 1024 * 1024,
  percentage,
  rateMiBps: 12.5,
  etaSeconds: (100 - percentage) * 2,
  elapsedSeconds: percentage,
})

describe('MigrationMonitor', () => {
  it('completed with a new sync hold: sent, not proof of arrival; Sent evidence for the core, back-off reset', async () => {
    const t = setup()
    t.failures.recordFailure(m, 0)
    t.api.setTask('task-1', { status: 'completed' })
    t.api.hold('tank/a', 's2', NEW)
    const ended = await t.monitor.pollOnce()
    expect(ended).toEqual([{ migration: m, outcome: 'sent-unverified' }])
    expect(t.failures.get(m)).toBeUndefined()
    // The snapshot carrying the new sync hold is what was sent; the core keeps the base on the last two.
    expect(t.arrivals.of('tank/a')).toEqual([
      { _tag: 'Sent', remoteHost: 'nas', remoteDataset: 'backup/a', snapshot: 's2' },
    ])
    expect(t.arrivals.check(m)).toMatchObject({ _tag: 'SentUnverified', snapshot: 's2' })
    expect(
      t.log.text('info').some((l) => l.includes('sent tank/a@s2') && l.includes('arrival not verified')),
    ).toBe(true)
    expect(t.cache.holdsOf('tank/a', ['s1', 's2'])?.get('s2')).toEqual([NEW])
    expect(t.monitor.size()).toBe(0)
    // s2 has no time in its name: the lag counts from when the migration was seen ending.
    expect(t.metrics.render(t.clock.now() + 10_000, t.api.stats())).toContain(
      'zfs_autobackup_sync_lag_seconds{dataset="tank/a",remote_host="nas",remote_dataset="backup/a"} 10',
    )
  })

  it('completed while the holds cannot be re-read: still followed and in flight, its Sent evidence kept for the next read', async () => {
    const t = setup()
    t.api.setTask('task-1', { status: 'completed' })
    t.api.hold('tank/a', 's2', NEW)
    t.api.failing.set('snapshot_holds_list', {
      error: { _tag: 'Transport', method: 'snapshot_holds_list', message: 'fetch failed', timedOut: false },
      sticky: false,
    })
    // Forgetting the task here would lose what it sent: the base would never move to s2.
    expect(await t.monitor.pollOnce()).toEqual([])
    expect(t.monitor.size()).toBe(1)
    expect(t.monitor.inFlight('tank/a').map((x) => x.taskId)).toEqual(['task-1'])
    expect(t.arrivals.of('tank/a')).toEqual([])
    expect(t.log.text('warn').join('\n')).toMatch(/could not re-read holds .*still followed/)
    const ended = await t.monitor.pollOnce()
    expect(ended).toEqual([{ migration: m, outcome: 'sent-unverified' }])
    expect(t.arrivals.of('tank/a')).toEqual([
      { _tag: 'Sent', remoteHost: 'nas', remoteDataset: 'backup/a', snapshot: 's2' },
    ])
    expect(t.monitor.size()).toBe(0)
  })

  it('completed and the holds stay unreadable: given up as unverified after getGiveUpMs, said as an error', async () => {
    const t = setup()
    t.api.setTask('task-1', { status: 'completed' })
    t.api.failing.set('snapshot_holds_list', {
      error: { _tag: 'Transport', method: 'snapshot_holds_list', message: 'fetch failed', timedOut: false },
      sticky: true,
    })
    expect(await t.monitor.pollOnce()).toEqual([])
    await t.clock.advance(MigrationMonitor.defaults.getGiveUpMs - 1)
    expect(await t.monitor.pollOnce()).toEqual([])
    await t.clock.advance(1)
    expect(await t.monitor.pollOnce()).toEqual([{ migration: m, outcome: 'unverified' }])
    expect(t.log.text('error').join('\n')).toMatch(/holds could not be re-read for 30m/)
    expect(t.monitor.size()).toBe(0)
  })

  it('completed but no new sync hold (nothing sent): warns and counts a failure', async () => {
    const t = setup()
    t.api.setTask('task-1', { status: 'completed' })
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('nothing-sent')
    expect(t.failures.get(m)?.consecutive).toBe(1)
    expect(t.log.text('error').join('\n')).toMatch(/placed no new sync hold/)
  })

  it('failed: logs the API error and counts a failure; cancelled counts too', async () => {
    const t = setup()
    t.api.setTask('task-1', { status: 'failed', error: 'Migration failed with return code 1' })
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('failed')
    expect(t.log.text('error').join('\n')).toContain('Migration failed with return code 1')
    expect(t.failures.get(m)).toMatchObject({ consecutive: 1, lastFailureAt: t.clock.now() })

    t.monitor.track(m, [OLD], 'started')
    t.api.setTask('task-1', {
      status: 'completed',
      result: { returnCode: -15, elapsedSeconds: 3, cancelled: true },
    })
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('cancelled')
    expect(t.failures.get(m)?.consecutive).toBe(2)
  })

  it('logs progress per new 10 % step, at most once per 30 s, and at least every 5 min', async () => {
    const t = setup()
    const lines = () => t.log.text('info').filter((l) => l.includes('MiB/s'))
    const tick = async (ms: number, pct: number) => {
      await t.clock.advance(ms)
      t.api.setTask('task-1', { status: 'running', progress: progress(pct) })
      await t.monitor.pollOnce()
    }
    await tick(0, 1)
    expect(lines()).toHaveLength(1) // the first tick
    await tick(10_000, 12)
    expect(lines()).toHaveLength(1) // new step, but only 10 s later
    await tick(20_000, 14)
    expect(lines()).toHaveLength(2) // 30 s since the last line, and step 1 not logged yet
    await tick(30_000, 15)
    expect(lines()).toHaveLength(2) // 30 s, but same step
    await tick(270_000, 16)
    expect(lines()).toHaveLength(3) // 5 min without a line: heartbeat
    await tick(10_000, 60)
    await tick(30_000, 70)
    expect(lines()).toHaveLength(4)
    expect(lines()[3]).toMatch(
      /^sync \[task-1\] 70\.0% at 12\.5 MiB\/s, ETA 1m 0s, 70\.0 MiB of 100\.0 MiB sent$/,
    )
  })

  it('keeps tracking through API errors, drops a task the API forgot', async () => {
    const t = setup()
    t.api.down = true
    expect(await t.monitor.pollOnce()).toEqual([])
    expect(t.monitor.isTracked('task-1')).toBe(true)
    t.api.down = false
    t.api.tasks.delete('task-1')
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('vanished')
    expect(t.monitor.isTracked('task-1')).toBe(false)
  })

  it('a migration_get that keeps failing is logged once, then given up after the bound (never re-adopted)', async () => {
    const t = setup()
    t.api.failing.set('migration_get', {
      error: { _tag: 'Decode', method: 'migration_get', path: 'result.status', message: 'expected a status' },
      sticky: true,
    })
    const poll = async (minutes: number) => {
      for (let i = 0; i < minutes * 6; i++) {
        await t.clock.advance(10_000)
        await t.monitor.pollOnce()
      }
    }
    await poll(29)
    expect(t.monitor.isTracked('task-1')).toBe(true)
    expect(t.log.text('warn').filter((l) => l.includes('migration_get failed'))).toHaveLength(1)
    await poll(2)
    expect(t.monitor.isTracked('task-1')).toBe(false)
    expect(t.log.text('error').join('\n')).toMatch(
      /sync \[task-1\] given up: migration_get has failed for 30m/,
    )
    t.monitor.track(m, [], 'adopted')
    expect(t.monitor.isTracked('task-1')).toBe(false)
  })

  it('a running migration with no progress is stale after 10 min (warned once), given up after 6 h', async () => {
    const t = setup()
    t.api.setTask('task-1', { status: 'running', progress: progress(40) })
    const poll = async (minutes: number) => {
      for (let i = 0; i < minutes * 6; i++) {
        await t.clock.advance(10_000)
        await t.monitor.pollOnce()
      }
    }
    await poll(9)
    expect(t.monitor.stale()).toEqual([])
    await poll(2)
    expect(t.monitor.stale()).toMatchObject([{ migration: m, since: T0 + 10_000 }])
    expect(t.log.text('warn').filter((l) => l.includes('no progress for'))).toHaveLength(1)
    expect(t.monitor.inFlight('tank/a')).toHaveLength(1) // still protects what it may be sending
    // It moves again: no longer stale, said once.
    t.api.setTask('task-1', { progress: progress(41) })
    await poll(1)
    expect(t.monitor.stale()).toEqual([])
    expect(t.log.text('info').filter((l) => l.includes('progressing again'))).toHaveLength(1)
    await poll(6 * 60 + 2)
    expect(t.monitor.isTracked('task-1')).toBe(false)
    expect(t.monitor.inFlight('tank/a')).toEqual([])
    expect(t.monitor.ignored('task-1')).toBe(true)
    expect(t.log.text('error').join('\n')).toMatch(
      /sync \[task-1\] given up: no progress for 6h 0m .*no longer blocks syncs or retention to nas:backup\/a/,
    )
  })

  it('polls on its own timer, every 10 s of clock time, until aborted', async () => {
    const t = setup()
    const stop = new AbortController()
    const running = t.monitor.run(stop.signal)
    await t.clock.advance(9_999)
    expect(t.api.calls.filter((c) => c === 'migration_get')).toHaveLength(0)
    await t.clock.advance(1)
    await t.clock.advance(20_000)
    expect(t.api.calls.filter((c) => c === 'migration_get')).toHaveLength(3)
    stop.abort()
    await running
  })

  it('tracking the same task twice (adoption after start) does not duplicate it', () => {
    const t = setup()
    t.monitor.track(m, [], 'adopted')
    expect(t.monitor.size()).toBe(1)
    expect(t.monitor.inFlight('tank/a')).toEqual([
      { taskId: 'task-1', remoteHost: 'nas', remoteDataset: 'backup/a', status: 'pending' },
    ])
    expect(t.monitor.inFlight('tank/b')).toEqual([])
  })
})

/** The same, with nas:backup/a served by its own API (`nas`), holding `remote` (guids as the source's). */
const withApi = (remote: ReadonlyArray<string>) => {
  const h = harness({ 'tank/a': ['s1', 's2'] })
  const { nas, arrivals, verifier } = backupHost(h, remote)
  const { cache, failures, monitor } = monitored(h, arrivals, verifier)
  /** The migration completes, the API's new sync hold on s2 (placed whether or not it arrived). */
  const complete = () => {
    h.api.setTask('task-1', { status: 'completed' })
    h.api.hold('tank/a', 's2', NEW)
  }
  const ds = {
    dataset: 'tank/a',
    recursive: false,
    destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
  }
  return { ...h, nas, cache, failures, arrivals, verifier, monitor, complete, ds }
}

describe('MigrationMonitor with a destination API (verified arrival)', () => {
  it('the sent snapshot is there with the same guid: synced, Arrived evidence (not Sent), back-off reset', async () => {
    const t = withApi(['s1', 's2'])
    t.failures.recordFailure(m, 0)
    t.complete()
    expect(await t.monitor.pollOnce()).toEqual([{ migration: m, outcome: 'synced' }])
    expect(t.arrivals.of('tank/a')).toEqual([
      { _tag: 'Arrived', remoteHost: 'nas', remoteDataset: 'backup/a', snapshot: 's2', guid: 'guid-of-s2' },
    ])
    expect(t.arrivals.check(m)).toMatchObject({ _tag: 'Verified', snapshot: 's2' })
    expect(t.failures.get(m)).toBeUndefined()
    expect(t.log.text('info').join('\n')).toContain(
      'done: nas:backup/a has tank/a@s2 (verified: same guid on both ends); the base hold moves there',
    )
    // The cost of verifying: one listing on the backup host, one guid on each side.
    expect(t.nas.calls).toEqual(['snapshot_list', 'dataset_get_properties'])
    expect(t.api.calls.filter((c) => c === 'dataset_get_properties')).toHaveLength(1)
    // Checked already: the cycle has nothing due for it.
    expect(await t.verifier.runDue(t.ds, ['s1', 's2'])).toBe(0)
  })

  it('a failed receive (sync hold placed, nothing arrived): not-received, the base stays, a failure for the back-off', async () => {
    const t = withApi(['s1'])
    t.complete()
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('not-received')
    // What is there (s1) is confirmed; s2 is never evidence.
    expect(t.arrivals.of('tank/a').map((e) => [e._tag, e.snapshot])).toEqual([['Arrived', 's1']])
    expect(t.failures.get(m)?.consecutive).toBe(1)
    expect(t.log.text('error').join('\n')).toContain(
      "but it did not arrive: nas:backup/a's newest common snapshot is still s1",
    )
    expect(t.metrics.render(t.clock.now(), t.api.stats())).not.toContain('zfs_autobackup_sync_lag_seconds{')
  })

  it('diverged (same name, other guid) and frozen (nothing in common): failures, no evidence', async () => {
    const t = withApi(['s1', 's2'])
    t.nas.guids.set('backup/a@s2', 'retaken')
    t.complete()
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('diverged')
    expect(t.arrivals.of('tank/a')).toEqual([])
    expect(t.arrivals.check(m)).toMatchObject({ _tag: 'Diverged', snapshot: 's2' })
    expect(t.log.text('error').join('\n')).toContain('DIVERGED')

    const f = withApi(['other'])
    f.api.setTask('task-1', { status: 'completed' }) // "No common snapshots … Aborting": completed, no hold
    expect((await f.monitor.pollOnce())[0]?.outcome).toBe('frozen')
    expect(f.arrivals.check(m)).toMatchObject({ _tag: 'Frozen' })
    expect(f.failures.get(m)?.consecutive).toBe(1)
  })

  it('the check fails: sent-unverified, nothing concluded, the cycle checks again', async () => {
    const t = withApi(['s1', 's2'])
    t.nas.down = true
    t.complete()
    expect((await t.monitor.pollOnce())[0]?.outcome).toBe('sent-unverified')
    expect(t.arrivals.of('tank/a')).toEqual([])
    expect(t.arrivals.check(m)).toBeUndefined()
    expect(t.log.text('warn').join('\n')).toContain('arrival not verified yet')
    t.nas.down = false
    expect(await t.verifier.runDue(t.ds, ['s1', 's2'])).toBe(1)
    expect(t.arrivals.of('tank/a').map((e) => [e._tag, e.snapshot])).toEqual([['Arrived', 's2']])
  })

  it('a failed, cancelled or vanished migration asks the cycle for a check (it has no listing to check with)', async () => {
    for (const end of ['failed', 'cancelled', 'vanished'] as const) {
      const t = withApi(['s1'])
      t.arrivals.setCheck(m, { _tag: 'Verified', snapshot: 's1', at: 0 })
      if (end === 'vanished') t.api.tasks.delete('task-1')
      else t.api.setTask('task-1', { status: end })
      expect((await t.monitor.pollOnce())[0]?.outcome).toBe(end)
      expect(t.nas.calls).toEqual([])
      expect(await t.verifier.runDue(t.ds, ['s1', 's2'])).toBe(1)
      expect(t.nas.calls).toEqual(['snapshot_list', 'dataset_get_properties'])
    }
  })
})
