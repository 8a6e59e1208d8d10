import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HostApi } from '../../src/testing/index.js'
import { callIn as call, fastPair, type Json } from './http.js'

const props = async (api: HostApi, dataset: string, property?: string): Promise<Json> =>
  (await call(api, 'dataset_get_properties', property === undefined ? { dataset } : { dataset, property }))
    .properties

const pair = () => fastPair({ zone: 'Europe/Vienna' })

describe('snapshot guids (dataset_get_properties, contract §2.2)', () => {
  it('every snapshot gets a guid; zfs get values are human (no -p), in the host zone; a comma list works', async () => {
    const { source, clock } = pair()
    source.seed.dataset('tank/data')
    await clock.advance(3_600_000)
    await call(source, 'snapshot_create', { dataset: 'tank/data', name: 's1' })
    await call(source, 'snapshot_hold', { dataset: 'tank/data', snapshot: 's1', tag: 'keep' })
    expect(await props(source, 'tank/data@s1', 'guid,creation,type,userrefs')).toEqual({
      guid: expect.stringMatching(/^[1-9][0-9]*$/),
      creation: 'Thu Jan  1  2:00 2026',
      type: 'snapshot',
      userrefs: '1',
    })
    const all = await props(source, 'tank/data@s1')
    expect(Object.keys(all).sort()).toEqual(['createtxg', 'creation', 'guid', 'type', 'userrefs'])
    expect(await props(source, 'tank/data', 'guid,origin,userrefs,com.example:note')).toEqual({
      guid: expect.stringMatching(/^[0-9]+$/),
      origin: '-',
      userrefs: '-',
      'com.example:note': '-',
    })
  })

  it('quirk: a missing snapshot, an unknown property or a bad list is {} and no error', async () => {
    const { source } = pair()
    source.seed.snapshots('tank/data', ['s1'])
    expect(await props(source, 'tank/data@nope', 'guid')).toEqual({})
    expect(await props(source, 'tank/data@s1', 'guid,bogus')).toEqual({})
    expect(await call(source, 'dataset_get_properties', { dataset: 7 })).toEqual({
      code: -32015,
      message: 'expected str, bytes or os.PathLike object, not int',
    })
  })

  it('guids differ between snapshots; a received snapshot keeps the sender guid; one taken by hand under that name does not', async () => {
    const p = pair()
    p.source.seed.dataset('tank/data')
    for (const s of ['s1', 's2']) await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: s })
    const [g1, g2] = [
      (await props(p.source, 'tank/data@s1', 'guid')).guid,
      (await props(p.source, 'tank/data@s2', 'guid')).guid,
    ]
    expect(g1).not.toEqual(g2)
    await p.push()
    expect((await props(p.backup, 'backup/data@s2', 'guid')).guid).toEqual(g2)
    // By hand on the backup host, through its API: same name as the source's s1, another snapshot.
    await call(p.backup, 'snapshot_create', { dataset: 'backup/data', name: 's1' })
    expect((await props(p.backup, 'backup/data@s1', 'guid')).guid).not.toEqual(g1)
  })

  it('seeded names share a guid (as if replicated) unless diverged; diverge and replica', () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['a', 'b', 'c'])
    p.backup.seed.snapshots('backup/data', ['a'])
    p.backup.seed.snapshots('backup/data', ['b'], { diverged: true })
    const g = (ds: string, s: string, api: HostApi) => api.inspect.guid(ds, s)
    expect(g('backup/data', 'a', p.backup)).toEqual(g('tank/data', 'a', p.source))
    expect(g('backup/data', 'b', p.backup)).not.toEqual(g('tank/data', 'b', p.source))
    p.backup.seed.diverge('backup/data', 'a')
    expect(g('backup/data', 'a', p.backup)).not.toEqual(g('tank/data', 'a', p.source))
    p.source.seed.replica(['c'], { dataset: 'tank/data' }, { dataset: 'backup/other', host: 'nas' })
    expect(g('backup/other', 'c', p.backup)).toEqual(g('tank/data', 'c', p.source))
  })

  it('a diverged base: the API picks the common snapshot by name, the receive fails, holds are still placed, task completed', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['s1', 's2', 's3'])
    p.backup.seed.snapshots('backup/data', ['s1'], { diverged: true })
    await p.push()
    expect((p.source.inspect.migrations()[0] as Json).status).toBe('completed')
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s1'])
    const tag = 'sync_2026-01-01-01-00-00_nas'
    expect(p.source.inspect.holds('tank/data', 's3')).toEqual([tag])
    expect(p.backup.inspect.holds('backup/data', 's3')).toEqual([])
  })

  it('property: a backup snapshot has its source guid exactly when it arrived by migration, never when taken by hand', async () => {
    type Op = { readonly op: 'snap' | 'hand' | 'migrate' | 'destroyOldest'; readonly name: string }
    const opArb: fc.Arbitrary<Op> = fc.record({
      op: fc.constantFrom('snap', 'snap', 'hand', 'migrate', 'migrate', 'destroyOldest'),
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        const p = pair()
        p.source.seed.dataset('tank/data')
        /** backup name → how it got there (a hand-made snapshot blocks a later receive of that name). */
        const origin = new Map<string, 'received' | 'hand'>()
        for (const o of ops) {
          if (o.op === 'snap') await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: o.name })
          if (o.op === 'hand') {
            p.backup.seed.dataset('backup/data')
            const r = await call(p.backup, 'snapshot_create', { dataset: 'backup/data', name: o.name })
            if (r.created === true) origin.set(o.name, 'hand')
          }
          if (o.op === 'destroyOldest') {
            const oldest = p.source.inspect.snapshots('tank/data')[0]
            if (oldest !== undefined)
              await call(p.source, 'snapshot_destroy', { dataset: 'tank/data', snapshot: oldest })
          }
          if (o.op === 'migrate') {
            const before = new Set(p.backup.inspect.snapshots('backup/data'))
            await p.push()
            for (const s of p.backup.inspect.snapshots('backup/data'))
              if (!before.has(s)) origin.set(s, 'received')
          }
        }
        const sourceGuids = new Map(
          p.source.inspect.snapshots('tank/data').map((s) => [s, p.source.inspect.guid('tank/data', s)]),
        )
        const all = [...sourceGuids.values()]
        for (const s of p.backup.inspect.snapshots('backup/data')) {
          const guid = p.backup.inspect.guid('backup/data', s)
          all.push(guid)
          // A received name can have been destroyed and re-taken on the source since: compare only if it is
          // the same source snapshot, i.e. when the guid is found on the source at all.
          if (origin.get(s) === 'hand') expect([...sourceGuids.values()]).not.toContain(guid)
          else if ([...sourceGuids.values()].includes(guid)) expect(sourceGuids.get(s)).toEqual(guid)
        }
        // Guids of distinct snapshots are distinct, except a received copy and its source.
        const received = p.backup.inspect.snapshots('backup/data').filter((s) => origin.get(s) === 'received')
        expect(new Set(all).size).toBeGreaterThanOrEqual(all.length - received.length)
      }),
      { numRuns: 60 },
    )
  })
})
