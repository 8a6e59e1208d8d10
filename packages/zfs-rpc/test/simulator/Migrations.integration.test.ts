import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { makeSimulator } from '../../src/testing/index.js'
import { callIn, type Json, start } from './http.js'

const MiB = 1024 * 1024
const T0 = Date.UTC(2026, 10, 27, 1, 0, 0)
/** 25 MiB per snapshot at 1 MiB/s: one snapshot takes 25 s after a 600 ms start-up. */
const setup = async (extra: Parameters<typeof start>[0] = {}) => {
  const clock = new VirtualClock(T0)
  const running = await start({
    clock,
    zone: 'Europe/Vienna',
    migration: { bytesPerSnapshot: 25 * MiB, bytesPerSecond: MiB, overheadMs: 600 },
    ...extra,
  })
  const result = async (method: string, params: unknown) =>
    (await running.rpc(method, params))['result'] as Json
  return { ...running, clock, result }
}

describe('simulator: migrations on a virtual clock', () => {
  it('full send when the destination is missing: pending/running → completed, 10 s ticks, sync holds on both sides', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    const created = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'nas',
    })
    expect(created).toEqual({
      task_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      status: 'created',
      params: {
        source: 'tank/data@s1',
        destination: 'backup/data',
        recursive: false,
        sync: true,
        remote: 'nas',
      },
    })
    const id = created['task_id'] as string
    expect(await result('migration_get', { task_id: id })).toMatchObject({
      status: 'running',
      created_at: '2026-11-27T01:00:00.000000+00:00',
      started_at: '2026-11-27T01:00:00.000000+00:00',
      completed_at: null,
      result: null,
      progress: null,
      error: null,
    })
    expect(await result('migration_progress', { task_id: id })).toEqual({
      task_id: id,
      status: 'running',
      progress: {},
      error: null,
    })
    await clock.advance(10_600)
    expect((await result('migration_get', { task_id: id }))['progress']).toEqual({
      timestamp: '2026-11-27T01:00:10.600000+00:00',
      task_id: id,
      status: 'progress',
      bytes_transferred: 10 * MiB,
      bytes_total: 25 * MiB,
      percentage: 40,
      rate_mbps: 1,
      eta_seconds: 15,
      elapsed_seconds: 10,
    })
    await clock.advance(15_000)
    const done = await result('migration_get', { task_id: id })
    expect(done).toMatchObject({
      status: 'completed',
      completed_at: '2026-11-27T01:00:25.600000+00:00',
      result: { return_code: 0, elapsed_seconds: 25.6 },
      progress: { percentage: 80, elapsed_seconds: 20 },
    })
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(['s1'])
    // 01:00:25 UTC is 02:00:25 in Vienna: the tag carries the API host's local time.
    expect(sim.inspect.holds('tank/data', 's1')).toEqual(['sync_2026-11-27-02-00-25_nas'])
    expect(sim.inspect.holds('backup/data', 's1', 'nas')).toEqual(['sync_2026-11-27-02-00-25_nas'])
  })

  it('incremental -I common → latest (the @snap of source is ignored); older sync holds of that host released', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1', 's2', 's3'])
    sim.seed.hold('tank/data', 's1', 'sync_2026-11-26-02-00-00_nas')
    sim.seed.hold('tank/data', 's1', 'sync_2026-11-26-02-00-00_other')
    sim.seed.snapshots('backup/data', ['s1'], { host: 'nas', holds: ['sync_2026-11-26-02-00-00_nas'] })
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s2',
      destination: 'backup/data',
      remote: 'nas',
    })
    await clock.advance(50_600)
    expect((await result('migration_get', { task_id }))['status']).toBe('completed')
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(['s1', 's2', 's3'])
    const tag = 'sync_2026-11-27-02-00-50_nas'
    expect(['s1', 's2', 's3'].map((s) => sim.inspect.holds('tank/data', s))).toEqual([
      ['sync_2026-11-26-02-00-00_other'],
      [],
      [tag],
    ])
    expect(['s1', 's2', 's3'].map((s) => sim.inspect.holds('backup/data', s, 'nas'))).toEqual([[], [], [tag]])
  })

  it('no common snapshot: completed with nothing sent and no holds (quirk)', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.seed.snapshots('backup/data', ['other'], { host: 'nas' })
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'nas',
    })
    await clock.advance(600)
    expect(await result('migration_get', { task_id })).toMatchObject({
      status: 'completed',
      result: { return_code: 0 },
      progress: null,
    })
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(['other'])
    expect(sim.inspect.holds('tank/data', 's1')).toEqual([])
  })

  it('cancel: completed with result.cancelled and return code -15, nothing received; second cancel -32111', async () => {
    const { sim, clock, rpc, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1'])
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'nas',
    })
    await clock.advance(5_000)
    expect(await result('migration_cancel', { task_id })).toEqual({ task_id, cancelled: true })
    await clock.advance(0)
    expect(await result('migration_get', { task_id })).toMatchObject({
      status: 'completed',
      result: { return_code: -15, elapsed_seconds: 5, cancelled: true },
    })
    expect(sim.inspect.datasets('nas')).not.toContain('backup/data')
    expect((await rpc('migration_cancel', { task_id }))['error']).toEqual({
      code: -32111,
      message: 'Failed to cancel task - may have already completed',
    })
  })

  it.each([
    ['migration_get', -32105],
    ['migration_cancel', -32109],
    ['migration_progress', -32114],
  ])('%s of an unknown task → %i Task not found', async (method, code) => {
    const { rpc } = await setup()
    expect((await rpc(method, { task_id: 'nope' }))['error']).toEqual({ code, message: 'Task not found' })
  })

  it('a failMigration fault: status failed, the generic error, progress null', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.faults.script('migration_create', [{ kind: 'failMigration' }])
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'nas',
    })
    await clock.advance(600)
    expect(await result('migration_get', { task_id })).toMatchObject({
      status: 'failed',
      error: 'Migration failed with return code 1',
      progress: null,
    })
  })

  it('migration_list applies limit before sorting newest first (quirk); status filter is exact', async () => {
    const { sim, clock, result } = await setup({
      migration: { workers: 1, overheadMs: 600, bytesPerSnapshot: MiB, bytesPerSecond: MiB },
    })
    sim.seed.snapshots('tank/data', ['s1'])
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await result('migration_create', {
            source: 'tank/data@s1',
            destination: `backup/d${i}`,
            remote: 'nas',
          })
        )['task_id'],
      )
      await clock.advance(1)
    }
    const all = await result('migration_list', {})
    expect(all['total']).toBe(5)
    expect(all['tasks'].map((t: Json) => t.id)).toEqual([...ids].reverse())
    expect(Object.keys(all['tasks'][0]).sort()).toEqual([
      'completed_at',
      'created_at',
      'error',
      'id',
      'params',
      'progress',
      'started_at',
      'status',
    ])
    const two = await result('migration_list', { limit: 2 })
    expect(two['tasks'].map((t: Json) => t.id)).toEqual(
      [...ids]
        .sort()
        .slice(0, 2)
        .sort((a, b) => ids.indexOf(b) - ids.indexOf(a)),
    )
    expect((await result('migration_list', { status: 'pending' }))['total']).toBe(4)
    expect((await result('migration_list', { status: 'Pending' }))['total']).toBe(0)
  })

  it('a comma-separated remote pushes to each host in turn, each with its own sync tag', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1'])
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'a,b',
    })
    await clock.advance(50_600)
    expect((await result('migration_get', { task_id }))['status']).toBe('completed')
    expect([sim.inspect.snapshots('backup/data', 'a'), sim.inspect.snapshots('backup/data', 'b')]).toEqual([
      ['s1'],
      ['s1'],
    ])
    expect(sim.inspect.holds('tank/data', 's1')).toEqual([
      'sync_2026-11-27-02-00-25_a',
      'sync_2026-11-27-02-00-50_b',
    ])
  })

  it('limit (MB/s, "M" suffix stripped) caps the rate; without a size estimate bytes_total is null', async () => {
    const { sim, clock, result } = await setup({
      migration: { bytesPerSnapshot: 25 * MiB, bytesPerSecond: 10 * MiB, sizeEstimate: false },
    })
    sim.seed.snapshots('tank/data', ['s1'])
    const { task_id, params } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'nas',
      limit: '1M',
    })
    expect(params).toMatchObject({ limit: '1M' })
    await clock.advance(10_600)
    expect((await result('migration_get', { task_id }))['progress']).toMatchObject({
      bytes_transferred: 10 * MiB,
      bytes_total: null,
      percentage: 0,
      rate_mbps: 1,
      eta_seconds: 0,
    })
  })

  it('with unknownRemotes "fail" an unknown host fails the task', async () => {
    const { sim, clock, result } = await setup({ unknownRemotes: 'fail', remotes: ['nas'] })
    sim.seed.snapshots('tank/data', ['s1'])
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/data',
      remote: 'elsewhere',
    })
    await clock.advance(600)
    expect(await result('migration_get', { task_id })).toMatchObject({
      status: 'failed',
      error: 'Migration failed with return code 1',
    })
  })

  it('quirk: an incremental that cannot land (destination has a newer foreign snapshot) still completes and holds locally', async () => {
    const { sim, clock, result } = await setup()
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    sim.seed.snapshots('backup/data', ['s1', 'foreign'], { host: 'nas' })
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s2',
      destination: 'backup/data',
      remote: 'nas',
    })
    await clock.advance(25_600)
    expect((await result('migration_get', { task_id }))['status']).toBe('completed')
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(['s1', 'foreign'])
    expect(sim.inspect.holds('tank/data', 's2')).toEqual(['sync_2026-11-27-02-00-25_nas'])
  })

  it('cancel of a pending task (all workers busy) ends it "cancelled"; it never runs', async () => {
    const { sim, clock, result } = await setup({
      migration: { workers: 1, overheadMs: 600, bytesPerSnapshot: MiB, bytesPerSecond: MiB },
    })
    sim.seed.snapshots('tank/data', ['s1'])
    await result('migration_create', { source: 'tank/data@s1', destination: 'backup/a', remote: 'nas' })
    const { task_id } = await result('migration_create', {
      source: 'tank/data@s1',
      destination: 'backup/b',
      remote: 'nas',
    })
    expect((await result('migration_get', { task_id }))['status']).toBe('pending')
    await result('migration_cancel', { task_id })
    await clock.advance(60_000)
    expect(await result('migration_get', { task_id })).toMatchObject({
      status: 'cancelled',
      started_at: null,
      result: null,
    })
    expect(sim.inspect.datasets('nas')).toEqual(['backup', 'backup/a'])
  })

  it('a snapshot destroyed while being sent is recorded as a violation and nothing lands', async () => {
    const { sim, clock, result, rpc } = await setup()
    sim.seed.snapshots('tank/data', ['s1'])
    await result('migration_create', { source: 'tank/data@s1', destination: 'backup/data', remote: 'nas' })
    await clock.advance(5_000)
    await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' })
    await clock.advance(30_000)
    expect(sim.inspect.violations().map((v) => v.message)).toEqual([
      expect.stringContaining('tank/data@s1 destroyed while migration'),
    ])
    expect(sim.inspect.datasets('nas')).not.toContain('backup/data')
  })

  it('a year of daily syncs runs in virtual time (in-process fetch); exactly one sync hold per side remains', async () => {
    const clock = new VirtualClock(T0)
    const sim = makeSimulator({
      clock,
      zone: 'Europe/Vienna',
      migration: { bytesPerSnapshot: 25 * MiB, bytesPerSecond: MiB },
    })
    const result = (method: string, params: unknown) => callIn(sim, method, params)
    sim.seed.dataset('tank/data')
    for (let day = 0; day < 365; day++) {
      await result('snapshot_create', { dataset: 'tank/data', name: `d${day}` })
      const { task_id } = await result('migration_create', {
        source: `tank/data@d${day}`,
        destination: 'backup/data',
        remote: 'nas',
      })
      await clock.advance(86_400_000)
      expect((await result('migration_get', { task_id }))['status']).toBe('completed')
    }
    const local = sim.inspect.snapshots('tank/data')
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(local)
    expect(local.filter((s) => sim.inspect.holds('tank/data', s).length > 0)).toEqual(['d364'])
    expect(
      sim.inspect
        .snapshots('backup/data', 'nas')
        .filter((s) => sim.inspect.holds('backup/data', s, 'nas').length > 0),
    ).toEqual(['d364'])
  })
})
