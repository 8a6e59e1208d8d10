import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import { remoteFailureOf } from '../../src/RemoteFailure.js'
import { makeSimulator } from '../../src/testing/index.js'
import { ZfsHost } from '../../src/testing/ZfsHost.js'

// biome-ignore lint/suspicious/noExplicitAny: assertions read JSON replies loosely; toEqual checks them
type Json = any

const host = () => {
  const h = new ZfsHost('localhost')
  h.ensurePath('tank/data')
  h.createSnapshot('tank/data', 's1', false, 0)
  h.createSnapshot('tank/data', 's2', false, 0)
  return h
}

describe('clones and busy snapshots', () => {
  it('a cloned snapshot cannot be destroyed (zfs text); destroying the clone frees it', () => {
    const h = host()
    expect(h.clone('tank/data@s1', 'tank/restore', 0)).toEqual(E.right(undefined))
    expect(h.listDatasets()).toEqual(['tank', 'tank/data', 'tank/restore'])
    expect(h.destroySnapshot('tank/data', 's1', false)).toEqual(
      E.left(
        "cannot destroy 'tank/data@s1': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/restore\n",
      ),
    )
    // The clone check comes before the destroy itself, so it wins over a hold.
    h.hold('tank/data', 's1', 'keep', false)
    expect(h.destroySnapshot('tank/data', 's1', false)).toMatchObject(
      E.left(expect.stringContaining('dependent clones')),
    )
    h.release('tank/data', 's1', 'keep', false)
    expect(h.destroyDataset('tank/restore', false)).toEqual(E.right(undefined))
    expect(h.destroySnapshot('tank/data', 's1', false)).toEqual(E.right(undefined))
    expect(h.snapshots('tank/data').map((s) => s.name)).toEqual(['s2'])
  })

  it('destroy -R of a snapshot takes its clones; dataset destroy without -r refuses children and snapshots', () => {
    const h = host()
    h.clone('tank/data@s2', 'tank/restore', 0)
    h.createSnapshot('tank/restore', 'r1', false, 0)
    expect(h.destroyDataset('tank/restore', false)).toEqual(
      E.left(
        "cannot destroy 'tank/restore': filesystem has children\nuse '-r' to destroy the following datasets:\ntank/restore@r1\n",
      ),
    )
    expect(h.destroySnapshot('tank/data', 's2', true)).toEqual(E.right(undefined))
    expect(h.listDatasets()).toEqual(['tank', 'tank/data'])
    expect(h.destroyDataset('tank/gone', false)).toEqual(
      E.left("cannot open 'tank/gone': dataset does not exist\n"),
    )
    expect(h.clone('tank/data@nope', 'tank/x', 0)).toEqual(
      E.left("cannot open 'tank/data@nope': dataset does not exist\n"),
    )
    expect(h.clone('tank/data@s1', 'tank/data', 0)).toEqual(
      E.left("cannot create 'tank/data': dataset already exists\n"),
    )
  })

  it('a busy snapshot (in use, no hold) fails "dataset is busy" until released', () => {
    const h = host()
    h.setBusy('tank/data', 's1', true)
    expect(h.holds('tank/data', 's1', false)).toEqual([])
    expect(h.destroySnapshot('tank/data', 's1', false)).toEqual(
      E.left('cannot destroy snapshot tank/data@s1: dataset is busy\n'),
    )
    h.setBusy('tank/data', 's1', false)
    expect(h.destroySnapshot('tank/data', 's1', false)).toEqual(E.right(undefined))
  })

  it('over JSON-RPC: clone_create, the -32026 clone message, dataset_destroy; the client tells clones from holds', async () => {
    const sim = makeSimulator({ clock: new VirtualClock(0), datasets: ['tank/data'] })
    sim.seed.snapshots('tank/data', ['s1'])
    const rpc = async (method: string, params: unknown): Promise<Json> =>
      (await sim
        .fetch('http://127.0.0.1:8545/', {
          method: 'POST',
          body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
        })
        .then((r) => r.json())) as Json
    expect((await rpc('clone_create', { source: 'tank/data@s1', target: 'tank/restore_a' })).result).toEqual({
      source: 'tank/data@s1',
      clone: 'tank/restore_a',
      created: true,
    })
    expect(
      (await rpc('dataset_get_properties', { dataset: 'tank/restore_a', property: 'origin' })).result
        .properties,
    ).toEqual({
      origin: 'tank/data@s1',
    })
    const refused = (await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' })).error
    expect(refused).toEqual({
      code: -32026,
      message:
        "Failed to destroy snapshot: cannot destroy 'tank/data@s1': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/restore_a\n",
    })
    // Not "dataset is busy": a client must not read it as held.
    expect(remoteFailureOf({ _tag: 'Remote', method: 'snapshot_destroy', ...refused })).not.toBe(
      'SnapshotBusy',
    )
    expect((await rpc('clone_create', { source: 'tank/data@s9', target: 'tank/x' })).error).toEqual({
      code: -32050,
      message: "Failed to create clone: cannot open 'tank/data@s9': dataset does not exist\n",
    })
    expect((await rpc('dataset_destroy', { dataset: 'tank/restore_a' })).result).toEqual({
      dataset: 'tank/restore_a',
      destroyed: true,
    })
    expect((await rpc('dataset_destroy', { dataset: 'tank/restore_a' })).error).toEqual({
      code: -32012,
      message: "Failed to destroy dataset: cannot open 'tank/restore_a': dataset does not exist\n",
    })
    expect((await rpc('snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' })).result.destroyed).toBe(
      true,
    )
  })
})
