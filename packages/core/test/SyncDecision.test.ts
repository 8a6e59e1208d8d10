import { describe, expect, it } from 'vitest'
import type { Destination } from '../src/Policy.js'
import * as SyncDecision from '../src/SyncDecision.js'
import { policy, replicationOf, utc } from './fixtures.js'

const dest: Destination = { remoteHost: '10.0.0.5', remoteDataset: 'backup/data', enabled: true }
const holds = new Map([['s1', ['sync_2026-11-26-11-00-00_10.0.0.5']]]) // local Vienna = 10:00Z
const ctx = (over: Partial<SyncDecision.SyncContext> = {}): SyncDecision.SyncContext => ({
  dataset: 'tank/data',
  now: utc('2026-11-27T10:00:00Z'),
  policy: policy(),
  calendar: { weekdayIndex: 4, hour: 11, localTime: 'Fri 2026-11-27 11:00 Europe/Vienna' },
  source: 's2',
  holds: { _tag: 'Known', bySnapshot: holds },
  replication: replicationOf(['s1', 's2'], holds, 'Europe/Vienna', [
    dest,
    { ...dest, remoteHost: '10.0.0.6' },
  ]),
  inFlight: [],
  failures: [],
  ...over,
})
const reasonOf = (r: ReturnType<typeof SyncDecision.decide>) => r.reason._tag

describe('SyncDecision.decide', () => {
  it('starts a sync of the newest snapshot once the interval since the host’s last sync elapsed', () => {
    expect(SyncDecision.decide(ctx(), dest)).toEqual({
      _tag: 'StartSync',
      dataset: 'tank/data',
      snapshot: 's2',
      remoteHost: '10.0.0.5',
      remoteDataset: 'backup/data',
      reason: {
        _tag: 'IntervalElapsed',
        lastSync: 'sync_2026-11-26-11-00-00_10.0.0.5',
        elapsedSeconds: 86400,
      },
    })
  })

  it.each([
    [
      'RemoteSyncDisabled',
      ctx({ policy: { ...policy(), remoteSync: { ...policy().remoteSync, enabled: false } } }),
      dest,
    ],
    ['DestinationDisabled', ctx(), { ...dest, enabled: false }],
    [
      'OutsideWindow',
      ctx({
        calendar: { weekdayIndex: 4, hour: 11, localTime: 'x' },
        policy: {
          ...policy(),
          remoteSync: { ...policy().remoteSync, window: { days: '1111111', hours: '0'.repeat(24) } },
        },
      }),
      dest,
    ],
    ['NoSnapshot', ctx({ source: undefined }), dest],
    ['HoldsUnknown', ctx({ holds: { _tag: 'Unknown', why: 'x' } }), dest],
    [
      'InFlight',
      ctx({
        inFlight: [{ taskId: 't', remoteHost: '10.0.0.5', remoteDataset: 'backup/data', status: 'running' }],
      }),
      dest,
    ],
    ['NotDue', ctx({ now: utc('2026-11-27T09:59:59Z') }), dest],
    ['NeverSynced', ctx(), { ...dest, remoteHost: '10.0.0.6' }],
  ] as const)('%s', (expected, c, d) => {
    expect(reasonOf(SyncDecision.decide(c, d))).toBe(expected)
  })

  it('a migration in flight to another remote dataset of the same host blocks too (§9 as amended)', () => {
    const c = ctx({
      inFlight: [{ taskId: 't', remoteHost: '10.0.0.5', remoteDataset: 'other', status: 'pending' }],
    })
    expect(SyncDecision.decide(c, dest).reason).toEqual({ _tag: 'InFlight', taskId: 't' })
    const elsewhere = ctx({
      inFlight: [{ taskId: 't', remoteHost: '10.0.0.6', remoteDataset: 'backup/data', status: 'pending' }],
    })
    expect(SyncDecision.decide(elsewhere, dest)._tag).toBe('StartSync')
  })

  it('the last sync is the time in the name of the destination’s base, not the host’s newest sync tag', () => {
    const snaps = ['hourly_backup_2026-11-26-09-00', 'hourly_backup_2026-11-27-09-00']
    const bySnapshot = new Map([
      [snaps[0]!, ['autobackup-base@10.0.0.5@backup/data']],
      [snaps[1]!, ['sync_2026-11-27-10-30-00_10.0.0.5']], // another destination of that host synced
    ])
    const c = ctx({
      source: snaps[1]!,
      holds: { _tag: 'Known', bySnapshot },
      replication: replicationOf(snaps, bySnapshot, 'Europe/Vienna', [dest]),
    })
    expect(SyncDecision.decide(c, dest)).toMatchObject({
      _tag: 'StartSync',
      reason: { _tag: 'IntervalElapsed', lastSync: snaps[0]!, elapsedSeconds: 90_000 },
    })
  })

  it.each([
    // consecutive failures, last failure minutes before now, backing off?
    [1, 9, true], // 600 s back-off
    [1, 10, false],
    [3, 39, true], // 600 × 4 = 40 min
    [3, 40, false],
    [20, 359, true], // capped at 6 h
    [20, 360, false],
  ])('back-off after %i failures, last %i min ago: backing off = %s (§10)', (k, minutesAgo, backingOff) => {
    const now = utc('2026-11-27T10:00:00Z')
    const c = ctx({
      failures: [
        {
          remoteHost: '10.0.0.5',
          remoteDataset: 'backup/data',
          consecutive: k,
          lastFailureAt: now - minutesAgo * 60_000,
        },
      ],
    })
    expect(reasonOf(SyncDecision.decide(c, dest)) === 'BackingOff').toBe(backingOff)
  })

  it('backOffMs follows min(interval × 2^(k−1), 6 h)', () => {
    expect([0, 1, 2, 3, 6, 7, 1000].map((k) => SyncDecision.backOffMs(600, k) / 60_000)).toEqual([
      0, 10, 20, 40, 320, 360, 360,
    ])
  })
})
