import { describe, expect, it } from 'vitest'
import { makeSimulator } from '../../src/testing/index.js'

const body = JSON.stringify({ jsonrpc: '2.0', method: 'pool_list', id: 1 })

describe('in-process fetch', () => {
  it('answers like the HTTP server: status, JSON content type, body', async () => {
    const sim = makeSimulator({ datasets: ['tank/a'] })
    const res = await sim.fetch('http://127.0.0.1:8545/', { method: 'POST', body })
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([
      200,
      'application/json; charset=utf-8',
      { jsonrpc: '2.0', result: { pools: ['tank'] }, id: 1 },
    ])
    expect((await sim.fetch('http://127.0.0.1:8545/health')).status).toBe(200)
    expect((await sim.fetch('http://127.0.0.1:8545/')).status).toBe(405)
  })

  it('a dropped connection rejects with a TypeError, as fetch does', async () => {
    const sim = makeSimulator()
    sim.faults.script('pool_list', [{ kind: 'drop' }])
    await expect(sim.fetch('http://sim/', { method: 'POST', body })).rejects.toThrow(
      new TypeError('fetch failed'),
    )
  })

  it('an already-aborted signal rejects with its reason before anything runs', async () => {
    const sim = makeSimulator()
    const reason = new Error('gone')
    await expect(
      sim.fetch('http://sim/', { method: 'POST', body, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason)
    expect(sim.inspect.counts().httpRequests).toBe(0)
  })

  it('fetchFrom a non-local address needs a token when auth is on; localhost does not', async () => {
    const sim = makeSimulator({ auth: { users: { u: 'p' } } })
    const remote = await (await sim.fetchFrom('10.0.0.5')('http://sim/', { method: 'POST', body })).json()
    expect(remote).toEqual({
      jsonrpc: '2.0',
      error: { code: -32001, message: 'Authentication required' },
      id: 1,
    })
    const local = await (await sim.fetch('http://sim/', { method: 'POST', body })).json()
    expect(local).toEqual({ jsonrpc: '2.0', result: { pools: [] }, id: 1 })
  })

  it('Authorization header from a Headers object or a Request is honoured', async () => {
    const sim = makeSimulator({ auth: { users: { u: 'p' }, requireAuth: true } })
    const login = JSON.stringify({
      jsonrpc: '2.0',
      method: 'auth_login',
      params: { username: 'u', password: 'p' },
      id: 1,
    })
    const { result } = (await (await sim.fetch('http://sim/', { method: 'POST', body: login })).json()) as {
      result: { token: string }
    }
    const headers = new Headers({ Authorization: `Bearer ${result.token}` })
    const viaInit = await (await sim.fetch('http://sim/', { method: 'POST', body, headers })).json()
    const viaRequest = await (
      await sim.fetch(new Request('http://sim/', { method: 'POST', body, headers }))
    ).json()
    expect([viaInit, viaRequest]).toEqual([
      { jsonrpc: '2.0', result: { pools: [] }, id: 1 },
      { jsonrpc: '2.0', result: { pools: [] }, id: 1 },
    ])
  })
})
