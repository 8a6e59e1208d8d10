import { describe, expect, it } from 'vitest'
import { type Destination, type InFlightMigration, planDataset } from '../src/index.js'
import * as Protection from '../src/Protection.js'
import * as SyncHold from '../src/SyncHold.js'
import { dataset, input, observed, policy } from './fixtures.js'

const f = (hhmm: string) => `frequent_backup_2026-11-27-${hhmm}`
const snaps = ['00-00', '00-10', '00-20', '00-30', '00-40', '00-50'].map(f)
const tag = 'sync_2026-11-27-01-45-00_nas'
const nas: Destination = { remoteHost: 'nas', remoteDataset: 'backup/data', enabled: true }
const migration = (over: Partial<InFlightMigration> = {}): InFlightMigration => ({
  taskId: 't1',
  remoteHost: 'nas',
  remoteDataset: 'backup/data',
  status: 'running',
  ...over,
})

/** Retention keeps 1 frequent; the base (sync hold of `nas`) sits on 00-40; `m` is in flight. */
const destroyedWith = (m: InFlightMigration, destinations = [nas]) =>
  planDataset(
    input('2026-11-27T00:55:00Z', observed(snaps, { [f('00-40')]: [tag] }, { inFlight: [m] }), {
      policy: policy({
        backupIntervalSeconds: 3600,
        retention: { frequent: 1, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 },
      }),
      dataset: dataset({ destinations }),
    }),
  )
    .actions.filter((a) => a._tag === 'DestroySnapshot')
    .map((a) => a.snapshot)

describe('in-flight protection (decisions §8 as amended)', () => {
  it.each([
    [
      'base unchanged since the start: from the base',
      f('00-40'),
      [f('00-00'), f('00-10'), f('00-20'), f('00-30')],
    ],
    // The LateMigration counterexample: another migration moved the base from 00-10 to 00-40 meanwhile;
    // this one still sends -I from 00-10.
    ['base moved on since the start: from the start base', f('00-10'), [f('00-00')]],
    ['start base no longer listed: everything', 'frequent_backup_2026-11-26-23-50', []],
    ['no base at the start: everything', null, []],
  ])('%s', (_, baseAtStart, destroyed) => {
    expect(destroyedWith(migration({ baseAtStart }))).toEqual(destroyed)
  })

  it('protects everything for a migration this runner did not start (adopted, or a late create)', () => {
    expect(destroyedWith(migration())).toEqual([])
  })

  it('protects everything when the host has no base now, whatever the start base', () => {
    expect(destroyedWith(migration({ baseAtStart: f('00-40'), remoteHost: 'other' }), [])).toEqual([])
  })

  it('protects everything when two remote datasets share the host (one sync hold per host)', () => {
    const second = { ...nas, remoteDataset: 'backup/copy' }
    expect(destroyedWith(migration({ baseAtStart: f('00-40') }), [nas, second])).toEqual([])
  })

  it('names the migration in the keep reason of what it protects', () => {
    const plan = planDataset(
      input('2026-11-27T00:55:00Z', observed(snaps, {}, { inFlight: [migration()] }), {
        dataset: dataset({ destinations: [nas] }),
      }),
    )
    const first = plan.decisions.find((d) => d._tag === 'Keep' && d.snapshot === f('00-00'))
    expect(first).toMatchObject({ reasons: expect.arrayContaining([{ _tag: 'InFlight', taskIds: ['t1'] }]) })
  })
})

describe('Protection.sharedHosts', () => {
  it('lists hosts used by more than one remote dataset, configured or in flight', () => {
    const shared = Protection.sharedHosts(
      [nas, { ...nas, remoteHost: 'b' }],
      [migration({ remoteDataset: 'backup/other' }), migration({ remoteHost: 'b' })],
    )
    expect([...shared]).toEqual(['nas'])
  })
})

describe('SyncHold.baseOf', () => {
  const holds = new Map([
    [f('00-10'), ['sync_2026-11-27-00-15-00_nas', 'keep']],
    [f('00-30'), ['sync_2026-11-27-00-35-00_other']],
    [f('00-40'), ['sync_broken_nas']],
  ])
  it.each([
    ['nas', f('00-10')],
    ['other', f('00-30')],
    ['none', null],
  ])('base of %s', (host, base) => {
    expect(SyncHold.baseOf(snaps, holds, host)).toBe(base)
  })
})
