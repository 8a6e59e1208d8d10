import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { Cpu } from '../../src/testing/Cost.js'
import { makeSimulator } from '../../src/testing/index.js'

const T0 = Date.UTC(2026, 0, 1)
const batch = (n: number, method: string, params: (i: number) => unknown) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', method, params: params(i), id: i })))

describe('process cost model', () => {
  it('off by default: a batch answers at once and no load is counted', async () => {
    const clock = new VirtualClock(T0)
    const sim = makeSimulator({ clock, datasets: ['tank/data'] })
    await sim.fetch('http://127.0.0.1:8545/', { method: 'POST', body: batch(50, 'pool_list', () => ({})) })
    expect(clock.now()).toBe(T0)
    expect(sim.inspect.load()).toMatchObject({ zfsProcesses: 0, inFlightMax: 0 })
  })

  it('a batch of N zfs calls takes N × cost / cores; every call is a process; auth and migration calls are not', async () => {
    const clock = new VirtualClock(T0)
    const sim = makeSimulator({ clock, cost: { cores: 2, callMs: 100 } })
    sim.seed.snapshots('tank/data', ['s'])
    const done = sim.fetch('http://127.0.0.1:8545/', {
      method: 'POST',
      body: batch(40, 'snapshot_holds_list', () => ({ dataset: 'tank/data', snapshot: 's' })),
    })
    let answered = false
    void done.then(() => {
      answered = true
    })
    await clock.advance(1_999)
    expect(answered).toBe(false)
    expect(sim.inspect.load()).toMatchObject({
      inFlight: 40,
      inFlightMax: 40,
      zfsProcesses: 40,
      requestsInFlight: 1,
    })
    await clock.advance(1)
    expect(answered).toBe(true)
    expect((await (await done).json()) as unknown[]).toHaveLength(40)
    await sim.fetch('http://127.0.0.1:8545/', {
      method: 'POST',
      body: batch(3, 'migration_list', () => ({})),
    })
    expect(sim.inspect.load()).toMatchObject({ zfsProcesses: 40, inFlight: 0, cpuMs: 4_000 })
  })

  it('snapshot_list costs O(all snapshots on the host), whatever the dataset', async () => {
    const clock = new VirtualClock(T0)
    const sim = makeSimulator({ clock, cost: { cores: 2, callMs: 10, perSnapshotListedMs: 1 } })
    sim.seed.snapshots(
      'tank/big',
      Array.from({ length: 990 }, (_, i) => `b${i}`),
    )
    sim.seed.snapshots('tank/small', ['a'])
    await Promise.all([
      sim.fetch('http://127.0.0.1:8545/', {
        method: 'POST',
        body: batch(1, 'snapshot_list', () => ({ dataset: 'tank/small' })),
      }),
      clock.advance(5_000),
    ])
    expect(sim.inspect.load().cpuMs).toBe(10 + 991)
  })

  it('an abandoned batch still occupies the host: the next call waits behind it', async () => {
    const clock = new VirtualClock(T0)
    const sim = makeSimulator({ clock, cost: { cores: 2, callMs: 100 } })
    sim.seed.snapshots('tank/data', ['s'])
    const abort = new AbortController()
    const big = sim.fetch('http://127.0.0.1:8545/', {
      method: 'POST',
      body: batch(100, 'snapshot_holds_list', () => ({ dataset: 'tank/data', snapshot: 's' })),
      signal: abort.signal,
    })
    await clock.advance(1_000)
    abort.abort(new Error('client timeout'))
    await expect(big).rejects.toThrow('client timeout')
    const t = clock.now()
    const one = sim.fetch('http://127.0.0.1:8545/', {
      method: 'POST',
      body: batch(1, 'pool_list', () => ({})),
    })
    let at = 0
    void one.then(() => {
      at = clock.now()
    })
    await clock.advance(10_000)
    // 101 processes share 2 cores: the single call gets 2/101 of a core until the batch ends.
    expect(at - t).toBeGreaterThan(3_000)
    expect(sim.inspect.load().inFlightMax).toBe(101)
  })

  it('property: processor sharing is work-conserving — all jobs end by total work / cores after the last start', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 500 }), ms: fc.integer({ min: 0, max: 300 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 4 }),
        async (jobs, cores) => {
          const clock = new VirtualClock(0)
          const cpu = new Cpu(clock, { cores, callMs: 0, perSnapshotListedMs: 0 })
          const ends: number[] = []
          for (const j of jobs)
            void clock.sleep(j.at).then(() => cpu.run(j.ms).then(() => ends.push(clock.now())))
          await clock.advance(10_000)
          expect(ends).toHaveLength(jobs.length)
          const total = jobs.reduce((s, j) => s + j.ms, 0)
          const last = Math.max(...jobs.map((j) => j.at))
          // While any job runs the host does at least one core of work, so nothing outlasts last start + all work.
          expect(Math.max(...ends)).toBeLessThanOrEqual(last + total + 1e-6)
          // No job ends before its own work at full speed.
          expect(Math.min(...ends)).toBeGreaterThanOrEqual(Math.min(...jobs.map((j) => j.at + j.ms)) - 1e-6)
          expect(Math.abs(cpu.load().cpuMs - total)).toBeLessThan(1e-6 * Math.max(1, total))
        },
      ),
      { numRuns: 60 },
    )
  })
})
