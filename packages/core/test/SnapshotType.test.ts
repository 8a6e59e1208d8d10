import { describe, expect, it } from 'vitest'
import * as SnapshotType from '../src/SnapshotType.js'

describe('SnapshotType.all', () => {
  it('lists the six types from the most to the least frequent', () => {
    expect(SnapshotType.all).toEqual(['frequent', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'])
  })
})
