import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { IN_FLIGHT_LIMIT, makeClient } from '../src/Client.js'
import { VirtualClock } from '../src/Clock.js'
import type { ZfsApi } from '../src/ZfsApi.js'
import { callsIn, fail, fakeFetch, ok, reply, reset, rpc, settle } from './FakeFetch.js'

const URL = 'http://127.0.0.1:8545'
const NO_RETRY = { maxAttempts: 1 }

/** A client over a fake API answering every method with `result` (or per-method results). */
const withResults = (results: Record<string, unknown>) => {
  const fake = fakeFetch(
    rpc((method) => (method in results ? ok(results[method]) : fail(-32601, 'Method not found'))),
  )
  return {
    fake,
    api: makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0), retry: NO_RETRY }),
  }
}

describe('methods put the API’s param names on the wire and decode the domain value', () => {
  it.each([
    ['poolList', (a: ZfsApi) => a.poolList(), 'pool_list', undefined, { pools: ['tank'] }, ['tank']],
    [
      'datasetList()',
      (a: ZfsApi) => a.datasetList(),
      'dataset_list',
      undefined,
      { datasets: ['tank'] },
      ['tank'],
    ],
    [
      'datasetList(ds)',
      (a: ZfsApi) => a.datasetList('tank'),
      'dataset_list',
      { dataset: 'tank' },
      { datasets: ['tank'] },
      ['tank'],
    ],
    [
      'snapshotList',
      (a: ZfsApi) => a.snapshotList('tank/a'),
      'snapshot_list',
      { dataset: 'tank/a' },
      { dataset: 'tank/a', snapshots: ['s1'] },
      ['s1'],
    ],
    [
      'snapshotCreate',
      (a: ZfsApi) => a.snapshotCreate('tank/a', 'n', true),
      'snapshot_create',
      { dataset: 'tank/a', name: 'n', recursive: true },
      { created: true },
      undefined,
    ],
    [
      'snapshotDestroy (never recursive)',
      (a: ZfsApi) => a.snapshotDestroy('tank/a', 'n'),
      'snapshot_destroy',
      { dataset: 'tank/a', snapshot: 'n', recursive: false },
      { destroyed: true },
      undefined,
    ],
    [
      'snapshotHold',
      (a: ZfsApi) => a.snapshotHold('tank/a', 'n', 'keep'),
      'snapshot_hold',
      { dataset: 'tank/a', snapshot: 'n', tag: 'keep' },
      { hold: 'keep' },
      undefined,
    ],
    [
      'snapshotRelease',
      (a: ZfsApi) => a.snapshotRelease('tank/a', 'n', 'keep'),
      'snapshot_release',
      { dataset: 'tank/a', snapshot: 'n', tag: 'keep' },
      { released: 'keep' },
      undefined,
    ],
    [
      'snapshotHold -r',
      (a: ZfsApi) => a.snapshotHold('tank/a', 'n', 'keep', true),
      'snapshot_hold',
      { dataset: 'tank/a', snapshot: 'n', tag: 'keep', recursive: true },
      { hold: 'keep' },
      undefined,
    ],
    [
      'snapshotRelease -r',
      (a: ZfsApi) => a.snapshotRelease('tank/a', 'n', 'keep', true),
      'snapshot_release',
      { dataset: 'tank/a', snapshot: 'n', tag: 'keep', recursive: true },
      { released: 'keep' },
      undefined,
    ],
    [
      'migrationCreate (sync always on)',
      (a: ZfsApi) => a.migrationCreate({ source: 'tank/a@s', destination: 'tank/a', remote: 'b', limit: 5 }),
      'migration_create',
      { source: 'tank/a@s', destination: 'tank/a', remote: 'b', recursive: false, sync: true, limit: 5 },
      { task_id: 't1', status: 'created' },
      { taskId: 't1' },
    ],
    [
      'migrationList (large limit: the API cuts before sorting)',
      (a: ZfsApi) => a.migrationList({ status: 'running' }),
      'migration_list',
      { status: 'running', limit: 100_000 },
      { tasks: [], total: 0 },
      [],
    ],
    [
      'migrationCancel',
      (a: ZfsApi) => a.migrationCancel('t1'),
      'migration_cancel',
      { task_id: 't1' },
      { task_id: 't1', cancelled: true },
      undefined,
    ],
  ] as const)('%s', async (_, run, method, params, result, expected) => {
    const { fake, api } = withResults({ [method]: result })
    expect(await run(api)()).toEqual(E.right(expected))
    expect(fake.seen).toHaveLength(1)
    expect(fake.seen[0]).toMatchObject({ url: `${URL}/`, method: 'POST' })
    expect(fake.seen[0]!.body).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method,
      ...(params === undefined ? {} : { params }),
    })
  })

  it('health is a GET of /health, counted as a round trip but not as a JSON-RPC call', async () => {
    const fake = fakeFetch(() => reply({ status: 'healthy', pools: 2, timestamp: 't', extra: 1 }))
    const api = makeClient({ url: `${URL}/`, fetch: fake.fetch, clock: new VirtualClock(0) })
    expect(await api.health()()).toEqual(E.right({ status: 'healthy', pools: 2, timestamp: 't' }))
    expect(fake.seen.map((s) => [s.method, s.url])).toEqual([['GET', `${URL}/health`]])
    expect(api.stats()).toEqual({ httpRequests: 1, rpcCalls: 0, callsByMethod: {} })
  })

  it('an unhealthy API (503) is an Http error', async () => {
    const fake = fakeFetch(() => reply({ status: 'unhealthy', error: 'zpool missing' }, 503))
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0), retry: NO_RETRY })
    expect(await api.health()()).toMatchObject(E.left({ _tag: 'Http', method: 'GET /health', status: 503 }))
  })
})

describe('HTTP and JSON-RPC failures become tagged errors', () => {
  const once = async (answer: ReturnType<typeof reply>) => {
    const fake = fakeFetch(() => answer)
    const api = makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0), retry: NO_RETRY })
    return api.snapshotList('tank/a')()
  }

  it('a 429 is an Http error carrying the -32000 body', async () => {
    const body = { jsonrpc: '2.0', error: { code: -32000, message: 'Rate limit exceeded' }, id: null }
    const r = await once(reply(body, 429))
    expect(r).toMatchObject(E.left({ _tag: 'Http', method: 'snapshot_list', status: 429 }))
    expect(E.isLeft(r) && r.left._tag === 'Http' && r.left.body).toContain('-32000')
  })

  it('a 200 with a JSON-RPC error is a Remote error with method, code and message', async () => {
    const msg = "Failed to destroy dataset: cannot open 'tank/new': dataset does not exist\n"
    expect(await once(reply({ jsonrpc: '2.0', id: 1, error: { code: -32025, message: msg } }))).toEqual(
      E.left({ _tag: 'Remote', method: 'snapshot_list', code: -32025, message: msg }),
    )
  })

  it.each([
    ['an empty body (notification-style reply)', reply(''), 'body'],
    ['a body that is not JSON', reply('<html>'), 'body'],
    ['a response for another id', reply({ jsonrpc: '2.0', id: 99, result: { snapshots: [] } }), 'body.id'],
    [
      'a result of the wrong shape',
      reply({ jsonrpc: '2.0', id: 1, result: { snapshots: 'a' } }),
      'result.snapshots',
    ],
  ])('%s is a Decode error naming the method', async (_, answer, path) => {
    expect(await once(answer)).toMatchObject(E.left({ _tag: 'Decode', method: 'snapshot_list', path }))
  })

  it('an unknown dataset is an empty list, not an error (API quirk)', async () => {
    const { api } = withResults({ snapshot_list: { dataset: 'nope', snapshots: [] } })
    expect(await api.snapshotList('nope')()).toEqual(E.right([]))
  })

  it('ids grow per call so replies cannot be confused', async () => {
    const { fake, api } = withResults({ pool_list: { pools: [] } })
    await api.poolList()()
    await api.poolList()()
    expect(fake.seen.flatMap(callsIn).map((c) => c.id)).toEqual([1, 2])
  })
})

describe('migrationsInFlight: the pending and running tasks, item by item', () => {
  const wireTask = (id: string, status: string, source = `tank/${id}@s`) => ({
    id,
    status,
    created_at: null,
    started_at: null,
    completed_at: null,
    error: null,
    progress: null,
    params: { source, destination: 'backup/x', remote: 'nas' },
  })
  const serve = (pages: Record<string, { tasks: unknown[]; total?: number }>) => {
    const fake = fakeFetch(rpc((_, params) => ok(pages[String(params['status'])] ?? { tasks: [], total: 0 })))
    return {
      fake,
      api: makeClient({ url: URL, fetch: fake.fetch, clock: new VirtualClock(0), retry: NO_RETRY }),
    }
  }

  it('asks with the status filter, both statuses in one round trip, never the whole history', async () => {
    const { fake, api } = serve({
      pending: { tasks: [wireTask('a', 'pending')], total: 1 },
      running: { tasks: [wireTask('b', 'running')], total: 1 },
    })
    const r = await api.migrationsInFlight()()
    expect(fake.seen).toHaveLength(1)
    expect(callsIn(fake.seen[0]!).map((c) => [c.method, c.params])).toEqual([
      ['migration_list', { status: 'pending', limit: IN_FLIGHT_LIMIT }],
      ['migration_list', { status: 'running', limit: IN_FLIGHT_LIMIT }],
    ])
    expect(E.isRight(r) && r.right.tasks.map((t) => t.id)).toEqual(['a', 'b'])
    expect(E.isRight(r) && r.right.truncated).toBe(false)
  })

  it.each([
    ['total above what was returned', { tasks: [wireTask('b', 'running')], total: 2 }],
    [
      'a full page',
      { tasks: Array.from({ length: IN_FLIGHT_LIMIT }, (_, i) => wireTask(`t${i}`, 'running')), total: 1000 },
    ],
  ])('%s: truncated', async (_, running) => {
    const { api } = serve({ running })
    const r = await api.migrationsInFlight()()
    expect(E.isRight(r) && r.right.truncated).toBe(true)
  })

  it('a task that does not decode is reported with its id and source; the others are kept', async () => {
    const { api } = serve({
      running: { tasks: [{ ...wireTask('odd', 'paused', 'tank/a@s') }, wireTask('b', 'running')], total: 2 },
    })
    const r = await api.migrationsInFlight()()
    if (E.isLeft(r)) throw new Error('left')
    expect(r.right.tasks.map((t) => t.id)).toEqual(['b'])
    expect(r.right.undecodable).toEqual([
      {
        id: 'odd',
        source: 'tank/a@s',
        error: expect.objectContaining({ _tag: 'Decode', path: 'result.tasks[0].status' }),
      },
    ])
  })

  it('a page of the wrong shape fails the listing', async () => {
    const { api } = serve({ running: { tasks: 'nope' } as never })
    expect(E.isLeft(await api.migrationsInFlight()())).toBe(true)
  })
})

describe('mutate: many mutations in batches of the cap, each with its single method’s rules', () => {
  const all = [
    { _tag: 'SnapshotCreate', dataset: 'tank/a', name: 'n', recursive: false },
    { _tag: 'SnapshotDestroy', dataset: 'tank/b', snapshot: 'old' },
    { _tag: 'SnapshotHold', dataset: 'tank/c', snapshot: 's', tag: 'keep' },
    { _tag: 'SnapshotRelease', dataset: 'tank/c', snapshot: 'r', tag: 'keep' },
    {
      _tag: 'MigrationCreate',
      request: { source: 'tank/d@n', destination: 'backup/d', remote: 'nas' },
    },
  ] as const
  const answers: Record<string, unknown> = {
    snapshot_create: { created: true },
    snapshot_destroy: { destroyed: true },
    snapshot_hold: { hold: 'keep' },
    snapshot_release: { released: 'keep' },
    migration_create: { task_id: 't-1' },
  }

  it('one round trip for all, the single methods’ params on the wire, replies in input order', async () => {
    const fake = fakeFetch(rpc((m) => ok(answers[m])))
    const api = makeClient({ url: URL, fetch: fake.fetch, retry: NO_RETRY })
    const r = await api.mutate(all)()
    expect(fake.seen).toHaveLength(1)
    expect(callsIn(fake.seen[0]!).map((c) => [c.method, c.params])).toEqual([
      ['snapshot_create', { dataset: 'tank/a', name: 'n', recursive: false }],
      ['snapshot_destroy', { dataset: 'tank/b', snapshot: 'old', recursive: false }],
      ['snapshot_hold', { dataset: 'tank/c', snapshot: 's', tag: 'keep' }],
      ['snapshot_release', { dataset: 'tank/c', snapshot: 'r', tag: 'keep' }],
      [
        'migration_create',
        { source: 'tank/d@n', destination: 'backup/d', remote: 'nas', recursive: false, sync: true },
      ],
    ])
    expect(r).toEqual([
      E.right(undefined),
      E.right(undefined),
      E.right(undefined),
      E.right(undefined),
      E.right({ taskId: 't-1' }),
    ])
    expect(api.stats().httpRequests).toBe(1)
  })

  it('in batches of the cap: ⌈k / cap⌉ round trips, never more than the cap in one', async () => {
    const fake = fakeFetch(rpc((m) => ok(answers[m])))
    const api = makeClient({ url: URL, fetch: fake.fetch, retry: NO_RETRY, maxCallsInFlight: 2 })
    const r = await api.mutate(all)()
    expect(fake.seen.map((s) => callsIn(s).length)).toEqual([2, 2, 1])
    expect(r.every(E.isRight)).toBe(true)
  })

  it('after a round trip without reply, resends only what its single method would, and reads "already done" as done', async () => {
    const clock = new VirtualClock(0)
    const fake = fakeFetch(
      (req, n) =>
        n === 1
          ? reset
          : rpc((m, p) =>
              m === 'snapshot_create'
                ? fail(
                    -32021,
                    `Failed to create snapshot: cannot create snapshot '${String(p['dataset'])}@${String(p['name'])}': dataset already exists`,
                  )
                : m === 'snapshot_destroy'
                  ? fail(
                      -32026,
                      'Failed to destroy snapshot: could not find any snapshots to destroy; check snapshot names. does not exist',
                    )
                  : ok(answers[m]),
            )(req),
      clock,
    )
    const api = makeClient({ url: URL, fetch: fake.fetch, clock })
    const r = await settle(clock, api.mutate(all)())
    // The second round trip carries every mutation with a rule for "already done"; migration_create has
    // none (a second task would send twice), so it is not resent and stays a failure.
    expect(fake.seen.map((s) => callsIn(s).map((c) => c.method))).toEqual([
      ['snapshot_create', 'snapshot_destroy', 'snapshot_hold', 'snapshot_release', 'migration_create'],
      ['snapshot_create', 'snapshot_destroy', 'snapshot_hold', 'snapshot_release'],
    ])
    expect(r.slice(0, 4)).toEqual([
      E.right(undefined),
      E.right(undefined),
      E.right(undefined),
      E.right(undefined),
    ])
    expect(E.isLeft(r[4]!) && r[4].left._tag).toBe('Transport')
  })
})
