import { type DatasetObservation, type Policy, replicationOf } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import * as Freshness from '../../src/health/Freshness.js'

const utc = (iso: string) => Date.parse(iso)
const always = { days: '1111111', hours: '1'.repeat(24) }
const policy: Policy = {
  backupIntervalSeconds: 600,
  snapshotWindow: always,
  retention: { frequent: 4, hourly: 24, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
  remoteSync: { enabled: true, intervalSeconds: 3600, window: always },
}
const dataset = {
  dataset: 'tank/a',
  recursive: false,
  destinations: [{ remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true }],
}
const observed = (
  snapshots: ReadonlyArray<string>,
  holds: Record<string, ReadonlyArray<string>> = {},
): DatasetObservation => ({
  snapshots,
  holds: { _tag: 'Known', bySnapshot: new Map(Object.entries(holds)) },
  inFlight: [],
  failures: [],
})
const judge = (now: string, obs: DatasetObservation, p: Policy = policy) =>
  Object.fromEntries(
    Freshness.judge({
      now: utc(now),
      zone: 'UTC',
      policy: p,
      dataset,
      observed: obs,
      replication: replicationOf({ now: utc(now), zone: 'UTC', policy: p, dataset, observed: obs }),
    }).map((j) => [`${j.kind} ${j.subject}`, j.verdict._tag === 'Bad' ? j.verdict.why : j.verdict._tag]),
  )

describe('Freshness.judge (core-decisions.md §16)', () => {
  it('all fresh: ok everywhere', () => {
    expect(
      judge(
        '2026-11-27T10:15:00Z',
        observed(['frequent_backup_2026-11-27-10-00'], {
          'frequent_backup_2026-11-27-10-00': ['sync_2026-11-27-10-00-30_nas'],
        }),
      ),
    ).toEqual({
      'stale-snapshots tank/a': 'Ok',
      'clock-fault tank/a': 'Ok',
      'sync-lag tank/a → nas:backup/a': 'Ok',
    })
  })

  it('no snapshot for more than twice the interval, and a lag beyond twice the sync interval, are bad', () => {
    // The last sync is the time in the base snapshot's name (here seeded from the sync hold, §15).
    const r = judge(
      '2026-11-27T12:01:00Z',
      observed(['frequent_backup_2026-11-27-10-00'], {
        'frequent_backup_2026-11-27-10-00': ['sync_2026-11-27-09-59-00_nas'],
      }),
    )
    expect(r['stale-snapshots tank/a']).toBe('newest snapshot of ours is 2h 1m old, expected every 10m 0s')
    expect(r['sync-lag tank/a → nas:backup/a']).toMatch(
      /^last sync 2h 1m ago \(frequent_backup_2026-11-27-10-00\)/,
    )
  })

  it('a snapshot and a sync tag from the future are a clock fault and do not count as fresh', () => {
    const r = judge(
      '2026-11-27T12:00:00Z',
      observed(['frequent_backup_2026-11-27-10-00', 'frequent_backup_2027-11-27-10-00'], {
        'frequent_backup_2027-11-27-10-00': ['sync_2027-11-27-10-00-30_nas'],
      }),
    )
    expect(r['clock-fault tank/a']).toMatch(
      /^1 snapshot\(s\) of ours named more than backup_interval after now/,
    )
    expect(r['clock-fault tank/a']).toMatch(/1 sync tag\(s\)/)
    expect(r['stale-snapshots tank/a']).toMatch(/is 2h 0m old/)
    expect(r['sync-lag tank/a → nas:backup/a']).toBe('Unknown') // only a future tag: never synced
  })

  it('a small skew is a clock behind, not the future', () => {
    const r = judge('2026-11-27T09:55:00Z', observed(['frequent_backup_2026-11-27-10-00']))
    expect(r['clock-fault tank/a']).toBe('the clock is 5m 0s behind the newest snapshot of ours')
  })

  it('a closed window: judged from when the next snapshot was due (the window opening at 08:00), not by age', () => {
    const night = { days: '1111111', hours: `${'0'.repeat(8)}${'1'.repeat(16)}` }
    const r = judge('2026-11-27T08:10:00Z', observed(['frequent_backup_2026-11-26-23-50']), {
      ...policy,
      snapshotWindow: night,
    })
    expect(r['stale-snapshots tank/a']).toBe('Ok') // due at 08:00, one interval ago
    expect(
      judge('2026-11-27T08:10:01Z', observed(['frequent_backup_2026-11-26-23-50']), {
        ...policy,
        snapshotWindow: night,
      })['stale-snapshots tank/a'],
    ).toMatch(/^newest snapshot of ours is 8h 20m old/)
    expect(
      judge('2026-11-27T08:30:00Z', observed(['frequent_backup_2026-11-26-23-50']), {
        ...policy,
        snapshotWindow: night,
      })['stale-snapshots tank/a'],
    ).toMatch(/^newest snapshot of ours is 8h 40m old/)
    expect(
      judge('2026-11-27T07:00:00Z', observed(['frequent_backup_2026-11-26-23-50']), {
        ...policy,
        snapshotWindow: night,
      })['stale-snapshots tank/a'],
    ).toBe('Ok') // not due before 08:00
  })
})

describe('status shows the same judgements', () => {
  it('a dataset with a snapshot from the future gets a clock-fault line and the WARNING verdict', async () => {
    const { datasetStatus } = await import('../../src/tools/status/Status.js')
    const StatusReport = await import('../../src/tools/status/StatusReport.js')
    const now = utc('2026-11-27T10:05:00Z')
    const status = datasetStatus({
      now,
      zone: 'UTC',
      policy,
      dataset: { ...dataset, destinations: [] },
      state: {
        observed: observed(['frequent_backup_2026-11-27-10-00', 'daily_backup_2030-01-01-00-00']),
        inFlightKnown: true,
        listedTasks: [],
      } as never,
      tasks: [],
      maxLag: 'auto',
    })
    expect(status.troubles).toEqual([
      { kind: 'clock-fault', why: expect.stringMatching(/^1 snapshot\(s\) of ours named more than/) },
    ])
    expect(StatusReport.verdict([{ _tag: 'Read', status }])).toMatch(
      /^WARNING - tank\/a: clock-fault: 1 snapshot/,
    )
  })
})
