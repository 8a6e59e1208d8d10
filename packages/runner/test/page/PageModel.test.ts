import type { Plan } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import type { DestinationFacts } from '../../src/page/Facts.js'
import { pageData } from '../../src/page/PageModel.js'
import { dataset, destination, emptyPlan, facts, HOUR, MIN, NOW } from './Fixtures.js'

const outsideWindow: Plan = {
  dataset: 'tank/home',
  actions: [],
  decisions: [
    {
      _tag: 'NoSync',
      remoteHost: 'nas',
      remoteDataset: 'backup/home',
      reason: { _tag: 'OutsideWindow', localTime: 'Wed 12:00' },
    },
  ],
}

const stateOf = (x: Partial<DestinationFacts>, plan: Plan = emptyPlan('tank/home')) => {
  const d = pageData(
    facts({ datasets: [dataset({ destinations: [destination(x)], plan: { at: NOW, plan } })] }),
  )
  const v = d.datasets[0]!.destinations[0]!
  return { state: v.state, reason: v.reason, troubles: d.troubles }
}

describe('PageModel: a destination state with its reason in words', () => {
  it.each([
    ['synced 25 min ago, verified', {}, 'current', /last sync 25m 0s ago, within 4h 0m/],
    ['disabled', { enabled: false }, 'disabled', /destination disabled in the config/],
    [
      'frozen',
      { frozen: { why: 'no common snapshot left', since: NOW - HOUR } },
      'frozen',
      /no common snapshot left \(since 2026-12-02 11:00 UTC\)/,
    ],
    ['never synced', { base: undefined }, 'behind', /^never synced$/],
    [
      'synced 5 h ago: more than 2 × 2 h',
      { base: { snapshot: 'frequent_backup_2026-12-02-07-00', at: NOW - 5 * HOUR } },
      'behind',
      /last sync 5h 0m ago, more than 2 × remote_sync.interval \(4h 0m\)/,
    ],
    [
      'backing off, still within the lag',
      { backOff: { failures: 2, lastFailureAt: NOW - 5 * MIN, until: NOW + 15 * MIN } },
      'back-off',
      /the last 2 syncs failed \(last at 2026-12-02 11:55 UTC\); next try after 2026-12-02 12:15 UTC/,
    ],
    [
      'a back-off that has ended is no state',
      { backOff: { failures: 1, lastFailureAt: NOW - HOUR, until: NOW - 50 * MIN } },
      'current',
      /within/,
    ],
    [
      'arrival not proven',
      { arrival: { _tag: 'NotVerified', why: 'arrival not verified: sync hold only' } },
      'unverified',
      /^arrival not verified: sync hold only$/,
    ],
    [
      'the first sync running: no backup there yet',
      { base: undefined, transfer: { taskId: 't1', status: 'running', progress: null } },
      'behind',
      /^never synced; the first sync is running$/,
    ],
    [
      'a sync running does not hide that arrival is unproven',
      {
        arrival: { _tag: 'NotVerified', why: 'arrival not verified' },
        transfer: { taskId: 't1', status: 'running', progress: null },
      },
      'unverified',
      /^arrival not verified$/,
    ],
  ] as const)('%s → %s', (_, x, state, reason) => {
    const s = stateOf(x)
    expect(s.state).toBe(state)
    expect(s.reason).toMatch(reason)
  })

  it('behind wins over back-off and says both', () => {
    const s = stateOf({
      base: { snapshot: 'frequent_backup_2026-12-02-07-00', at: NOW - 5 * HOUR },
      backOff: { failures: 3, lastFailureAt: NOW - 5 * MIN, until: NOW + 30 * MIN },
    })
    expect(s.state).toBe('behind')
    expect(s.reason).toMatch(/more than 2 × remote_sync.interval .*; the last 3 syncs failed/)
  })

  it('window closed comes from the plan: the core’s own decision', () => {
    expect(stateOf({}, outsideWindow)).toMatchObject({
      state: 'window-closed',
      reason: 'outside the sync window (Wed 12:00)',
    })
  })

  it('holds that cannot be read make the destination unverified, with the reason', () => {
    const d = pageData(
      facts({ datasets: [dataset({ holds: { _tag: 'Unknown', why: 'holds listing failed: timeout' } })] }),
    )
    expect(d.datasets[0]!.destinations[0]).toMatchObject({
      state: 'unverified',
      reason: 'holds could not be read (holds listing failed: timeout): the last sync is unknown',
    })
  })
})

describe('PageModel: trouble first', () => {
  it('health troubles come first, then what needs attention, each with since when', () => {
    const d = pageData(
      facts({
        health: 'unhealthy',
        troubles: [{ why: 'ZFS API unreachable since 2026-12-02T11:50:00.000Z', since: NOW - 10 * MIN }],
        datasets: [
          dataset({
            destinations: [
              destination({ base: { snapshot: 'frequent_backup_2026-12-02-07-00', at: NOW - 5 * HOUR } }),
            ],
          }),
          dataset({
            dataset: 'tank/b',
            error: { why: 'cannot list snapshots: boom', since: NOW - 2 * HOUR },
          }),
        ],
      }),
    )
    expect(d.health).toBe('unhealthy')
    expect(d.troubles.map((t) => [t.kind, t.since.at])).toEqual([
      ['health', '2026-12-02T11:50:00.000Z'],
      // behind since the base's sync + 4 h: 07:00 + 4 h = 11:00; the dataset error since 10:00
      ['dataset', '2026-12-02T10:00:00.000Z'],
      ['destination', '2026-12-02T11:00:00.000Z'],
    ])
    expect(d.troubles[2]!.what).toMatch(/^tank\/home → nas:backup\/home is behind: last sync 5h 0m ago/)
    expect(d.troubles[0]!.since.text).toBe('2026-12-02 11:50 UTC (10m 0s ago)')
  })

  it('a health trouble about a destination replaces the page’s own line about it', () => {
    const d = pageData(
      facts({
        troubles: [
          { why: 'lag 5h 0m, over 2 × 2h', since: NOW - HOUR, subject: 'tank/home → nas:backup/home' },
        ],
        datasets: [
          dataset({
            destinations: [
              destination({ base: { snapshot: 'frequent_backup_2026-12-02-07-00', at: NOW - 5 * HOUR } }),
            ],
          }),
        ],
      }),
    )
    expect(d.troubles.map((t) => [t.kind, t.what])).toEqual([
      ['health', 'tank/home → nas:backup/home: lag 5h 0m, over 2 × 2h'],
    ])
  })

  it('the health word is /health’s own (a degraded daemon says so)', () => {
    expect(pageData(facts({ health: 'degraded' })).health).toBe('degraded')
  })

  it('all well: no troubles, healthy', () => {
    const d = pageData(facts())
    expect(d.health).toBe('ok')
    expect(d.troubles).toEqual([])
  })

  it('the version changes with a cycle and with the troubles, not with the clock alone', () => {
    const a = pageData(facts())
    expect(pageData(facts({ now: NOW + 5000 })).version).toBe(a.version)
    expect(pageData(facts({ lastCycleAt: NOW })).version).not.toBe(a.version)
    expect(pageData(facts({ troubles: [{ why: 'x', since: NOW }] })).version).not.toBe(a.version)
  })
})

describe('PageModel: datasets', () => {
  it('newest snapshot and age, next due, counts against the policy, foreign ones counted apart', () => {
    const d = pageData(
      facts({ datasets: [dataset({ snapshots: [...dataset().snapshots, 'manual-before-upgrade'] })] }),
    ).datasets[0]!
    expect(d.newest).toEqual({
      snapshot: 'frequent_backup_2026-12-02-11-50',
      taken: { at: '2026-12-02T11:50:00.000Z', text: '2026-12-02 11:50 UTC (10m 0s ago)' },
    })
    expect(d.nextDue).toEqual({
      type: 'frequent',
      due: { at: '2026-12-02T12:10:00.000Z', text: '2026-12-02 12:10 UTC (in 10m 0s)' },
    })
    expect(d.counts.slice(0, 2)).toEqual([
      { type: 'frequent', count: 3, retention: 3 },
      { type: 'hourly', count: 1, retention: 4 },
    ])
    expect(d.foreign).toBe(1)
  })

  it('a running migration: fraction, bytes, rate and ETA', () => {
    const d = pageData(
      facts({
        datasets: [
          dataset({
            destinations: [
              destination({
                transfer: {
                  taskId: 't1',
                  status: 'running',
                  progress: {
                    timestamp: '2026-12-02T12:00:00',
                    bytesTransferred: 512 * 1024 * 1024,
                    bytesTotal: 2048 * 1024 * 1024,
                    percentage: 25,
                    rateMiBps: 16,
                    etaSeconds: 96,
                    elapsedSeconds: 32,
                  },
                },
              }),
            ],
          }),
        ],
      }),
    ).datasets[0]!.destinations[0]!
    expect(d.transfer).toEqual({
      taskId: 't1',
      status: 'running',
      fraction: 0.25,
      bytes: '512.0 MiB of 2.0 GiB',
      rate: '16.0 MiB/s',
      eta: '1m 36s',
      text: '25.0% at 16.0 MiB/s, ETA 1m 36s, 512.0 MiB of 2.0 GiB sent',
    })
  })

  it('the plan rows are the `plan` command’s, keep rows counted apart', () => {
    const plan: Plan = {
      dataset: 'tank/home',
      actions: [
        {
          _tag: 'CreateSnapshot',
          dataset: 'tank/home',
          snapshot: 'frequent_backup_2026-12-02-12-00',
          type: 'frequent',
          recursive: false,
          reason: { _tag: 'IntervalElapsed', since: 'frequent_backup_2026-12-02-11-50', elapsedSeconds: 600 },
        },
      ],
      decisions: [
        { _tag: 'Keep', snapshot: 'hourly_backup_2026-12-02-10-00', reasons: [{ _tag: 'NotOurs' }] },
      ],
    }
    const d = pageData(facts({ datasets: [dataset({ plan: { at: NOW + 30_000, plan } })] })).datasets[0]!
    expect(d.plan[0]).toEqual({
      action: 'create',
      what: 'frequent_backup_2026-12-02-12-00 (frequent)',
      why: '10m since frequent_backup_2026-12-02-11-50',
    })
    expect(d.kept).toBe(4)
    expect(d.nextCycle?.text).toBe('2026-12-02 12:00 UTC (in 30s)')
  })

  it('the timeline: a row per type, held snapshots marked, the base and last sync on the destination row', () => {
    const tl = pageData(facts()).datasets[0]!.timeline!
    const frequent = tl.rows.find((r) => r.label === 'frequent')!
    expect(frequent.note).toBe('3 / 3')
    expect(frequent.marks.map((m) => m.kind)).toEqual(['held', 'snap', 'snap'])
    expect(frequent.marks[0]!.label).toContain('held: sync_2026-12-02-11-35-00_nas')
    const dest = tl.rows.at(-1)!
    expect(dest.label).toBe('→ nas:backup/home')
    expect(dest.marks.map((m) => [m.kind, m.at])).toEqual([
      ['sync', NOW - 25 * MIN],
      ['hold', Date.UTC(2026, 11, 2, 11, 30)],
    ])
    expect(tl.to).toBe(NOW)
    expect(tl.from).toBe(Date.UTC(2026, 11, 2, 10, 0))
  })

  it('a dataset never read: no timeline, no newest, the error in words', () => {
    const d = pageData(
      facts({
        datasets: [
          dataset({
            readAt: undefined,
            snapshots: [],
            holds: undefined,
            plan: undefined,
            nextDue: undefined,
            error: { why: 'cannot list snapshots: dataset does not exist', since: NOW },
          }),
        ],
      }),
    ).datasets[0]!
    expect(d).toMatchObject({ timeline: null, newest: null, nextDue: null, read: null, plan: [] })
    expect(d.error).toBe('cannot list snapshots: dataset does not exist')
  })
})
