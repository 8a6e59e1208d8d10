import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { ZfsHost } from '../../src/testing/ZfsHost.js'

const host = () => {
  const h = new ZfsHost('localhost')
  h.ensurePath('tank/data/child')
  return h
}

describe('ZfsHost', () => {
  it.each([
    ['tank/data/new', E.right(undefined)],
    ['tank/data', E.left("cannot create 'tank/data': dataset already exists\n")],
    ['tank/x/y', E.left("cannot create 'tank/x/y': parent does not exist\n")],
    ['pool2/x', E.left("cannot create 'pool2/x': no such pool 'pool2'\n")],
    ['tank/bad name', E.left("cannot create 'tank/bad name': invalid character ' ' in name\n")],
  ])('createDataset(%s)', (ds, expected) => {
    expect(host().createDataset(ds)).toEqual(expected)
  })

  it('listDatasets: sorted; a root gives its subtree; an unknown root gives []', () => {
    const h = host()
    expect(h.listDatasets()).toEqual(['tank', 'tank/data', 'tank/data/child'])
    expect(h.listDatasets('tank/data')).toEqual(['tank/data', 'tank/data/child'])
    expect(h.listDatasets('tank/dat')).toEqual([])
    expect(h.pools()).toEqual(['tank'])
  })

  it('a recursive create is all or nothing', () => {
    const h = host()
    h.createSnapshot('tank/data/child', 's1', false, 0)
    expect(h.createSnapshot('tank/data', 's1', true, 0)).toEqual(
      E.left("cannot create snapshot 'tank/data/child@s1': dataset already exists\n"),
    )
    expect(h.snapshots('tank/data')).toEqual([])
  })

  it('a destroyed name can be created again and then is newest', () => {
    const h = host()
    for (const n of ['a', 'b', 'c']) h.createSnapshot('tank/data', n, false, 0)
    h.destroySnapshot('tank/data', 'a', false)
    h.createSnapshot('tank/data', 'a', false, 0)
    expect(h.snapshots('tank/data').map((s) => s.name)).toEqual(['b', 'c', 'a'])
  })

  it('destroy -R: a hold on any child blocks the whole destroy', () => {
    const h = host()
    h.createSnapshot('tank/data', 's', true, 0)
    h.hold('tank/data/child', 's', 'keep', false)
    expect(h.destroySnapshot('tank/data', 's', true)).toEqual(
      E.left('cannot destroy snapshot tank/data/child@s: dataset is busy\n'),
    )
    expect(h.snapshots('tank/data').map((s) => s.name)).toEqual(['s'])
  })

  it.each([
    [
      'hold missing',
      (h: ZfsHost) => h.hold('tank/data', 'x', 't', false),
      "cannot hold snapshot 'tank/data@x': dataset does not exist\n",
    ],
    [
      'release missing',
      (h: ZfsHost) => h.release('tank/data', 'x', 't', false),
      "cannot release hold from snapshot 'tank/data@x': dataset does not exist\n",
    ],
    [
      'release absent tag',
      (h: ZfsHost) => h.release('tank/data', 's', 'nope', false),
      "cannot release hold from snapshot 'tank/data@s': no such tag on this dataset\n",
    ],
  ])('%s fails with zfs text', (_, act, stderr) => {
    const h = host()
    h.createSnapshot('tank/data', 's', false, 0)
    expect(act(h)).toEqual(E.left(stderr))
  })

  it('holds -r lists the children too, tags ordered by the raw "ds@snap<TAB>tag" line, descending', () => {
    const h = host()
    h.createSnapshot('tank/data', 's', true, 0)
    h.hold('tank/data', 's', 'a', false)
    h.hold('tank/data/child', 's', 'z', false)
    h.hold('tank/data', 's', 'b', false)
    expect(h.holds('tank/data', 's', false)).toEqual(['b', 'a'])
    // "tank/data@s…" sorts after "tank/data/child@s…" ('@' > '/'), so the parent's tags come first.
    expect(h.holds('tank/data', 's', true)).toEqual(['b', 'a', 'z'])
  })
})
