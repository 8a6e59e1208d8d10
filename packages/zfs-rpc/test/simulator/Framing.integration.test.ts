import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { call, start } from './http.js'

describe('simulator: JSON-RPC framing, library errors, routes, auth and rate limit over HTTP', () => {
  it('a batch runs every item and keeps order; notifications get no entry', async () => {
    const { post, sim } = await start({ datasets: ['tank/data'] })
    sim.seed.snapshots('tank/data', ['s1'], { holds: ['keep'] })
    const r = await post(
      JSON.stringify([
        call('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' }, 'a'),
        call('snapshot_create', { dataset: 'tank/data', name: 's2' }, undefined),
        call('snapshot_list', { dataset: 'tank/data' }, 7),
      ]),
    )
    expect(r.status).toBe(200)
    const body = JSON.parse(r.text) as Array<Record<string, unknown>>
    expect(body.map((x) => x['id'])).toEqual(['a', 7])
    expect(body[0]?.['error']).toMatchObject({ code: -32026 })
    expect(body[1]?.['result']).toEqual({ dataset: 'tank/data', snapshots: ['s1', 's2'] })
    expect(sim.inspect.counts()).toMatchObject({ httpRequests: 1, rpcCalls: 3 })
  })

  it('a notification gets HTTP 200 with an empty body, and still runs', async () => {
    const { post, sim } = await start({ datasets: ['tank/data'] })
    const r = await post(
      JSON.stringify(call('snapshot_create', { dataset: 'tank/data', name: 'n1' }, undefined)),
    )
    expect([r.status, r.text]).toEqual([200, ''])
    expect(sim.inspect.snapshots('tank/data')).toEqual(['n1'])
  })

  it.each([
    [
      'garbage',
      'not json',
      { code: -32700, message: 'Parse error', data: 'Expecting value: line 1 column 1 (char 0)' },
    ],
    [
      'missing jsonrpc',
      '{"method":"pool_list","id":1}',
      { code: -32600, message: 'Invalid request', data: 'The request failed schema validation' },
    ],
    [
      'empty batch',
      '[]',
      { code: -32600, message: 'Invalid request', data: 'The request failed schema validation' },
    ],
    [
      'one bad batch item',
      '[{"jsonrpc":"2.0","method":"pool_list","id":1},{"method":"x"}]',
      { code: -32600, message: 'Invalid request', data: 'The request failed schema validation' },
    ],
  ])('library error, id null: %s', async (_, body, error) => {
    const { post } = await start()
    const r = await post(body)
    expect([r.status, r.type]).toEqual([200, 'application/json; charset=utf-8'])
    expect(JSON.parse(r.text)).toEqual({ jsonrpc: '2.0', error, id: null })
  })

  it.each([
    [
      'unknown method',
      call('stream_init', {}, 1),
      { code: -32601, message: 'Method not found', data: 'stream_init' },
    ],
    [
      'missing argument',
      call('snapshot_list', {}, 1),
      { code: -32602, message: 'Invalid params', data: "missing a required argument: 'dataset'" },
    ],
    [
      'unknown kwarg',
      call('snapshot_list', { dataset: 'x', bogus: 1 }, 1),
      { code: -32602, message: 'Invalid params', data: "got an unexpected keyword argument 'bogus'" },
    ],
    [
      'too many positional',
      call('pool_list', [1], 1),
      { code: -32602, message: 'Invalid params', data: 'too many positional arguments' },
    ],
  ])('%s', async (_, request, error) => {
    const { post } = await start()
    expect(JSON.parse((await post(JSON.stringify(request))).text)).toEqual({ jsonrpc: '2.0', error, id: 1 })
  })

  it('positional params bind in signature order; params may be omitted', async () => {
    const { rpc } = await start({ datasets: ['tank/data'] })
    expect((await rpc('snapshot_create', ['tank/data', 'p1']))['result']).toEqual({
      dataset: 'tank/data',
      snapshot: 'p1',
      created: true,
    })
    expect((await rpc('pool_list'))['result']).toEqual({ pools: ['tank'] })
  })

  it('GET /health like the real one; GET / → 405; unknown path → 404', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 27, 2, 0, 14, 649))
    const { url } = await start({ clock, datasets: ['tank/a', 'backup/b'] })
    const health = await fetch(`${url}health`)
    expect([health.status, await health.json()]).toEqual([
      200,
      { status: 'healthy', pools: 2, timestamp: '2026-11-27T02:00:14.649000+00:00' },
    ])
    expect((await fetch(url)).status).toBe(405)
    expect((await fetch(`${url}nope`, { method: 'POST', body: '{}' })).status).toBe(404)
  })

  it('auth (requireAuth): no header → -32001, bad token → -32002, login → token valid for 30 min of the clock', async () => {
    const clock = new VirtualClock(0)
    const { rpc, post } = await start({ clock, auth: { users: { admin: 'secret' }, requireAuth: true } })
    const asBearer = async (token: string) =>
      JSON.parse(
        (await post(JSON.stringify(call('pool_list', undefined, 1)), { Authorization: `Bearer ${token}` }))
          .text,
      )
    expect((await rpc('pool_list'))['error']).toEqual({ code: -32001, message: 'Authentication required' })
    expect((await asBearer('forged'))['error']).toEqual({ code: -32002, message: 'Invalid token' })
    expect((await rpc('auth_login', { username: 'admin', password: 'wrong' }))['error']).toEqual({
      code: -32003,
      message: 'Invalid credentials',
    })
    const login = (await rpc('auth_login', { username: 'admin', password: 'secret' }))['result'] as {
      token: string
      expires_in: number
    }
    expect(login.expires_in).toBe(1800)
    expect((await asBearer(login.token))['result']).toEqual({ pools: [] })
    await clock.advance(1800_000)
    expect((await asBearer(login.token))['error']).toEqual({ code: -32002, message: 'Invalid token' })
  })

  it('auth without requireAuth: localhost needs no token (as the real server)', async () => {
    const { rpc } = await start({ auth: { users: { admin: 'secret' } } })
    expect((await rpc('pool_list'))['result']).toEqual({ pools: [] })
  })

  it('rate limit: a batch counts once; over the limit → HTTP 429 with the real body', async () => {
    const clock = new VirtualClock(0)
    const { post } = await start({
      clock,
      rateLimit: { requests: 2, windowMs: 60_000, includeLocalhost: true },
    })
    const batch = JSON.stringify([
      call('pool_list', {}, 1),
      call('pool_list', {}, 2),
      call('pool_list', {}, 3),
    ])
    expect((await post(batch)).status).toBe(200)
    expect((await post(batch)).status).toBe(200)
    const third = await post(batch)
    expect([third.status, JSON.parse(third.text)]).toEqual([
      429,
      { jsonrpc: '2.0', error: { code: -32000, message: 'Rate limit exceeded' }, id: null },
    ])
    await clock.advance(60_001)
    expect((await post(batch)).status).toBe(200)
  })
})
