import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_CALLS_IN_FLIGHT, makeClient } from '../src/Client.js'
import { VirtualClock } from '../src/Clock.js'
import type { FetchLike } from '../src/HttpTransport.js'
import { callsIn, fail, fakeFetch, hang, ok, reply, rpc, settle } from './FakeFetch.js'

const URL = 'http://127.0.0.1:8545'
const snaps = (n: number) => Array.from({ length: n }, (_, i) => `auto_${String(i).padStart(5, '0')}`)
/** Holds derived from the snapshot name, so a mix-up of order shows. */
const holdsOf = (snapshot: string) => [`tag_${snapshot}`]

const holdsServer = (opts?: { reverse?: boolean; failOn?: string }) =>
  fakeFetch(
    rpc(
      (method, p) => {
        if (method === 'snapshot_list') return ok({ dataset: p['dataset'], snapshots: snaps(1000) })
        if (p['snapshot'] === opts?.failOn) return fail(-32034, 'boom')
        return ok({ dataset: p['dataset'], snapshot: p['snapshot'], holds: holdsOf(String(p['snapshot'])) })
      },
      opts?.reverse === undefined ? {} : { reverse: opts.reverse },
    ),
  )

describe('batching', () => {
  it('lists snapshots and holds of a 1,000-snapshot dataset in 1 + ⌈1000 / cap⌉ HTTP requests', async () => {
    const fake = holdsServer()
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    const list = await api.snapshotList('tank/a')()
    if (E.isLeft(list)) throw new Error('list failed')
    const holds = await api.holdsList('tank/a', list.right)()
    expect(E.map((m: ReadonlyMap<string, ReadonlyArray<string>>) => m.size)(holds)).toEqual(E.right(1000))
    const batches = Math.ceil(1000 / DEFAULT_MAX_CALLS_IN_FLIGHT)
    expect(api.stats()).toEqual({
      httpRequests: 1 + batches,
      rpcCalls: 1001,
      callsByMethod: { snapshot_list: 1, snapshot_holds_list: 1000 },
    })
    expect(fake.seen).toHaveLength(1 + batches)
    expect(fake.seen.every((s) => callsIn(s).length <= DEFAULT_MAX_CALLS_IN_FLIGHT)).toBe(true)
  })

  it('never has more than maxCallsInFlight calls on the API host, however many reads run at once', () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 12 }),
        async (sizes, cap) => {
          const clock = new VirtualClock(0)
          const fake = holdsServer({ reverse: true })
          let inFlight = 0
          let peak = 0
          // The host answers each round trip 50 ms after it arrives; count its calls meanwhile.
          const slow: FetchLike = async (url, init) => {
            const body: unknown = JSON.parse(init.body ?? '{}')
            const n = Array.isArray(body) ? body.length : 1
            inFlight += n
            peak = Math.max(peak, inFlight)
            await clock.sleep(50)
            inFlight -= n
            return fake.fetch(url, init)
          }
          const api = makeClient({ url: URL, fetch: slow, clock, maxCallsInFlight: cap })
          const names = sizes.map((n, d) => snaps(n).map((s) => `${d}_${s}`))
          const got = await settle(
            clock,
            Promise.all(names.map((ns, d) => api.holdsList(`tank/${d}`, ns)())),
            10,
          )
          expect(got.map(E.map((m: ReadonlyMap<string, ReadonlyArray<string>>) => [...m.keys()]))).toEqual(
            names.map(E.right),
          )
          expect(peak).toBeLessThanOrEqual(cap)
          expect(api.stats().rpcCalls).toBe(sizes.reduce((a, b) => a + b, 0))
        },
      ),
      { numRuns: 50 },
    ))

  it('a timed-out round trip is not resent and stops the batch; what was answered before it is kept', async () => {
    const clock = new VirtualClock(0)
    const answer = rpc((_, p) => ok({ dataset: p['dataset'], snapshot: p['snapshot'], holds: ['t'] }))
    const fake = fakeFetch((req, n) => (n === 2 ? hang : answer(req)), clock)
    const api = makeClient({ url: URL, fetch: fake.fetch, clock, timeoutMs: 1000, maxCallsInFlight: 2 })
    const r = await settle(clock, api.holdsListEach('tank/a', snaps(7))())
    if (E.isLeft(r)) throw new Error('the first round trip was answered')
    expect(r.right.slice(0, 2)).toEqual([E.right(['t']), E.right(['t'])])
    for (const item of r.right.slice(2))
      expect(item).toMatchObject(E.left({ _tag: 'Transport', timedOut: true }))
    expect(r.right).toHaveLength(7)
    // Two round trips: the answered one and the one that timed out; nothing resent, nothing after it.
    expect(fake.seen).toHaveLength(2)
    // A timeout of the first round trip fails the whole call (nothing was answered).
    const first = fakeFetch(() => hang, clock)
    const api2 = makeClient({ url: URL, fetch: first.fetch, clock, timeoutMs: 1000, maxCallsInFlight: 2 })
    expect(await settle(clock, api2.holdsListEach('tank/a', snaps(7))())).toMatchObject(
      E.left({ _tag: 'Transport', timedOut: true }),
    )
    expect(first.seen).toHaveLength(1)
  })

  it('no snapshots, no request', async () => {
    const fake = holdsServer()
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.holdsList('tank/a', [])()).toEqual(E.right(new Map()))
    expect(await api.snapshotLists([])()).toEqual(E.right([]))
    expect(fake.seen).toHaveLength(0)
  })

  it('splits at the cap and keeps order even when the server answers out of order', () =>
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 25 }), async (n, cap) => {
        const fake = holdsServer({ reverse: true })
        const api = makeClient({
          url: URL,
          fetch: fake.fetch,
          clock: new VirtualClock(0),
          maxCallsInFlight: cap,
        })
        const names = snaps(n)
        const r = await api.holdsList('tank/a', names)()
        expect(E.map((m: ReadonlyMap<string, ReadonlyArray<string>>) => [...m])(r)).toEqual(
          E.right(names.map((s) => [s, holdsOf(s)])),
        )
        expect(fake.seen).toHaveLength(Math.ceil(n / cap))
        expect(fake.seen.every((s) => callsIn(s).length <= cap)).toBe(true)
        // Every snapshot asked exactly once, in input order across requests.
        expect(fake.seen.flatMap(callsIn).map((c) => c.params?.['snapshot'])).toEqual(names)
      }),
    ))

  it('one failed holds item fails the whole listing (partial knowledge must not drive destroys)', async () => {
    const fake = holdsServer({ failOn: 'auto_00003' })
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.holdsList('tank/a', snaps(10))()).toEqual(
      E.left({ _tag: 'Remote', method: 'snapshot_holds_list', code: -32034, message: 'boom' }),
    )
  })

  it('holdsListEach keeps failed and undecodable items beside the successes, in input order', async () => {
    const fake = fakeFetch(
      rpc(
        (_, p) =>
          p['snapshot'] === 'bad'
            ? fail(-32034, 'boom')
            : p['snapshot'] === 'odd'
              ? ok({ holds: 'not a list' })
              : ok({ dataset: p['dataset'], snapshot: p['snapshot'], holds: holdsOf(String(p['snapshot'])) }),
        { reverse: true },
      ),
    )
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    const r = await api.holdsListEach('tank/a', ['a', 'bad', 'odd', 'c'])()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right[0]).toEqual(E.right(holdsOf('a')))
    expect(r.right[1]).toEqual(
      E.left({ _tag: 'Remote', method: 'snapshot_holds_list', code: -32034, message: 'boom' }),
    )
    expect(r.right[2]).toMatchObject(E.left({ _tag: 'Decode', method: 'snapshot_holds_list' }))
    expect(r.right[3]).toEqual(E.right(holdsOf('c')))
    expect(r.right).toHaveLength(4)
    // One round trip (4 calls, within the cap), one call per snapshot.
    expect(fake.seen).toHaveLength(1)
    expect(api.stats().callsByMethod).toEqual({ snapshot_holds_list: 4 })
  })

  it('holdsListEach fails as a whole when the round trip fails, and sends nothing for no snapshots', async () => {
    const fake = fakeFetch(() => reply({ error: 'bad request' }, 400))
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.holdsListEach('tank/a', [])()).toEqual(E.right([]))
    expect(fake.seen).toHaveLength(0)
    expect(await api.holdsListEach('tank/a', ['a', 'b'])()).toMatchObject(
      E.left({ _tag: 'Http', status: 400 }),
    )
  })

  it('snapshotLists keeps per-dataset errors beside the successes, in input order', async () => {
    const fake = fakeFetch(
      rpc(
        (_, p) =>
          p['dataset'] === 'bad'
            ? fail(-32025, 'Failed to list snapshots')
            : ok({ dataset: p['dataset'], snapshots: [`${p['dataset']}_s`] }),
        { reverse: true },
      ),
    )
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.snapshotLists(['a', 'bad', 'c'])()).toEqual(
      E.right([
        E.right(['a_s']),
        E.left({
          _tag: 'Remote',
          method: 'snapshot_list',
          code: -32025,
          message: 'Failed to list snapshots',
        }),
        E.right(['c_s']),
      ]),
    )
    expect(fake.seen).toHaveLength(1)
    expect(api.stats().callsByMethod).toEqual({ snapshot_list: 3 })
  })

  it('a batch reply missing one id is a Decode error for that item only', async () => {
    const fake = fakeFetch((req) => {
      const calls = callsIn(req)
      return {
        _tag: 'Reply',
        status: 200,
        text: JSON.stringify(
          calls.slice(1).map((c) => ({ jsonrpc: '2.0', id: c.id, result: { snapshots: [] } })),
        ),
      }
    })
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.snapshotLists(['a', 'b'])()).toEqual(
      E.right([
        E.left({ _tag: 'Decode', method: 'snapshot_list', path: 'body', message: 'no response with id 1' }),
        E.right([]),
      ]),
    )
  })
})
