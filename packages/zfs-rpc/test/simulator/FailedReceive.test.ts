import { describe, expect, it } from 'vitest'
import type { HostApi } from '../../src/testing/index.js'
import { callIn as call, fastPair } from './http.js'

const pair = (seed = 1) => {
  const p = fastPair({ seed })
  const syncTags = (ds: string, api: HostApi) =>
    Object.fromEntries(
      api.inspect
        .snapshots(ds)
        .map((s) => [s, api.inspect.holds(ds, s).filter((t) => t.startsWith('sync_'))] as const)
        .filter(([, tags]) => tags.length > 0),
    )
  return { ...p, syncTags }
}

describe('failed receives (contract §3.5, §3.6)', () => {
  it('(a) a receive that fails: task completed, exit 0, nothing arrived, the source hold moved anyway', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['s1', 's2'])
    p.backup.seed.snapshots('backup/data', ['s1'], { holds: ['sync_2025-12-31-00-00-00_nas'] })
    p.source.seed.hold('tank/data', 's1', 'sync_2025-12-31-00-00-00_nas')
    p.source.faults.script('migration_create', [{ kind: 'failReceive' }])
    const task = await p.push()
    expect(task).toMatchObject({ status: 'completed', error: null, result: { return_code: 0 } })
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s1'])
    // Locally the new tag sits on s2 and s1's was released: the base the backup really has lost its hold.
    expect(p.syncTags('tank/data', p.source)).toEqual({ s2: ['sync_2026-01-01-00-00-00_nas'] })
    // Remotely the hold on s2 failed (no s2 there), so the old one stays.
    expect(p.syncTags('backup/data', p.backup)).toEqual({ s1: ['sync_2025-12-31-00-00-00_nas'] })
    expect(p.source.inspect.receipts()).toEqual([
      expect.objectContaining({
        host: 'nas',
        dataset: 'backup/data',
        snapshots: ['s2'],
        failure: 'out of space',
      }),
    ])
    // The next push heals it: s1 is still common by name and guid.
    expect(await p.push()).toMatchObject({ status: 'completed' })
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s1', 's2'])
  })

  it('(a) a host out of space fails every receive until space is freed', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['s1'])
    p.backup.seed.dataset('backup')
    p.backup.seed.outOfSpace()
    expect(await p.push()).toMatchObject({ status: 'completed' })
    expect(p.backup.inspect.datasets()).toEqual(['backup'])
    expect(p.syncTags('tank/data', p.source)).toEqual({ s1: ['sync_2026-01-01-00-00-00_nas'] })
    p.backup.seed.outOfSpace(false)
    await p.push()
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['s1'])
    expect(p.source.inspect.receipts().map((r) => r.failure)).toEqual(['out of space', undefined])
  })

  it('(a) seeded: the same seed fails the same receives', async () => {
    const outcomes = async (seed: number) => {
      const p = pair(seed)
      p.source.faults.random(
        { method: 'migration_create', probability: 0.4, faults: [{ kind: 'failReceive' }] },
        seed,
      )
      p.source.seed.dataset('tank/data')
      for (let i = 0; i < 12; i++) {
        await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: `s${i}` })
        await p.push()
      }
      return p.source.inspect.receipts().map((r) => r.failure ?? 'ok')
    }
    const a = await outcomes(5)
    expect(a).toEqual(await outcomes(5))
    expect(a).toContain('out of space')
    expect(a).toContain('ok')
  })

  it('(b) no common snapshot: completed, nothing sent, no holds on either side', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['a', 'b'])
    p.backup.seed.snapshots('backup/data', ['x'])
    expect(await p.push()).toMatchObject({ status: 'completed', result: { return_code: 0 } })
    expect(p.backup.inspect.snapshots('backup/data')).toEqual(['x'])
    expect(p.syncTags('tank/data', p.source)).toEqual({})
    expect(p.syncTags('backup/data', p.backup)).toEqual({})
    expect(p.source.inspect.receipts()).toEqual([])
  })

  it('(c) two destinations on one host share the tag: syncing one releases the other base locally, which then freezes', async () => {
    const p = pair()
    p.source.seed.snapshots('tank/data', ['s1'])
    await p.push({ destination: 'backup/a' })
    await p.clock.advance(60_000)
    await p.push({ destination: 'backup/b' })
    // One snapshot, both tags: nothing older to release yet.
    expect(p.syncTags('tank/data', p.source)).toEqual({
      s1: ['sync_2026-01-01-00-00-00_nas', 'sync_2026-01-01-00-01-01_nas'],
    })
    for (const s of ['s2', 's3']) {
      await call(p.source, 'snapshot_create', { dataset: 'tank/data', name: s })
      await p.clock.advance(60_000)
      await p.push({ destination: 'backup/a' })
    }
    // The cleanup keeps the newest tagged snapshot of host "nas" and releases one tag on each older one:
    // b's base s1 has no sync hold left on the source (its remote copy still has its own).
    expect(p.syncTags('tank/data', p.source)).toEqual({ s3: ['sync_2026-01-01-00-03-03_nas'] })
    expect(p.syncTags('backup/b', p.backup)).toEqual({ s1: ['sync_2026-01-01-00-01-01_nas'] })
    expect(p.backup.inspect.snapshots('backup/a')).toEqual(['s1', 's2', 's3'])
    // Nothing stops s1 being pruned now; then b has no common snapshot and never receives again.
    expect(await call(p.source, 'snapshot_destroy', { dataset: 'tank/data', snapshot: 's1' })).toMatchObject({
      destroyed: true,
    })
    expect(await p.push({ destination: 'backup/b' })).toMatchObject({ status: 'completed' })
    expect(p.backup.inspect.snapshots('backup/b')).toEqual(['s1'])
  })
})
