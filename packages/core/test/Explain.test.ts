import { describe, expect, it } from 'vitest'
import { Explain, type Plan, planDataset } from '../src/index.js'
import { dataset, input, observed, policy } from './fixtures.js'

describe('Explain', () => {
  it('renders a whole plan, one line per action and decision', () => {
    const plan: Plan = planDataset(
      input(
        '2026-11-27T09:21:30Z',
        observed(
          [
            'my_frequent_manual',
            'hourly_backup_2026-11-27-08-00',
            'frequent_backup_2026-11-27-08-20',
            'frequent_backup_2026-11-27-08-30',
            'hourly_backup_2026-11-27-09-00',
            'frequent_backup_2026-11-27-09-10',
          ],
          {
            'frequent_backup_2026-11-27-08-20': ['sync_2026-11-26-10-21-00_10.0.0.5', 'keep'],
            'hourly_backup_2026-11-27-09-00': ['sync_2026-11-27-10-01-55_10.0.0.5'],
          },
          {
            failures: [
              {
                remoteHost: 'nas',
                remoteDataset: 'tank/data',
                consecutive: 2,
                lastFailureAt: Date.parse('2026-11-27T09:15:00Z'),
              },
            ],
          },
        ),
        {
          policy: policy({
            retention: { frequent: 2, hourly: 12, daily: 7, weekly: 4, monthly: 6, yearly: 3 },
          }),
          dataset: dataset({
            destinations: [
              { remoteHost: '10.0.0.5', remoteDataset: 'backup/data', enabled: true },
              { remoteHost: 'nas', remoteDataset: 'tank/data', enabled: true },
              { remoteHost: 'old', remoteDataset: 'tank/data', enabled: false },
            ],
          }),
        },
      ),
    )
    expect(Explain.plan(plan)).toEqual([
      'create tank/data@frequent_backup_2026-11-27-09-21: 11m since frequent_backup_2026-11-27-09-10',
      "hold hourly_backup_2026-11-27-09-00 as base of 10.0.0.5:backup/data (autobackup-base@10.0.0.5@backup/data): no base yet: starts where the host's sync hold sync_2026-11-27-10-01-55_10.0.0.5 is",
      'release sync_2026-11-26-10-21-00_10.0.0.5 on frequent_backup_2026-11-27-08-20: superseded by sync_2026-11-27-10-01-55_10.0.0.5 on hourly_backup_2026-11-27-09-00',
      'destroy frequent_backup_2026-11-27-08-30: beyond newest 2 frequent (rank 3)',
      'sync to 10.0.0.5:backup/data skipped: not due until 2026-11-28T09:00Z (last hourly_backup_2026-11-27-09-00)',
      'sync to nas:tank/data skipped: backing off after 2 failures until 2026-11-27T09:35Z',
      'sync to old:tank/data skipped: destination disabled',
      'kept my_frequent_manual: not ours',
      'kept hourly_backup_2026-11-27-08-00: among newest 12 hourly (rank 2)',
      'kept frequent_backup_2026-11-27-08-20: held by sync_2026-11-26-10-21-00_10.0.0.5, keep',
      'kept hourly_backup_2026-11-27-09-00: among newest 12 hourly (rank 1); held by sync_2026-11-27-10-01-55_10.0.0.5; replication base of 10.0.0.5:backup/data',
      'kept frequent_backup_2026-11-27-09-10: among newest 2 frequent (rank 2)',
    ])
    // The reason texts (the daemon's log tails, the plan report's column) are the tails of these lines.
    expect(plan.actions.map(Explain.actionReason)).toEqual([
      '11m since frequent_backup_2026-11-27-09-10',
      "no base yet: starts where the host's sync hold sync_2026-11-27-10-01-55_10.0.0.5 is",
      'superseded by sync_2026-11-27-10-01-55_10.0.0.5 on hourly_backup_2026-11-27-09-00',
      'beyond newest 2 frequent (rank 3)',
    ])
    for (const d of plan.decisions)
      expect(Explain.decision(d).endsWith(`: ${Explain.decisionReason(d)}`)).toBe(true)
  })

  it.each([
    [
      {
        _tag: 'NoSnapshot',
        reason: { _tag: 'OutsideWindow', localTime: 'Sat 2026-11-28 03:00 Europe/Vienna' },
      },
      'no snapshot: outside snapshot window (Sat 2026-11-28 03:00 Europe/Vienna)',
    ],
    [{ _tag: 'NoSnapshot', reason: { _tag: 'AllTypesDisabled' } }, 'no snapshot: every retention count is 0'],
    [
      { _tag: 'NoSnapshot', reason: { _tag: 'NotDue', since: 'x', elapsedSeconds: 59 } },
      'no snapshot: not due: 59s since x',
    ],
    [
      { _tag: 'NoSnapshot', reason: { _tag: 'ClockBehind', newest: 'x' } },
      'no snapshot: clock is behind the newest snapshot x',
    ],
    [{ _tag: 'NoSnapshot', reason: { _tag: 'NameExists', name: 'x' } }, 'no snapshot: x already exists'],
    [
      { _tag: 'NoSnapshot', reason: { _tag: 'InvalidZone', zone: 'Mars' } },
      'no snapshot: invalid time zone "Mars": nothing planned',
    ],
    [
      {
        _tag: 'Keep',
        snapshot: 's',
        reasons: [{ _tag: 'InFlight', taskIds: ['t1'] }, { _tag: 'NewestOfDataset' }],
      },
      'kept s: a migration in flight may send it (t1); newest snapshot of the dataset',
    ],
    [
      { _tag: 'Keep', snapshot: 's', reasons: [{ _tag: 'HoldsUnknown', why: 'timeout' }] },
      'kept s: holds unknown (timeout), destroying nothing',
    ],
    [
      {
        _tag: 'NoSync',
        remoteHost: 'h',
        remoteDataset: 'd',
        reason: { _tag: 'OutsideWindow', localTime: 'Sat 03:00' },
      },
      'sync to h:d skipped: outside window (Sat 03:00)',
    ],
    [
      { _tag: 'NoSync', remoteHost: 'h', remoteDataset: 'd', reason: { _tag: 'RemoteSyncDisabled' } },
      'sync to h:d skipped: remote sync disabled',
    ],
    [
      { _tag: 'NoSync', remoteHost: 'h', remoteDataset: 'd', reason: { _tag: 'InFlight', taskId: 't' } },
      'sync to h:d skipped: migration t in flight',
    ],
    [
      { _tag: 'NoSync', remoteHost: 'h', remoteDataset: 'd', reason: { _tag: 'NoSnapshot' } },
      'sync to h:d skipped: no snapshot to send',
    ],
    [
      { _tag: 'NoSync', remoteHost: 'h', remoteDataset: 'd', reason: { _tag: 'HoldsUnknown', why: 'x' } },
      'sync to h:d skipped: holds unknown (x)',
    ],
  ] as const)('%j → %s', (d, line) => {
    expect(Explain.decision(d)).toBe(line)
  })

  it.each([
    [
      {
        _tag: 'CreateSnapshot',
        dataset: 'p/d',
        snapshot: 's',
        type: 'yearly',
        recursive: true,
        reason: { _tag: 'BoundaryCrossed', type: 'yearly', since: 'x' },
      },
      'create p/d@s (recursive): yearly boundary crossed since x',
    ],
    [
      {
        _tag: 'CreateSnapshot',
        dataset: 'p/d',
        snapshot: 's',
        type: 'frequent',
        recursive: false,
        reason: { _tag: 'FirstSnapshot' },
      },
      'create p/d@s: none of ours exists yet',
    ],
    [
      {
        _tag: 'StartSync',
        dataset: 'p/d',
        snapshot: 's',
        remoteHost: 'h',
        remoteDataset: 'b/d',
        reason: { _tag: 'NeverSynced' },
      },
      'sync p/d@s to h:b/d: never synced',
    ],
    [
      {
        _tag: 'StartSync',
        dataset: 'p/d',
        snapshot: 's',
        remoteHost: 'h',
        remoteDataset: 'b/d',
        reason: { _tag: 'IntervalElapsed', lastSync: 't', elapsedSeconds: 90000 },
      },
      'sync p/d@s to h:b/d: 25h since t',
    ],
    [
      {
        _tag: 'StartSync',
        dataset: 'p/d',
        snapshot: 's',
        remoteHost: 'h',
        remoteDataset: 'b/d',
        reason: { _tag: 'NeverSynced' },
        recursive: true,
      },
      'sync p/d@s (recursive) to h:b/d: never synced',
    ],
    [
      {
        _tag: 'HoldSnapshot',
        dataset: 'p/d',
        snapshot: 's',
        tag: 'autobackup-base@h@b/d',
        remoteHost: 'h',
        remoteDataset: 'b/d',
        reason: { _tag: 'Sent' },
        recursive: true,
      },
      'hold s (recursive) as base of h:b/d (autobackup-base@h@b/d): sent there (arrival not verified: the previous base stays held too)',
    ],
  ] as const)('%j → %s', (a, line) => {
    expect(Explain.action(a)).toBe(line)
  })
})
