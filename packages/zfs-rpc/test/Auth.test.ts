import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../src/Client.js'
import { VirtualClock } from '../src/Clock.js'
import type { ClientEvent } from '../src/RpcChannel.js'
import { describeRpcError as describeError } from '../src/RpcError.js'
import { callsIn, fail, fakeFetch, ok, rpc, type Seen, settle } from './FakeFetch.js'

const REMOTE = 'http://10.0.0.5:8545'
const PASSWORD = 's3cret-Pa55'

/** A fake API that enforces bearer tokens like the real one; `expireAll()` invalidates issued tokens. */
const authServer = (clock: VirtualClock, opts?: { rejectAlways?: boolean }) => {
  let issued = 0
  const valid = new Set<string>()
  const fake = fakeFetch(
    rpc((method, p, req: Seen) => {
      if (method === 'auth_login') {
        if (p['username'] !== 'admin' || p['password'] !== PASSWORD)
          return fail(-32003, 'Invalid credentials')
        valid.add(`jwt${++issued}`)
        return ok({ token: `jwt${issued}`, expires_in: 1800 })
      }
      const header = req.headers['authorization']
      if (header === undefined) return fail(-32001, 'Authentication required')
      if (opts?.rejectAlways || !valid.has(header.replace('Bearer ', '')))
        return fail(-32002, 'Invalid token')
      if (method !== 'pool_list') return fail(-32601, 'no such method here')
      return ok({ pools: ['tank'] })
    }),
    clock,
  )
  return { fake, expireAll: () => valid.clear(), logins: () => issued }
}

const methods = (seen: ReadonlyArray<Seen>) =>
  seen.map((s) =>
    callsIn(s)
      .map((c) => c.method)
      .join(','),
  )

describe('auth', () => {
  it('logs in once before the first call to a remote API and reuses the token', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: PASSWORD },
    })
    expect(await api.poolList()()).toEqual(E.right(['tank']))
    expect(await api.poolList()()).toEqual(E.right(['tank']))
    expect(methods(server.fake.seen)).toEqual(['auth_login', 'pool_list', 'pool_list'])
    expect(server.fake.seen[1]!.headers['authorization']).toBe('Bearer jwt1')
    expect(server.fake.seen[0]!.headers['authorization']).toBeUndefined()
    expect(api.stats()).toEqual({
      httpRequests: 3,
      rpcCalls: 3,
      callsByMethod: { auth_login: 1, pool_list: 2 },
    })
  })

  it('a login that times out is retried for migration_create: the task was never sent', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    // The first request (the login) gets no answer; later ones reach the fake API.
    let first = true
    const fetch: typeof server.fake.fetch = (url, init) => {
      if (!first) return server.fake.fetch(url, init)
      first = false
      return new Promise((_, reject) =>
        init.signal.addEventListener('abort', () => reject(init.signal.reason)),
      )
    }
    const api = makeClient({
      url: REMOTE,
      fetch,
      clock,
      timeoutMs: 1000,
      auth: { username: 'admin', password: PASSWORD },
    })
    const r = await settle(
      clock,
      api.migrationCreate({ source: 'tank/a@s', destination: 'tank/a', remote: 'b' })(),
    )
    expect(r).toEqual(
      E.left({ _tag: 'Remote', method: 'migration_create', code: -32601, message: 'no such method here' }),
    )
    expect(methods(server.fake.seen)).toEqual(['auth_login', 'migration_create'])
    expect(api.stats().callsByMethod).toEqual({ auth_login: 2, migration_create: 1 })
  })

  it('needs no login from localhost', async () => {
    const clock = new VirtualClock(0)
    const fake = fakeFetch(
      rpc(() => ok({ pools: [] })),
      clock,
    )
    const api = makeClient({
      url: 'http://localhost:8545',
      fetch: fake.fetch,
      clock,
      auth: { username: 'admin', password: PASSWORD },
    })
    await api.poolList()()
    expect(methods(fake.seen)).toEqual(['pool_list'])
  })

  it('logs in when a loopback URL turns out to need auth (e.g. behind a proxy)', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: 'http://127.0.0.1:8545',
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: () => PASSWORD },
    })
    expect(await api.poolList()()).toEqual(E.right(['tank']))
    expect(methods(server.fake.seen)).toEqual(['pool_list', 'auth_login', 'pool_list'])
  })

  it('re-logs in once on "Invalid token" and retries the call', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: PASSWORD },
    })
    await api.poolList()()
    server.expireAll()
    expect(await api.poolList()()).toEqual(E.right(['tank']))
    expect(methods(server.fake.seen)).toEqual([
      'auth_login',
      'pool_list',
      'pool_list',
      'auth_login',
      'pool_list',
    ])
    expect(server.fake.seen[4]!.headers['authorization']).toBe('Bearer jwt2')
  })

  it('only once: a token rejected again is an InvalidToken error, not a login loop', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock, { rejectAlways: true })
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: PASSWORD },
    })
    expect(await api.poolList()()).toMatchObject(E.left({ _tag: 'Remote', code: -32002 }))
    expect(server.logins()).toBe(2)
    expect(server.fake.seen).toHaveLength(4)
  })

  it('renews the token before its 30 minutes run out', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: PASSWORD },
    })
    await api.poolList()()
    await clock.advance(29 * 60_000 + 1)
    await api.poolList()()
    expect(methods(server.fake.seen)).toEqual(['auth_login', 'pool_list', 'auth_login', 'pool_list'])
  })

  it('never puts the password in errors or log events', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const events: ClientEvent[] = []
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: 'wrong-but-secret' },
      logger: (e) => events.push(e),
    })
    const r = await api.poolList()()
    expect(r).toMatchObject(E.left({ _tag: 'Remote', method: 'auth_login', code: -32003 }))
    const text = JSON.stringify(r) + (E.isLeft(r) ? describeError(r.left) : '') + JSON.stringify(events)
    expect(text).not.toContain('wrong-but-secret')
    expect(events).toEqual([{ _tag: 'Login', username: 'admin' }])
  })

  it('a password getter that fails names the problem, not the secret, and sends nothing', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      retry: { maxAttempts: 1 },
      auth: {
        username: 'admin',
        password: () => {
          throw new Error('ENOENT: no such file /etc/zfs-autobackup/password')
        },
      },
    })
    expect(await api.poolList()()).toMatchObject(
      E.left({
        _tag: 'Transport',
        method: 'auth_login',
        message: expect.stringContaining('/etc/zfs-autobackup/password'),
      }),
    )
    expect(server.fake.seen).toHaveLength(0)
  })

  it('a password getter that returns a Left is the same error (code ENOPASSWORD), and sends nothing', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      retry: { maxAttempts: 1 },
      auth: { username: 'admin', password: async () => E.left('environment variable ZFS_PW is not set') },
    })
    expect(await api.poolList()()).toMatchObject(
      E.left({
        _tag: 'Transport',
        method: 'auth_login',
        code: 'ENOPASSWORD',
        message: expect.stringContaining('environment variable ZFS_PW is not set'),
      }),
    )
    expect(server.fake.seen).toHaveLength(0)
  })

  it('a password getter that returns a Right logs in with it', async () => {
    const clock = new VirtualClock(0)
    const server = authServer(clock)
    const api = makeClient({
      url: REMOTE,
      fetch: server.fake.fetch,
      clock,
      auth: { username: 'admin', password: async () => E.right(PASSWORD) },
    })
    expect(E.isRight(await api.poolList()())).toBe(true)
  })
})
