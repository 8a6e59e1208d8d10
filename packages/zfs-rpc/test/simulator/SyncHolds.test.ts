import { describe, expect, it } from 'vitest'
import { cleanup, holdAndCleanup } from '../../src/testing/SyncHolds.js'
import { ZfsHost } from '../../src/testing/ZfsHost.js'

const withHolds = (holds: Record<string, ReadonlyArray<string>>) => {
  const h = new ZfsHost('h')
  h.ensurePath('tank/data')
  for (const [snap, tags] of Object.entries(holds)) {
    h.createSnapshot('tank/data', snap, false, 0)
    for (const t of tags) h.hold('tank/data', snap, t, false)
  }
  return h
}
const tagsOf = (h: ZfsHost) =>
  Object.fromEntries(h.snapshots('tank/data').map((s) => [s.name, [...s.holds].sort()]))

describe('SyncHolds (contract §3.6)', () => {
  it('moves the host tag to the new snapshot; other hosts and plain holds untouched', () => {
    const h = withHolds({
      s1: ['sync_2026-01-01-00-00-00_nas', 'sync_2026-01-01-00-00-00_other', 'keep'],
      s2: [],
    })
    holdAndCleanup(h, 'tank/data', 's2', 'sync_2026-01-02-00-00-00_nas', 'nas')
    expect(tagsOf(h)).toEqual({
      s1: ['keep', 'sync_2026-01-01-00-00-00_other'],
      s2: ['sync_2026-01-02-00-00-00_nas'],
    })
  })

  it('quirk: only one tag per older snapshot is released', () => {
    const h = withHolds({
      s1: ['sync_2026-01-01-00-00-00_nas', 'sync_2026-01-01-00-00-01_nas'],
      s2: ['sync_2026-01-02-00-00-00_nas'],
    })
    cleanup(h, 'tank/data', 'nas')
    expect(tagsOf(h)['s1']).toEqual(['sync_2026-01-01-00-00-00_nas'])
  })

  it('quirk: a host containing "_" never matches, so its old tags are never released', () => {
    const h = withHolds({ s1: ['sync_2026-01-01-00-00-00_my_nas'], s2: [] })
    holdAndCleanup(h, 'tank/data', 's2', 'sync_2026-01-02-00-00-00_my_nas', 'my_nas')
    expect(tagsOf(h)).toEqual({
      s1: ['sync_2026-01-01-00-00-00_my_nas'],
      s2: ['sync_2026-01-02-00-00-00_my_nas'],
    })
  })
})
