import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { remoteFailureOf as classify } from '../../src/RemoteFailure.js'
import { connect, left, right } from './harness.js'

describe('contract: the real client under injected faults (HTTP on 127.0.0.1)', () => {
  it('a dropped connection on a read is not resent (the API may still be running it); the next read works', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.faults.script('snapshot_list', [{ kind: 'drop' }])
    expect(await left(api.snapshotList('tank/data'))).toMatchObject({ _tag: 'Transport', timedOut: false })
    expect(sim.inspect.counts().byMethod['snapshot_list']).toBe(1)
    expect(await right(api.snapshotList('tank/data'))).toEqual(['s1'])
  })

  it('an answered failure of a read is resent up to the retry budget', async () => {
    const { api, sim } = await connect({}, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } })
    sim.faults.random({ method: 'pool_list', probability: 1, faults: [{ kind: 'http500' }] }, 1)
    expect(await left(api.poolList())).toMatchObject({ _tag: 'Http', method: 'pool_list', status: 500 })
    expect(sim.inspect.counts().byMethod['pool_list']).toBe(3)
  })

  it.each([
    ['HTTP 500', { kind: 'http500' as const }, { _tag: 'Http', status: 500 }],
    ['HTTP 429', { kind: 'http429' as const }, { _tag: 'Http', status: 429 }],
    ['malformed body', { kind: 'malformed' as const }, { _tag: 'Decode', method: 'pool_list' }],
  ])('%s on every attempt surfaces as %j', async (_, fault, expected) => {
    const { api, sim } = await connect({}, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } })
    sim.faults.random({ method: 'pool_list', probability: 1, faults: [fault] }, 1)
    expect(await left(api.poolList())).toMatchObject(expected)
  })

  it('a wrongly-shaped result is a Decode error naming the method and the path', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.faults.script('snapshot_list', [
      { kind: 'wrongShape', result: { dataset: 'tank/data', snapshots: ['ok', 7] } },
    ])
    const e = await left(api.snapshotList('tank/data'))
    expect(e).toMatchObject({ _tag: 'Decode', method: 'snapshot_list' })
    expect(e._tag === 'Decode' && e.path).toContain('snapshots')
  })

  it('an injected JSON-RPC error reaches the caller as Remote with method, code and message', async () => {
    const { api, sim } = await connect()
    sim.faults.script('snapshot_holds_list', [{ kind: 'rpcError', code: -32034, message: 'boom' }])
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    // Any failed item fails the whole holds listing: partial knowledge must not drive destroys.
    expect(await left(api.holdsList('tank/data', ['s1', 's2']))).toMatchObject({
      _tag: 'Remote',
      method: 'snapshot_holds_list',
      code: -32034,
      message: 'boom',
    })
  })

  it('migration_create is not retried when the reply was lost after the task was created', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.faults.script('migration_create', [{ kind: 'drop', afterExecute: true }])
    const e = await left(
      api.migrationCreate({ source: 'tank/data@s1', destination: 'backup/data', remote: 'nas' }),
    )
    expect(e._tag).toBe('Transport')
    expect(sim.inspect.migrations()).toHaveLength(1)
  })

  it('migration_create is retried after a 429 (proof that nothing ran): exactly one task', async () => {
    const { api, sim } = await connect()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.faults.script('migration_create', [{ kind: 'http429' }])
    await right(api.migrationCreate({ source: 'tank/data@s1', destination: 'backup/data', remote: 'nas' }))
    expect(sim.inspect.migrations()).toHaveLength(1)
    expect(sim.inspect.counts().byMethod['migration_create']).toBe(2)
  })

  it('a snapshot_create whose reply was lost is retried and the "already exists" answer counts as done', async () => {
    const { api, sim } = await connect({ datasets: ['tank/data'] })
    sim.faults.script('snapshot_create', [{ kind: 'http500', afterExecute: true }])
    await right(api.snapshotCreate('tank/data', 's1', false))
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
  })

  it('a reply delayed past the client timeout is a timed-out Transport error (both on one virtual clock)', async () => {
    const clock = new VirtualClock(0)
    const { api, sim } = await connect({ clock }, { clock, timeoutMs: 1_000, retry: { maxAttempts: 1 } })
    sim.faults.script('pool_list', [{ kind: 'delay', ms: 5_000 }])
    const pending = api.poolList()()
    // Both sleeps parked: the client's timeout and the simulator's delay.
    while (clock.pending() < 2) await new Promise((r) => setTimeout(r, 1))
    await clock.advance(1_000)
    const r = await pending
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'Transport', timedOut: true } })
    await clock.advance(5_000)
  })

  it('auth required: the client logs in when asked and again after the token expires', async () => {
    const clock = new VirtualClock(0)
    const { api, sim } = await connect(
      { clock, auth: { users: { backup: 's3cret' }, requireAuth: true } },
      { clock, auth: { username: 'backup', password: () => 's3cret' } },
    )
    expect(await right(api.poolList())).toEqual([])
    await clock.advance(31 * 60_000)
    expect(await right(api.poolList())).toEqual([])
    expect(sim.inspect.counts().byMethod['auth_login']).toBe(2)
  })

  it('wrong credentials: InvalidCredentials, no endless login loop', async () => {
    const { api, sim } = await connect(
      { auth: { users: { backup: 's3cret' }, requireAuth: true } },
      { auth: { username: 'backup', password: 'nope' } },
    )
    const e = await left(api.poolList())
    expect(e).toMatchObject({
      _tag: 'Remote',
      method: 'auth_login',
      code: -32003,
      message: 'Invalid credentials',
    })
    expect(classify(e)).toBe('InvalidCredentials')
    expect(sim.inspect.counts().byMethod).toEqual({ pool_list: 1, auth_login: 1 })
  })
})
