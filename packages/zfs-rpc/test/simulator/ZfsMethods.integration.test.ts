import { describe, expect, it } from 'vitest'
import { start } from './http.js'

const ok = (result: unknown) => ({ jsonrpc: '2.0', result, id: 1 })
const err = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: 1 })

describe('simulator: snapshot, hold, dataset and pool methods over HTTP', () => {
  it('snapshot_create then snapshot_list: short names, creation order (not sorted)', async () => {
    const { rpc } = await start({ datasets: ['tank/data'] })
    for (const name of ['b', 'a', 'c']) {
      expect(await rpc('snapshot_create', { dataset: 'tank/data', name })).toEqual(
        ok({ dataset: 'tank/data', snapshot: name, created: true }),
      )
    }
    expect(await rpc('snapshot_list', { dataset: 'tank/data' })).toEqual(
      ok({ dataset: 'tank/data', snapshots: ['b', 'a', 'c'] }),
    )
  })

  it('snapshot_list of an unknown dataset is an empty list, not an error; child snapshots are excluded', async () => {
    const { rpc, sim } = await start()
    sim.seed.snapshots('tank/data/child', ['c1'])
    expect(await rpc('snapshot_list', { dataset: 'tank/nope' })).toEqual(
      ok({ dataset: 'tank/nope', snapshots: [] }),
    )
    expect(await rpc('snapshot_list', { dataset: 'tank/data' })).toEqual(
      ok({ dataset: 'tank/data', snapshots: [] }),
    )
  })

  it.each([
    [
      'duplicate name',
      { dataset: 'tank/data', name: 's1' },
      -32021,
      "Failed to create snapshot: cannot create snapshot 'tank/data@s1': dataset already exists\n",
    ],
    [
      'unknown dataset',
      { dataset: 'tank/nope', name: 'x' },
      -32021,
      "Failed to create snapshot: cannot open 'tank/nope': dataset does not exist\n",
    ],
    [
      'invalid character',
      { dataset: 'tank/data', name: 'a b' },
      -32021,
      "Failed to create snapshot: cannot create snapshot 'tank/data@a b': invalid character ' ' in name\n",
    ],
  ])('snapshot_create fails like zfs: %s', async (_, params, code, message) => {
    const { rpc, sim } = await start()
    sim.seed.snapshots('tank/data', ['s1'])
    expect(await rpc('snapshot_create', params)).toEqual(err(code, message))
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
  })

  it('snapshot_create recursive snapshots every descendant', async () => {
    const { rpc, sim } = await start({ datasets: ['tank/data/a', 'tank/data/b'] })
    await rpc('snapshot_create', { dataset: 'tank/data', name: 'r1', recursive: true })
    expect(['tank/data', 'tank/data/a', 'tank/data/b'].map((d) => sim.inspect.snapshots(d))).toEqual([
      ['r1'],
      ['r1'],
      ['r1'],
    ])
  })

  it('snapshot_destroy: held → -32026 dataset is busy and kept; unheld → destroyed', async () => {
    const { rpc, sim } = await start()
    sim.seed.snapshots('tank/data', ['s1', 's2'])
    sim.seed.hold('tank/data', 's1', 'keep')
    expect(await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' })).toEqual(
      err(-32026, 'Failed to destroy snapshot: cannot destroy snapshot tank/data@s1: dataset is busy\n'),
    )
    expect(await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's2' })).toEqual(
      ok({ snapshot: 'tank/data@s2', destroyed: true }),
    )
    expect(sim.inspect.snapshots('tank/data')).toEqual(['s1'])
  })

  it('snapshot_destroy of a missing snapshot fails; recursive (-R) also takes the children', async () => {
    const { rpc, sim } = await start()
    sim.seed.snapshots('tank/data', ['s1'])
    sim.seed.snapshots('tank/data/child', ['s1', 's2'])
    expect((await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 'zz' }))['error']).toEqual({
      code: -32026,
      message: 'Failed to destroy snapshot: could not find any snapshots to destroy; check snapshot names.\n',
    })
    await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1', recursive: true })
    expect([sim.inspect.snapshots('tank/data'), sim.inspect.snapshots('tank/data/child')]).toEqual([
      [],
      ['s2'],
    ])
  })

  it('holds: hold, duplicate tag -32030, list tags sorted descending, release, missing tag -32032', async () => {
    const { rpc, sim } = await start()
    sim.seed.snapshots('tank/data', ['s1'])
    for (const tag of ['keepme', 'zz_second', 'alpha']) {
      expect(await rpc('snapshot_hold', { dataset: 'tank/data', snapshot: 's1', tag })).toEqual(
        ok({ dataset: 'tank/data', snapshot: 's1', hold: tag }),
      )
    }
    expect(await rpc('snapshot_hold', { dataset: 'tank/data', snapshot: 's1', tag: 'alpha' })).toEqual(
      err(
        -32030,
        "Failed to hold snapshot: cannot hold snapshot 'tank/data@s1': tag already exists on this dataset\n",
      ),
    )
    expect(await rpc('snapshot_holds_list', { dataset: 'tank/data', snapshot: 's1' })).toEqual(
      ok({ dataset: 'tank/data', snapshot: 's1', holds: ['zz_second', 'keepme', 'alpha'] }),
    )
    expect(await rpc('snapshot_release', { dataset: 'tank/data', snapshot: 's1', tag: 'alpha' })).toEqual(
      ok({ dataset: 'tank/data', snapshot: 's1', released: 'alpha' }),
    )
    expect(await rpc('snapshot_release', { dataset: 'tank/data', snapshot: 's1', tag: 'alpha' })).toEqual(
      err(
        -32032,
        "Failed to release snapshot: cannot release hold from snapshot 'tank/data@s1': no such tag on this dataset\n",
      ),
    )
    expect(sim.inspect.holds('tank/data', 's1')).toEqual(['keepme', 'zz_second'])
  })

  it('snapshot_holds_list of a missing snapshot is []', async () => {
    const { rpc } = await start({ datasets: ['tank/data'] })
    expect(await rpc('snapshot_holds_list', { dataset: 'tank/data', snapshot: 'nope' })).toEqual(
      ok({ dataset: 'tank/data', snapshot: 'nope', holds: [] }),
    )
  })

  it('dataset_create, dataset_list (all, -r subtree, unknown → []) and pool_list', async () => {
    const { rpc } = await start({ datasets: ['tank/data'] })
    expect(await rpc('dataset_create', { dataset: 'tank/data/new' })).toEqual(
      ok({ dataset: 'tank/data/new', created: true }),
    )
    expect(await rpc('dataset_create', { dataset: 'tank/data/new' })).toEqual(
      err(-32010, "Failed to create dataset: cannot create 'tank/data/new': dataset already exists\n"),
    )
    expect(await rpc('dataset_create', { dataset: 'tank/x/y' })).toEqual(
      err(-32010, "Failed to create dataset: cannot create 'tank/x/y': parent does not exist\n"),
    )
    expect(await rpc('dataset_list')).toEqual(ok({ datasets: ['tank', 'tank/data', 'tank/data/new'] }))
    expect(await rpc('dataset_list', { dataset: 'tank/data' })).toEqual(
      ok({ datasets: ['tank/data', 'tank/data/new'] }),
    )
    expect(await rpc('dataset_list', { dataset: 'nope' })).toEqual(ok({ datasets: [] }))
    expect(await rpc('pool_list')).toEqual(ok({ pools: ['tank'] }))
  })

  it('the mutation log records each mutating call with its outcome; counters count calls per method', async () => {
    const { rpc, sim } = await start({ datasets: ['tank/data'] })
    await rpc('snapshot_create', { dataset: 'tank/data', name: 's1' })
    await rpc('snapshot_create', { dataset: 'tank/data', name: 's1' })
    await rpc('snapshot_list', { dataset: 'tank/data' })
    expect(sim.inspect.mutations().map((m) => [m.method, m.params['name'], m.error?.code])).toEqual([
      ['snapshot_create', 's1', undefined],
      ['snapshot_create', 's1', -32021],
    ])
    expect(sim.inspect.counts()).toEqual({
      httpRequests: 3,
      rpcCalls: 3,
      byMethod: { snapshot_create: 2, snapshot_list: 1 },
    })
  })
})
