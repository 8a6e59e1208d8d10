import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { makeSimulator, TASK_TTL_MS } from '../../src/testing/index.js'
import { callIn as call } from './http.js'

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0)

/** One worker, 100 s per snapshot, so a task runs long enough to be caught by a restart and one waits. */
const setup = () => {
  const clock = new VirtualClock(T0)
  const sim = makeSimulator({
    clock,
    migration: { bytesPerSnapshot: 100, bytesPerSecond: 1, overheadMs: 0, workers: 1 },
  })
  sim.seed.snapshots('tank/a', ['s1'])
  sim.seed.snapshots('tank/b', ['s1'])
  const create = async (ds: string) =>
    (await call(sim, 'migration_create', { source: ds, destination: `backup/${ds.slice(5)}`, remote: 'nas' }))
      .task_id as string
  const get = (task_id: string) => call(sim, 'migration_get', { task_id })
  return { clock, sim, create, get }
}

describe('API restart (contract §3.1)', () => {
  it('a running task stays running for good and cannot be cancelled, yet its transfer finishes and places its holds', async () => {
    const { clock, sim, create, get } = setup()
    const running = await create('tank/a')
    await clock.advance(30_000)
    const before = await get(running)
    expect(before).toMatchObject({ status: 'running', progress: { elapsed_seconds: 30 } })
    sim.restart()
    await clock.advance(200_000)
    expect(sim.inspect.snapshots('backup/a', 'nas')).toEqual(['s1'])
    expect(sim.inspect.holds('tank/a', 's1')).toEqual(['sync_2026-01-01-00-01-40_nas'])
    // The record is frozen where the old process left it.
    expect(await get(running)).toEqual(before)
    expect(await call(sim, 'migration_cancel', { task_id: running })).toEqual({
      code: -32111,
      message: 'Failed to cancel task - may have already completed',
    })
    expect((await call(sim, 'migration_list', { status: 'running' })).total).toBe(1)
    // Gone with its Redis hash, 7 days after its last save (the progress tick at 30 s).
    await clock.advance(TASK_TTL_MS - 200_000 - 1)
    expect((await get(running)).status).toBe('running')
    await clock.advance(1)
    expect(await get(running)).toEqual({ code: -32105, message: 'Task not found' })
  })

  it("pending tasks: 'stuck' stays pending and never runs; 'lost' is gone; new tasks run", async () => {
    for (const pending of ['stuck', 'lost'] as const) {
      const { clock, sim, create, get } = setup()
      await create('tank/a')
      const waiting = await create('tank/b')
      expect((await get(waiting)).status).toBe('pending')
      sim.restart({ pending })
      await clock.advance(1_000_000)
      expect(sim.inspect.snapshots('backup/b', 'nas')).toEqual([])
      if (pending === 'stuck') expect((await get(waiting)).status).toBe('pending')
      else expect(await get(waiting)).toEqual({ code: -32105, message: 'Task not found' })
      // The new process has its workers free at once, whatever the orphan is still doing.
      const fresh = await create('tank/b')
      await clock.advance(100_000)
      expect(await get(fresh)).toMatchObject({ status: 'completed' })
      expect(sim.inspect.snapshots('backup/b', 'nas')).toEqual(['s1'])
    }
  })

  it('restart with downMs: unreachable (fetch fails to connect), then answers; unreachable(ms) alone keeps tasks', async () => {
    const { clock, sim, create, get } = setup()
    const running = await create('tank/a')
    sim.restart({ downMs: 60_000 })
    await expect(sim.fetch('http://127.0.0.1:8545/health')).rejects.toThrow(TypeError)
    await clock.advance(60_000)
    expect((await sim.fetch('http://127.0.0.1:8545/health')).status).toBe(200)
    expect((await get(running)).status).toBe('running')

    const other = setup()
    const task = await other.create('tank/a')
    other.sim.unreachable(30_000)
    await expect(other.get(task)).rejects.toThrow(TypeError)
    await other.clock.advance(100_000)
    expect(await other.get(task)).toMatchObject({ status: 'completed' })
  })
})
