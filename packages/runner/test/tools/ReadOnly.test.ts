import { makeClient, VirtualClock } from '@zfs-autobackup/zfs-rpc'
import { makeSimulator } from '@zfs-autobackup/zfs-rpc/testing'
import { describe, expect, it } from 'vitest'
import { readOnly } from '../../src/tools/ReadOnly.js'

describe('readOnly', () => {
  it('refuses every mutating method without sending it, and passes reads through', async () => {
    const sim = makeSimulator({ clock: new VirtualClock(0), datasets: ['tank/data'] })
    sim.seed.snapshots('tank/data', ['a'], { holds: ['keep'] })
    const api = readOnly(makeClient({ url: 'http://127.0.0.1:8545', fetch: sim.fetch }))
    sim.inspect.resetCounts()
    const refused = await Promise.all([
      api.snapshotCreate('tank/data', 'b', false)(),
      api.snapshotDestroy('tank/data', 'a')(),
      api.snapshotHold('tank/data', 'a', 't')(),
      api.snapshotRelease('tank/data', 'a', 'keep')(),
      api.migrationCreate({ source: 'tank/data@a', destination: 'backup/data', remote: 'h' })(),
      api.migrationCancel('x')(),
    ])
    expect(refused.map((r) => r._tag)).toEqual(['Left', 'Left', 'Left', 'Left', 'Left', 'Left'])
    expect(sim.inspect.counts().rpcCalls).toBe(0)
    expect(sim.inspect.mutations()).toEqual([])
    const list = await api.snapshotList('tank/data')()
    expect(list).toEqual({ _tag: 'Right', right: ['a'] })
  })
})
