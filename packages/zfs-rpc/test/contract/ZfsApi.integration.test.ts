import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { remoteFailureOf as classify } from '../../src/RemoteFailure.js'
import { connect, left, right } from './harness.js'

describe('contract: the real client against the simulator over HTTP on 127.0.0.1', () => {
  it('health, pools, datasets', async () => {
    const { api } = await connect({ datasets: ['tank/data/child', 'backup/x'] })
    expect(await right(api.health())).toMatchObject({ status: 'healthy', pools: 2 })
    expect(await right(api.poolList())).toEqual(['tank', 'backup'])
    expect(await right(api.datasetList())).toEqual([
      'backup',
      'backup/x',
      'tank',
      'tank/data',
      'tank/data/child',
    ])
    expect(await right(api.datasetList('tank/data'))).toEqual(['tank/data', 'tank/data/child'])
    expect(await right(api.datasetList('nope'))).toEqual([])
  })

  it('snapshots: create, list in creation order, unknown dataset → [], duplicate → AlreadyExists', async () => {
    const { api, sim } = await connect({ datasets: ['tank/data'] })
    await right(api.snapshotCreate('tank/data', 'b', false))
    await right(api.snapshotCreate('tank/data', 'a', false))
    expect(await right(api.snapshotList('tank/data'))).toEqual(['b', 'a'])
    expect(await right(api.snapshotList('tank/none'))).toEqual([])
    const dup = await left(api.snapshotCreate('tank/data', 'a', false))
    expect(dup).toMatchObject({ _tag: 'Remote', method: 'snapshot_create', code: -32021 })
    expect(classify(dup)).toBe('AlreadyExists')
    expect(sim.inspect.snapshots('tank/data')).toEqual(['b', 'a'])
  })

  it('snapshotLists batches many datasets in one round trip, per-dataset results in order', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/a', ['a1'])
    sim.seed.snapshots('tank/b', ['b1', 'b2'])
    const r = await right(api.snapshotLists(['tank/b', 'tank/none', 'tank/a']))
    expect(r).toEqual([
      { _tag: 'Right', right: ['b1', 'b2'] },
      { _tag: 'Right', right: [] },
      { _tag: 'Right', right: ['a1'] },
    ])
    expect(sim.inspect.counts().httpRequests).toBe(1)
  })

  it('destroy: held → SnapshotBusy and kept; never sent with recursive=true; unheld → gone', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    sim.seed.snapshots('tank/data/child', ['s2'])
    sim.seed.hold('tank/data', 's1', 'keep')
    const busy = await left(api.snapshotDestroy('tank/data', 's1'))
    expect(busy).toMatchObject({ _tag: 'Remote', code: -32026 })
    expect(classify(busy)).toBe('SnapshotBusy')
    await right(api.snapshotDestroy('tank/data', 's2'))
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
    expect(sim.inspect.snapshots('tank/data/child')).toEqual(['s2'])
    expect(sim.inspect.mutations().map((m) => m.params['recursive'])).toEqual([false, false])
  })

  it('holds: hold, TagExists, holdsList (tags only, descending; missing snapshot → []), release, NoSuchTag', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    await right(api.snapshotHold('tank/data', 's1', 'keepme'))
    await right(api.snapshotHold('tank/data', 's1', 'zz_second'))
    expect(classify(await left(api.snapshotHold('tank/data', 's1', 'keepme')))).toBe('TagExists')
    const holds = await right(api.holdsList('tank/data', ['s1', 's2', 'gone']))
    expect([...holds.entries()]).toEqual([
      ['s1', ['zz_second', 'keepme']],
      ['s2', []],
      ['gone', []],
    ])
    await right(api.snapshotRelease('tank/data', 's1', 'keepme'))
    expect(classify(await left(api.snapshotRelease('tank/data', 's1', 'keepme')))).toBe('NoSuchTag')
    expect(sim.inspect.holds('tank/data', 's1')).toEqual(['zz_second'])
  })

  it('listing snapshots and holds of a dataset with 1,000 snapshots takes <= 2 HTTP requests with a cap of 1,000', async () => {
    const { api, sim } = await connect({}, { maxCallsInFlight: 1000 })
    const names = Array.from({ length: 1000 }, (_, i) => `auto_${String(i).padStart(4, '0')}`)
    sim.seed.snapshots('tank/data', names)
    sim.seed.hold('tank/data', 'auto_0500', 'sync_2026-11-27-02-00-00_nas')
    const snaps = await right(api.snapshotList('tank/data'))
    const holds = await right(api.holdsList('tank/data', snaps))
    expect(snaps).toEqual(names)
    expect(holds.size).toBe(1000)
    expect(holds.get('auto_0500')).toEqual(['sync_2026-11-27-02-00-00_nas'])
    expect(api.stats().httpRequests).toBeLessThanOrEqual(2)
    expect(sim.inspect.counts()).toMatchObject({ httpRequests: 2, rpcCalls: 1001 })
  })

  it('migrations: create → get (running, progress null) → list → cancel → completed with cancelled', async () => {
    const { api, sim } = await connect({ migration: { overheadMs: 60_000 } })
    sim.seed.snapshots('tank/data', ['s1'])
    const { taskId } = await right(
      api.migrationCreate({ source: 'tank/data@s1', destination: 'backup/data', remote: 'nas' }),
    )
    const task = await right(api.migrationGet(taskId))
    expect(task).toMatchObject({
      id: taskId,
      status: 'running',
      progress: null,
      result: null,
      error: null,
      params: {
        source: 'tank/data@s1',
        destination: 'backup/data',
        remote: 'nas',
        recursive: false,
        sync: true,
      },
    })
    expect((await right(api.migrationList())).map((t) => t.id)).toEqual([taskId])
    expect(await right(api.migrationList({ status: 'completed' }))).toEqual([])
    await right(api.migrationCancel(taskId))
    await new Promise((r) => setImmediate(r))
    expect(await right(api.migrationGet(taskId))).toMatchObject({
      status: 'completed',
      result: { returnCode: -15, cancelled: true },
    })
    expect(classify(await left(api.migrationGet('nope')))).toBe('TaskNotFound')
  })

  it('a completed migration decodes with its last progress tick and result; a failed one with its error', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 27))
    const { api, sim } = await connect({
      clock,
      migration: { overheadMs: 600, bytesPerSnapshot: 30, bytesPerSecond: 1 },
    })
    sim.seed.snapshots('tank/data', ['s1'])
    const { taskId } = await right(
      api.migrationCreate({ source: 'tank/data@s1', destination: 'backup/data', remote: 'nas' }),
    )
    sim.faults.script('migration_create', [{ kind: 'failMigration' }])
    const failed = await right(
      api.migrationCreate({ source: 'tank/data@s1', destination: 'backup/other', remote: 'nas' }),
    )
    await clock.advance(30_600)
    expect(await right(api.migrationGet(taskId))).toMatchObject({
      status: 'completed',
      result: { returnCode: 0, elapsedSeconds: 30.6, cancelled: false },
      progress: {
        bytesTransferred: 30,
        bytesTotal: 30,
        percentage: 100,
        rateMiBps: 0,
        etaSeconds: 0,
        elapsedSeconds: 30,
      },
    })
    expect(await right(api.migrationGet(failed.taskId))).toMatchObject({
      status: 'failed',
      error: 'Migration failed with return code 1',
      progress: null,
    })
    expect(sim.inspect.snapshots('backup/data', 'nas')).toEqual(['s1'])
  })
})
