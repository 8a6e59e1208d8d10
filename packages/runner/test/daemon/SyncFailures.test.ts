import { describe, expect, it } from 'vitest'
import * as SyncFailures from '../../src/daemon/SyncFailures.js'

const a = { dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }
const sameHostOtherTarget = { dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a2' }

describe('SyncFailures', () => {
  it('counts consecutive failures per destination with the last failure time', () => {
    const f = SyncFailures.make()
    expect(f.recordFailure(a, 1000)).toBe(1)
    expect(f.recordFailure(a, 5000)).toBe(2)
    expect(f.of('tank/a')).toEqual([
      { remoteHost: 'nas', remoteDataset: 'backup/a', consecutive: 2, lastFailureAt: 5000 },
    ])
  })

  it('keeps two destinations on one host apart, and datasets apart', () => {
    const f = SyncFailures.make()
    f.recordFailure(a, 1)
    f.recordFailure(sameHostOtherTarget, 2)
    f.recordFailure({ ...a, dataset: 'tank/b' }, 3)
    expect(f.get(a)?.consecutive).toBe(1)
    expect(f.get(sameHostOtherTarget)?.consecutive).toBe(1)
    expect(
      f
        .of('tank/a')
        .map((x) => x.remoteDataset)
        .sort(),
    ).toEqual(['backup/a', 'backup/a2'])
  })

  it('a success resets the count of that destination only', () => {
    const f = SyncFailures.make()
    f.recordFailure(a, 1)
    f.recordFailure(sameHostOtherTarget, 2)
    f.recordSuccess(a)
    expect(f.get(a)).toBeUndefined()
    expect(f.get(sameHostOtherTarget)?.consecutive).toBe(1)
    expect(f.recordFailure(a, 9)).toBe(1)
  })
})
