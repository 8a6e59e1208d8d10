import type { MigrationTask } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import { failuresFrom } from '../../src/tools/History.js'

const task = (
  id: string,
  source: string,
  status: MigrationTask['status'],
  completedAt: string | null,
  extra: Partial<MigrationTask> = {},
): MigrationTask => ({
  id,
  status,
  createdAt: '2026-03-01T00:00:00.000000+00:00',
  startedAt: null,
  completedAt,
  error: status === 'failed' ? 'Migration failed with return code 1' : null,
  result: null,
  progress: null,
  params: { source, destination: 'backup/data', remote: '10.0.0.5', recursive: false, sync: true },
  ...extra,
})

const dest = { dataset: 'tank/a', remoteHost: '10.0.0.5', remoteDataset: 'backup/data' }
const t = (hhmm: string) => `2026-03-01T${hhmm}:00.000000+00:00`

describe('History.failuresFrom', () => {
  it('counts the failures since the last completed migration, in the order they ended', () => {
    const f = failuresFrom(
      [
        task('3', 'tank/a@s3', 'failed', t('03:00')),
        task('1', 'tank/a@s1', 'failed', t('01:00')),
        task('2', 'tank/a@s2', 'completed', t('02:00')),
        task('4', 'tank/a@s4', 'failed', t('04:00')),
      ],
      ['tank/a'],
    )
    expect(f.get(dest)).toEqual({
      remoteHost: '10.0.0.5',
      remoteDataset: 'backup/data',
      consecutive: 2,
      lastFailureAt: Date.parse('2026-03-01T04:00:00Z'),
    })
  })

  it('treats a cancel (completed with result.cancelled) as a failure, and a success as a reset', () => {
    const cancelled = task('1', 'tank/a@s1', 'completed', t('01:00'), {
      result: { returnCode: -15, elapsedSeconds: 3, cancelled: true },
    })
    expect(failuresFrom([cancelled], ['tank/a']).get(dest)?.consecutive).toBe(1)
    expect(
      failuresFrom([cancelled, task('2', 'tank/a@s2', 'completed', t('02:00'))], ['tank/a']).get(dest),
    ).toBe(undefined)
  })

  it('ignores tasks in flight, of other datasets (tank/ab is not tank/a) and without any time', () => {
    const f = failuresFrom(
      [
        task('1', 'tank/a@s1', 'running', null),
        task('2', 'tank/ab@s1', 'failed', t('01:00')),
        task('3', 'tank/a@s1', 'failed', null, { createdAt: null }),
      ],
      ['tank/a', 'tank/ab'],
    )
    expect(f.get(dest)).toBeUndefined()
    expect(f.get({ ...dest, dataset: 'tank/ab' })?.consecutive).toBe(1)
  })
})
