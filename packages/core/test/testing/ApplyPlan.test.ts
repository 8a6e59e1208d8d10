import { describe, expect, it } from 'vitest'
import type { Plan } from '../../src/index.js'
import { applyPlan } from '../../src/testing/index.js'
import { observed } from '../fixtures.js'

describe('applyPlan', () => {
  it('appends the created snapshot, removes destroyed ones and released tags, and puts syncs in flight', () => {
    const before = observed(['a', 'b', 'c'], {
      a: ['keep', 'sync_2026-11-27-10-00-00_h'],
      b: ['sync_2026-11-27-09-00-00_h'],
    })
    const plan: Plan = {
      dataset: 'tank/data',
      actions: [
        {
          _tag: 'CreateSnapshot',
          dataset: 'tank/data',
          snapshot: 'd',
          type: 'frequent',
          recursive: false,
          reason: { _tag: 'FirstSnapshot' },
        },
        {
          _tag: 'ReleaseHold',
          dataset: 'tank/data',
          snapshot: 'b',
          tag: 'sync_2026-11-27-09-00-00_h',
          reason: { _tag: 'SupersededSyncHold', newer: 'x', newerOn: 'a' },
        },
        {
          _tag: 'DestroySnapshot',
          dataset: 'tank/data',
          snapshot: 'c',
          reason: { _tag: 'BeyondRetention', type: 'frequent', rank: 5, count: 4 },
        },
        {
          _tag: 'StartSync',
          dataset: 'tank/data',
          snapshot: 'd',
          remoteHost: 'h',
          remoteDataset: 'backup/data',
          reason: { _tag: 'NeverSynced' },
        },
      ],
      decisions: [],
    }
    const after = applyPlan(before, plan)
    expect(after.snapshots).toEqual(['a', 'b', 'd'])
    expect(after.holds).toEqual({
      _tag: 'Known',
      bySnapshot: new Map([['a', ['keep', 'sync_2026-11-27-10-00-00_h']]]),
    })
    expect(after.inFlight).toEqual([
      { taskId: 'planned:h:backup/data', remoteHost: 'h', remoteDataset: 'backup/data', status: 'pending' },
    ])
  })
})
