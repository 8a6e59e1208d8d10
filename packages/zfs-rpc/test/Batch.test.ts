import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { makeClient } from '../src/Client.js'
import { VirtualClock } from '../src/Clock.js'
import { callsIn, fail, fakeFetch, ok, reply, rpc } from './FakeFetch.js'

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
  it('lists snapshots and holds of a 1,000-snapshot dataset in 2 HTTP requests', async () => {
    const fake = holdsServer()
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0) })
    const list = await api.snapshotList('tank/a')()
    if (E.isLeft(list)) throw new Error('list failed')
    const holds = await api.holdsList('tank/a', list.right)()
    expect(E.map((m: ReadonlyMap<string, ReadonlyArray<string>>) => m.size)(holds)).toEqual(E.right(1000))
    expect(api.stats()).toEqual({
      httpRequests: 2,
      rpcCalls: 1001,
      callsByMethod: { snapshot_list: 1, snapshot_holds_list: 1000 },
    })
    expect(fake.seen).toHaveLength(2)
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
        const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0), batchSize: cap })
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
    // Still one round trip, one call per snapshot.
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
