import { describe, expect, it } from 'vitest'
import * as Names from '../../src/daemon/Names.js'

describe('Names', () => {
  it('last snapshot time: newest of ours by name, foreign names ignored', () => {
    expect(
      Names.lastSnapshotTime([
        'hourly_backup_2026-07-01-13-00',
        'manual',
        'frequent_backup_2026-07-01-12-50',
      ]),
    ).toBe(Date.UTC(2026, 6, 1, 13))
    expect(Names.lastSnapshotTime(['manual'])).toBeUndefined()
  })
})
