import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../src/Client.js'
import { VirtualClock } from '../src/Clock.js'
import { delayAfter } from '../src/Retry.js'
import type { ZfsApi } from '../src/ZfsApi.js'
import { type Answer, fail, fakeFetch, hang, ok, refused, reply, reset, rpc, settle } from './FakeFetch.js'

const URL = 'http://127.0.0.1:8545'
const RATE_LIMITED = reply(
  { jsonrpc: '2.0', error: { code: -32000, message: 'Rate limit exceeded' }, id: null },
  429,
)
const LIST_OK = rpc(() => ok({ snapshots: ['s1'], task_id: 't1', created: true }))

/** A client whose n-th request (1-based) gets `script[n-1]`, then the success answer. */
const scripted = (
  script: ReadonlyArray<Answer>,
  retry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 },
) => {
  const clock = new VirtualClock(0)
  const fake = fakeFetch((req, n) => script[n - 1] ?? LIST_OK(req), clock)
  const api = makeClient({ url: URL, fetch: fake.fetch, clock, timeoutMs: 1000, retry })
  return { clock, fake, api }
}

describe('timeouts', () => {
  it('a call with no reply fails as a timed-out Transport error after timeoutMs of clock time', async () => {
    const { clock, api } = scripted([hang], { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 })
    const r = await settle(clock, api.snapshotList('tank/a')())
    expect(r).toEqual(
      E.left({
        _tag: 'Transport',
        method: 'snapshot_list',
        message: 'no reply within 1000 ms',
        timedOut: true,
      }),
    )
    expect(clock.now()).toBe(1000)
  })

  it('a reply in time leaves no timer behind', async () => {
    const { clock, api } = scripted([])
    expect(await api.snapshotList('tank/a')()).toEqual(E.right(['s1']))
    expect(clock.pending()).toBe(0)
  })
})

describe('retry of reads', () => {
  it('waits base·2^(n−1) between attempts and returns the last error when all fail', async () => {
    const busy = reply('Internal Server Error', 500)
    const { clock, fake, api } = scripted([busy, busy, busy, busy])
    const r = await settle(clock, api.snapshotList('tank/a')())
    expect(r).toMatchObject(E.left({ _tag: 'Http', status: 500 }))
    // attempt at 0, waits 500; 500, waits 1000; 1500, waits 2000; 3500.
    expect(fake.seen.map((s) => s.at)).toEqual([0, 500, 1500, 3500])
  })

  it.each([
    ['a timeout', hang, { _tag: 'Transport', timedOut: true }],
    ['a reset connection', reset, { _tag: 'Transport', code: 'ECONNRESET' }],
    ['a gateway timeout (502)', reply('Bad Gateway', 502), { _tag: 'Http', status: 502 }],
    ['a gateway timeout (504)', reply('Gateway Timeout', 504), { _tag: 'Http', status: 504 }],
  ])('does not resend a read after %s: the API may still be running it', async (_, first, error) => {
    const { clock, fake, api } = scripted([first])
    expect(await settle(clock, api.snapshotList('tank/a')())).toMatchObject(E.left(error))
    expect(fake.seen).toHaveLength(1)
  })

  it.each([
    ['a refused connection', refused],
    ['HTTP 500', reply('Internal Server Error', 500)],
    ['HTTP 429', RATE_LIMITED],
    ['JSON-RPC -32603', reply({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } })],
  ])('recovers after %s', async (_, first) => {
    const { clock, fake, api } = scripted([first])
    expect(await settle(clock, api.snapshotList('tank/a')())).toEqual(E.right(['s1']))
    expect(fake.seen).toHaveLength(2)
    expect(api.stats().callsByMethod).toEqual({ snapshot_list: 2 })
  })

  it.each([
    ['a reply of the wrong shape', reply({ jsonrpc: '2.0', id: 1, result: { snapshots: 5 } }), 'Decode'],
    ['HTTP 404', reply('not found', 404), 'Http'],
    [
      'an application error',
      reply({ jsonrpc: '2.0', id: 1, error: { code: -32025, message: 'x' } }),
      'Remote',
    ],
  ])('does not retry %s', async (_, first, tag) => {
    const { clock, fake, api } = scripted([first])
    expect(await settle(clock, api.snapshotList('tank/a')())).toMatchObject(E.left({ _tag: tag }))
    expect(fake.seen).toHaveLength(1)
  })

  it('delays are capped, non-decreasing and deterministic', () =>
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(100_000), fc.integer({ min: 1, max: 40 }), (base, max, n) => {
        const p = { maxAttempts: 50, baseDelayMs: base, maxDelayMs: max }
        expect(delayAfter(p, n)).toBeLessThanOrEqual(max)
        expect(delayAfter(p, n + 1)).toBeGreaterThanOrEqual(delayAfter(p, n))
        expect(delayAfter(p, n)).toBe(Math.min(max, base * 2 ** (n - 1)))
      }),
    ))
})

describe('migration_create is never repeated unless nothing ran', () => {
  const create = (api: ReturnType<typeof scripted>['api']) =>
    api.migrationCreate({ source: 'tank/a@s', destination: 'tank/a', remote: 'b' })()

  it.each([
    ['a timeout (the task may exist)', hang],
    ['a reset connection', reset],
    ['HTTP 500', reply('boom', 500)],
    ['JSON-RPC -32603', reply({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } })],
  ])('not retried after %s', async (_, first) => {
    const { clock, fake, api } = scripted([first])
    expect(E.isLeft(await settle(clock, create(api)))).toBe(true)
    expect(fake.seen).toHaveLength(1)
  })

  it.each([
    ['a refused connection', refused],
    ['HTTP 429 (the limiter runs before dispatch)', RATE_LIMITED],
  ])('retried after %s', async (_, first) => {
    const { clock, fake, api } = scripted([first])
    expect(await settle(clock, create(api))).toEqual(E.right({ taskId: 't1' }))
    expect(fake.seen).toHaveLength(2)
  })
})

describe('snapshot mutations settle an ambiguous failure by the API’s "already done" answer', () => {
  const existsFor = (id: number) =>
    reply({
      jsonrpc: '2.0',
      id,
      error: {
        code: -32021,
        message: "Failed to create snapshot: cannot create snapshot 'tank/a@n': dataset already exists\n",
      },
    })
  const exists = existsFor(2)

  it('create times out, the retry says "already exists": done', async () => {
    const { clock, fake, api } = scripted([hang, exists])
    expect(await settle(clock, api.snapshotCreate('tank/a', 'n', false)())).toEqual(E.right(undefined))
    expect(fake.seen).toHaveLength(2)
  })

  it('"already exists" on the first attempt stays an error', async () => {
    const { clock, api } = scripted([existsFor(1)])
    expect(await settle(clock, api.snapshotCreate('tank/a', 'n', false)())).toMatchObject(
      E.left({ _tag: 'Remote', code: -32021 }),
    )
  })

  it('after a timeout, "already exists" naming a child (recursive create) is not "done": it stays an error', async () => {
    const child = (id: number) =>
      reply({
        jsonrpc: '2.0',
        id,
        error: {
          code: -32021,
          message: "Failed to create snapshot: cannot create snapshot 'tank/a/b@n': dataset already exists\n",
        },
      })
    const { clock, api } = scripted([hang, child(2)])
    expect(await settle(clock, api.snapshotCreate('tank/a', 'n', true)())).toMatchObject(
      E.left({ _tag: 'Remote', code: -32021, afterUnansweredAttempt: true }),
    )
  })

  it.each([
    ['tank/a@n', true],
    ['tank/a/b@n', false],
  ])('after a timeout, a recursive hold (release) refused naming %s is done: %s', async (named, done) => {
    const answer = (code: number, text: string) =>
      reply({ jsonrpc: '2.0', id: 2, error: { code, message: text } })
    const held = answer(
      -32030,
      `Failed to hold snapshot: cannot hold snapshot '${named}': tag already exists on this dataset\n`,
    )
    const gone = answer(
      -32032,
      `Failed to release snapshot: cannot release hold from snapshot '${named}': no such tag on this dataset\n`,
    )
    for (const [run, second] of [
      [(api: ZfsApi) => api.snapshotHold('tank/a', 'n', 'base', true), held],
      [(api: ZfsApi) => api.snapshotRelease('tank/a', 'n', 'base', true), gone],
    ] as const) {
      const { clock, api } = scripted([hang, second])
      const r = await settle(clock, run(api)())
      if (done) expect(r).toEqual(E.right(undefined))
      else expect(r).toMatchObject(E.left({ _tag: 'Remote', afterUnansweredAttempt: true }))
    }
  })

  it('a refusal that follows an unanswered attempt says so (that attempt may still run)', async () => {
    const busy = (id: number) =>
      reply({
        jsonrpc: '2.0',
        id,
        error: {
          code: -32026,
          message: "Failed to destroy snapshot: cannot destroy 'tank/a@n': dataset is busy\n",
        },
      })
    const { clock, api } = scripted([hang, busy(2)])
    expect(await settle(clock, api.snapshotDestroy('tank/a', 'n')())).toMatchObject(
      E.left({ _tag: 'Remote', code: -32026, afterUnansweredAttempt: true }),
    )
  })

  it('a held snapshot is not retried: busy is permanent', async () => {
    const clock = new VirtualClock(0)
    const fake = fakeFetch(
      rpc(() => fail(-32026, "Failed to destroy snapshot: cannot destroy 'tank/a@n': dataset is busy\n")),
      clock,
    )
    const api = makeClient({ url: URL, fetch: fake.fetch, clock })
    expect(await settle(clock, api.snapshotDestroy('tank/a', 'n')())).toMatchObject(
      E.left({ _tag: 'Remote', code: -32026 }),
    )
    expect(fake.seen).toHaveLength(1)
  })
})
