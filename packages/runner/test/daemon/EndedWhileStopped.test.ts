import type { DatasetPolicy } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import * as EndedWhileStopped from '../../src/daemon/EndedWhileStopped.js'
import { pushTask } from './FakeApi.js'
import { harness } from './Harness.js'

const ds: DatasetPolicy = {
  dataset: 'tank/a',
  recursive: false,
  destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
}
const push = { source: 'tank/a@s1', destination: 'backup/a', remote: 'nas' }

const setup = () => {
  const h = harness({ 'tank/a': ['s1'] })
  const at = (iso: string) => ({ completedAt: iso, startedAt: iso, createdAt: iso })
  h.api.tasks.set('old', { ...pushTask('old', push, 'completed'), ...at('2026-11-27T08:00:00+00:00') })
  h.api.tasks.set('ok', { ...pushTask('ok', push, 'completed'), ...at('2026-11-27T10:00:00+00:00') })
  h.api.tasks.set('bad', {
    ...pushTask('bad', push, 'failed'),
    ...at('2026-11-27T11:00:00+00:00'),
    error: 'Migration failed with return code 1',
  })
  h.api.tasks.set('other', {
    ...pushTask('other', { ...push, source: 'tank/b@s1' }, 'failed'),
    ...at('2026-11-27T11:00:00+00:00'),
  })
  h.api.tasks.set('live', pushTask('live', push, 'running'))
  return h
}

describe('EndedWhileStopped', () => {
  it('logs each migration of a configured destination that ended after the previous daemon was last alive', async () => {
    const h = setup()
    await EndedWhileStopped.report(h.caps, [ds], Date.parse('2026-11-27T09:00:00Z'))
    expect(h.log.lines.map((l) => [l.level, l.message])).toEqual([
      [
        'info',
        'sync [ok] ended while the daemon was stopped: completed at 2026-11-27T10:00:00.000Z (the first cycle reads the sync hold it placed)',
      ],
      [
        'warn',
        'sync [bad] ended while the daemon was stopped: failed at 2026-11-27T11:00:00.000Z: Migration failed with return code 1',
      ],
    ])
  })

  it('without a record of the previous daemon: the newest ended migration per destination', async () => {
    const h = setup()
    await EndedWhileStopped.report(h.caps, [ds], undefined)
    expect(h.log.text()).toEqual([
      'sync [bad] last migration before this start: failed at 2026-11-27T11:00:00.000Z: Migration failed with return code 1',
    ])
  })

  it('a failed listing is said, not fatal', async () => {
    const h = setup()
    h.api.down = true
    await EndedWhileStopped.report(h.caps, [ds], undefined)
    expect(h.log.text('warn')[0]).toMatch(
      /could not list the migrations that ended while the daemon was stopped/,
    )
  })
})
