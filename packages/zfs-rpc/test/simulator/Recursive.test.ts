import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { holdExists, remoteFailureOf, snapshotExists, tagMissing } from '../../src/RemoteFailure.js'
import type { HostApi } from '../../src/testing/index.js'
import { callIn as call, fastPair, type Json } from './http.js'

const pair = () => {
  const p = fastPair()
  /** name@guid per snapshot, per dataset of a tree. */
  const tree = (api: HostApi, root: string) =>
    Object.fromEntries(
      api.inspect
        .datasets()
        .filter((d) => d === root || d.startsWith(`${root}/`))
        .map((d) => [
          d.slice(root.length),
          api.inspect.snapshots(d).map((s) => `${s}@${api.inspect.guid(d, s)}`),
        ]),
    )
  return { ...p, tree }
}

describe('recursive datasets (zfs -r / -R)', () => {
  it('dataset_list -r gives the tree; snapshot_create -r snapshots every descendant at once, each with its own guid', async () => {
    const p = pair()
    for (const d of ['tank/data/a', 'tank/data/a/x', 'tank/data/b', 'tank/other']) p.source.seed.dataset(d)
    expect((await call(p.source, 'dataset_list', { dataset: 'tank/data' })).datasets).toEqual([
      'tank/data',
      'tank/data/a',
      'tank/data/a/x',
      'tank/data/b',
    ])
    await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: 's1', recursive: true })
    const ds = ['tank/data', 'tank/data/a', 'tank/data/a/x', 'tank/data/b']
    expect(ds.map((d) => p.source.inspect.snapshots(d))).toEqual(ds.map(() => ['s1']))
    expect(p.source.inspect.snapshots('tank/other')).toEqual([])
    const props = await Promise.all(
      ds.map(
        async (d) =>
          (await call(p.source, 'dataset_get_properties', { dataset: `${d}@s1`, property: 'guid,createtxg' }))
            .properties,
      ),
    )
    expect(new Set(props.map((x: Json) => x.createtxg)).size).toBe(1)
    expect(new Set(props.map((x: Json) => x.guid)).size).toBe(4)
  })

  it('snapshot_create -r fails when a child already has the name: zfs names the child, nothing is created', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data/a', ['x'])
    const error = await call(p.source, 'snapshot_create', {
      dataset: 'tank/data',
      name: 'x',
      recursive: true,
    })
    expect(error).toEqual({
      code: -32021,
      message: "Failed to create snapshot: cannot create snapshot 'tank/data/a@x': dataset already exists\n",
    })
    expect(p.source.inspect.snapshots('tank/data')).toEqual([])
    // The client can tell "this very snapshot exists" from "a child's does".
    const e = { _tag: 'Remote' as const, method: 'snapshot_create', ...error }
    expect(remoteFailureOf(e)).toBe('AlreadyExists')
    expect(snapshotExists('tank/data', 'x')(e)).toBe(false)
  })

  it('hold, release and holds -r cover the descendants that have the snapshot; -r on a missing top fails', async () => {
    const p = pair()
    p.source.seed.dataset('tank/data/a')
    p.source.seed.dataset('tank/data/b')
    await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: 's', recursive: true })
    p.source.seed.snapshots('tank/data/c', ['s'])
    await call(p.source, 'snapshot_hold', {
      dataset: 'tank/data',
      snapshot: 's',
      tag: 'base',
      recursive: true,
    })
    expect(
      ['tank/data', 'tank/data/a', 'tank/data/b', 'tank/data/c'].map((d) => p.source.inspect.holds(d, 's')),
    ).toEqual([['base'], ['base'], ['base'], ['base']])
    expect(
      (await call(p.source, 'snapshot_holds_list', { dataset: 'tank/data', snapshot: 's', recursive: true }))
        .holds,
    ).toEqual(['base', 'base', 'base', 'base'])
    expect(await call(p.source, 'snapshot_destroy', { dataset: 'tank/data/a', snapshot: 's' })).toMatchObject(
      { code: -32026 },
    )
    await call(p.source, 'snapshot_release', {
      dataset: 'tank/data',
      snapshot: 's',
      tag: 'base',
      recursive: true,
    })
    expect(p.source.inspect.holds('tank/data/c', 's')).toEqual([])
    expect(
      await call(p.source, 'snapshot_hold', {
        dataset: 'tank/data',
        snapshot: 'nope',
        tag: 't',
        recursive: true,
      }),
    ).toEqual({
      code: -32030,
      message: "Failed to hold snapshot: cannot hold snapshot 'tank/data@nope': dataset does not exist\n",
    })
  })

  it('hold -r and release -r are all or nothing: a descendant that refuses is named, and then nothing changed anywhere', async () => {
    const p = pair()
    p.source.seed.dataset('tank/data/a')
    p.source.seed.dataset('tank/data/b')
    await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: 's', recursive: true })
    const hold = (recursive: boolean) =>
      call(p.source, 'snapshot_hold', { dataset: 'tank/data', snapshot: 's', tag: 'base', recursive })
    const release = () =>
      call(p.source, 'snapshot_release', {
        dataset: 'tank/data',
        snapshot: 's',
        tag: 'base',
        recursive: true,
      })
    const holds = () => ['tank/data', 'tank/data/a', 'tank/data/b'].map((d) => p.source.inspect.holds(d, 's'))
    const asError = (method: string, error: Json) => ({ _tag: 'Remote' as const, method, ...error })

    p.source.seed.hold('tank/data/b', 's', 'base')
    const refused = await hold(true)
    expect(refused).toEqual({
      code: -32030,
      message:
        "Failed to hold snapshot: cannot hold snapshot 'tank/data/b@s': tag already exists on this dataset\n",
    })
    expect(holds()).toEqual([[], [], ['base']])
    // Not "already held" (the client's test after a lost reply): the top names itself only when it has the tag.
    expect(holdExists('tank/data', 's')(asError('snapshot_hold', refused))).toBe(false)

    await call(p.source, 'snapshot_release', { dataset: 'tank/data/b', snapshot: 's', tag: 'base' })
    await hold(false)
    const lacking = await release()
    expect(lacking).toEqual({
      code: -32032,
      message:
        "Failed to release snapshot: cannot release hold from snapshot 'tank/data/a@s': no such tag on this dataset\n",
    })
    expect(holds()).toEqual([['base'], [], []])
    expect(tagMissing('tank/data', 's')(asError('snapshot_release', lacking))).toBe(false)

    await call(p.source, 'snapshot_release', { dataset: 'tank/data', snapshot: 's', tag: 'base' })
    await hold(true)
    expect(holds()).toEqual([['base'], ['base'], ['base']])
    const again = await hold(true)
    expect(holdExists('tank/data', 's')(asError('snapshot_hold', again))).toBe(true)
    await release()
    expect(holds()).toEqual([[], [], []])
    expect(tagMissing('tank/data', 's')(asError('snapshot_release', await release()))).toBe(true)

    // libzfs collects every descendant that has the name: the top itself need not.
    await call(p.source, 'snapshot_destroy', { dataset: 'tank/data', snapshot: 's' })
    await hold(true)
    expect(p.source.inspect.holds('tank/data/a', 's')).toEqual(['base'])
  })

  it('-R full send replicates the tree with every snapshot up to the newest; sync holds only on the top', async () => {
    const p = pair()
    p.source.seed.dataset('tank/data/a/x')
    for (const s of ['s1', 's2'])
      await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: s, recursive: true })
    expect(await p.push({ recursive: true })).toMatchObject({
      status: 'completed',
      params: { recursive: true },
    })
    expect(p.tree(p.backup, 'backup/data')).toEqual(p.tree(p.source, 'tank/data'))
    expect(Object.keys(p.tree(p.backup, 'backup/data'))).toEqual(['', '/a', '/a/x'])
    const tag = 'sync_2026-01-01-00-00-00_nas'
    expect(p.source.inspect.holds('tank/data', 's2')).toEqual([tag])
    expect(p.backup.inspect.holds('backup/data', 's2')).toEqual([tag])
    expect(p.source.inspect.holds('tank/data/a', 's2')).toEqual([])
    expect(p.backup.inspect.holds('backup/data/a', 's2')).toEqual([])
  })

  it('-R incremental: new snapshots and a new child arrive; recv -F removes what the sender pruned, except held snapshots', async () => {
    const p = pair()
    p.source.seed.dataset('tank/data/a')
    p.source.seed.dataset('tank/data/gone')
    for (const s of ['s1', 's2'])
      await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: s, recursive: true })
    await p.push({ recursive: true })
    p.backup.seed.hold('backup/data/a', 's1', 'keep')
    p.source.seed.dataset('tank/data/new')
    await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: 's3', recursive: true })
    await call(p.source, 'snapshot_destroy', { dataset: 'tank/data', snapshot: 's1', recursive: true })
    await call(p.source, 'dataset_destroy', { dataset: 'tank/data/gone', recursive: true })
    await p.push({ recursive: true })
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s2', 's3'])
    expect(p.backup.inspect.snapshots('backup/data/a')).toEqual(['s1', 's2', 's3'])
    expect(p.backup.inspect.snapshots('backup/data/new')).toEqual(['s3'])
    expect(p.backup.inspect.datasets()).not.toContain('backup/data/gone')
    // Without -R the descendants are not sent and nothing is pruned there.
    await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: 's4', recursive: true })
    await p.push({ recursive: false })
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s2', 's3', 's4'])
    expect(p.backup.inspect.snapshots('backup/data/new')).toEqual(['s3'])
  })

  it('property: whenever the destination still shares its newest snapshot with the source and is behind, an -R push mirrors the tree', async () => {
    type Op = { readonly op: 'snap' | 'child' | 'prune' | 'push'; readonly n: number }
    const opArb: fc.Arbitrary<Op> = fc.record({
      op: fc.constantFrom('snap', 'snap', 'child', 'prune', 'push', 'push'),
      n: fc.integer({ min: 0, max: 2 }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 20 }), async (ops) => {
        const p = pair()
        p.source.seed.dataset('tank/data')
        let k = 0
        for (const o of ops) {
          if (o.op === 'snap')
            await call(p.source, 'snapshot_create', {
              dataset: 'tank/data',
              name: `s${k++}`,
              recursive: true,
            })
          if (o.op === 'child') p.source.seed.dataset(`tank/data/c${o.n}`)
          if (o.op === 'prune') {
            const oldest = p.source.inspect.snapshots('tank/data')[0]
            if (oldest !== undefined)
              await call(p.source, 'snapshot_destroy', {
                dataset: 'tank/data',
                snapshot: oldest,
                recursive: true,
              })
          }
          if (o.op === 'push') {
            const newest = p.backup.inspect.snapshots('backup/data').at(-1)
            const shared = newest === undefined || p.source.inspect.snapshots('tank/data').includes(newest)
            const fresh = !p.backup.inspect.datasets().includes('backup/data')
            await p.push({ recursive: true })
            const to = p.source.inspect.snapshots('tank/data').at(-1)
            // Up to date ("nothing to send") or no common snapshot: nothing is received, nothing mirrored.
            if (!shared || to === undefined || to === newest || (!fresh && newest === undefined)) continue
            const src = p.tree(p.source, 'tank/data')
            const dst = p.tree(p.backup, 'backup/data')
            for (const [rel, snaps] of Object.entries(src))
              if (p.source.inspect.snapshots(`tank/data${rel}`).includes(to)) expect(dst[rel]).toEqual(snaps)
          }
        }
      }),
      { numRuns: 60 },
    )
  })
})
