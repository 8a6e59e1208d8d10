import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { type Fault, makeSimulator } from '../../src/testing/index.js'
import { call, start } from './http.js'

const listBody = JSON.stringify(call('snapshot_list', { dataset: 'tank/data' }, 1))

describe('simulator: fault injection', () => {
  it('drop before executing: the client sees a transport error and nothing ran', async () => {
    const { sim, url } = await start({ datasets: ['tank/data'] })
    sim.faults.script('snapshot_create', [{ kind: 'drop' }])
    const body = JSON.stringify(call('snapshot_create', { dataset: 'tank/data', name: 's1' }, 1))
    await expect(fetch(url, { method: 'POST', body })).rejects.toThrow(TypeError)
    expect(sim.inspect.snapshots('tank/data')).toEqual([])
    // The script is used up: the next call goes through.
    expect((await fetch(url, { method: 'POST', body })).status).toBe(200)
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
  })

  it('drop after executing: the effect happened although the reply was lost', async () => {
    const { sim, url } = await start({ datasets: ['tank/data'] })
    sim.faults.script('snapshot_create', [{ kind: 'drop', afterExecute: true }])
    const body = JSON.stringify(call('snapshot_create', { dataset: 'tank/data', name: 's1' }, 1))
    await expect(fetch(url, { method: 'POST', body })).rejects.toThrow(TypeError)
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
  })

  it.each<[string, Fault, number, (text: string) => void]>([
    [
      'http500',
      { kind: 'http500' },
      500,
      (t) => expect(JSON.parse(t)).toMatchObject({ error: { code: -32603 } }),
    ],
    [
      'http429',
      { kind: 'http429' },
      429,
      (t) =>
        expect(JSON.parse(t)).toEqual({
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Rate limit exceeded' },
          id: null,
        }),
    ],
    ['malformed', { kind: 'malformed' }, 200, (t) => expect(() => JSON.parse(t)).toThrow(SyntaxError)],
    [
      'rpcError',
      { kind: 'rpcError', code: -32025, message: 'boom' },
      200,
      (t) =>
        expect(JSON.parse(t)).toEqual({ jsonrpc: '2.0', error: { code: -32025, message: 'boom' }, id: 1 }),
    ],
    [
      'wrongShape',
      { kind: 'wrongShape', result: { snapshots: 'nope' } },
      200,
      (t) => expect(JSON.parse(t)).toEqual({ jsonrpc: '2.0', result: { snapshots: 'nope' }, id: 1 }),
    ],
  ])('%s', async (_, fault, status, check) => {
    const { sim, post } = await start({ datasets: ['tank/data'] })
    sim.faults.script('snapshot_list', [fault])
    const r = await post(listBody)
    expect(r.status).toBe(status)
    check(r.text)
    expect(sim.inspect.faultsInjected()).toEqual([{ method: 'snapshot_list', fault }])
  })

  it('a fault on one batch item: rpcError replaces that item only; an HTTP-level one fails the whole POST', async () => {
    const { sim, post } = await start({ datasets: ['tank/data'] })
    const batch = JSON.stringify([
      call('pool_list', {}, 1),
      call('snapshot_list', { dataset: 'tank/data' }, 2),
    ])
    sim.faults.script('snapshot_list', [{ kind: 'rpcError', code: -1, message: 'x' }, { kind: 'http500' }])
    const first = JSON.parse((await post(batch)).text) as Array<Record<string, unknown>>
    expect(first.map((r) => Object.keys(r).includes('error'))).toEqual([false, true])
    expect((await post(batch)).status).toBe(500)
  })

  it('delay: the reply waits on the simulator clock (in-process fetch aborts like fetch on timeout)', async () => {
    const clock = new VirtualClock(0)
    const sim = makeSimulator({ clock, datasets: ['tank/data'] })
    sim.faults.script('*', [{ kind: 'delay', ms: 30_000 }])
    const timeout = new AbortController()
    const reply = sim.fetch('http://sim/', { method: 'POST', body: listBody, signal: timeout.signal })
    void clock.sleep(5_000).then(() => timeout.abort(new DOMException('timed out', 'TimeoutError')))
    const rejected = expect(reply).rejects.toMatchObject({ name: 'TimeoutError' })
    await clock.advance(5_000)
    await rejected
    const late = sim.fetch('http://sim/', { method: 'POST', body: listBody })
    await clock.advance(1)
    expect((await late).status).toBe(200)
  })

  it('random faults are deterministic for a seed and respect the probability roughly', async () => {
    const run = async (seed: number) => {
      const sim = makeSimulator({ datasets: ['tank/data'] })
      sim.faults.random(
        { method: '*', probability: 0.3, faults: [{ kind: 'http500' }, { kind: 'drop' }] },
        seed,
      )
      const outcomes: string[] = []
      for (let i = 0; i < 200; i++) {
        const r = await sim.fetch('http://sim/', { method: 'POST', body: listBody }).then(
          (res) => String(res.status),
          () => 'drop',
        )
        outcomes.push(r)
      }
      return outcomes
    }
    const a = await run(42)
    expect(await run(42)).toEqual(a)
    expect(await run(43)).not.toEqual(a)
    const faulty = a.filter((o) => o !== '200').length
    expect(faulty).toBeGreaterThan(35)
    expect(faulty).toBeLessThan(85)
    expect(new Set(a)).toEqual(new Set(['200', '500', 'drop']))
  })

  it('random rules can target one method; other methods are untouched', async () => {
    const sim = makeSimulator({ datasets: ['tank/data'] })
    sim.faults.random({ method: 'snapshot_create', probability: 1, faults: [{ kind: 'http429' }] }, 7)
    const post = (body: unknown) => sim.fetch('http://sim/', { method: 'POST', body: JSON.stringify(body) })
    expect((await post(call('snapshot_list', { dataset: 'tank/data' }, 1))).status).toBe(200)
    expect((await post(call('snapshot_create', { dataset: 'tank/data', name: 'x' }, 1))).status).toBe(429)
    expect(() => sim.faults.random({ method: '*', probability: 2, faults: [{ kind: 'drop' }] })).toThrow(
      /probability/,
    )
  })
})
