import type { DatasetPolicy } from '@zfs-autobackup/core'
import { describe, expect, it } from 'vitest'
import * as Arrivals from '../../src/daemon/Arrivals.js'
import * as ArrivalVerifier from '../../src/daemon/ArrivalVerifier.js'
import * as FakeApi from './FakeApi.js'
import { backupHost, harness, T0 } from './Harness.js'

const d = { dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/a' }
const ds: DatasetPolicy = {
  dataset: 'tank/a',
  recursive: false,
  destinations: [
    { remoteHost: 'nas', remoteDataset: 'backup/a', enabled: true },
    { remoteHost: 'plain', remoteDataset: 'backup/a', enabled: true },
  ],
}

/** A source API with s1..s3, a backup host API for nas:backup/a (none for plain:backup/a). */
const setup = (remote: ReadonlyArray<string> = ['s1', 's2']) => {
  const h = harness({ 'tank/a': ['s1', 's2', 's3'] })
  return { ...h, ...backupHost(h, remote) }
}

describe('ArrivalVerifier', () => {
  it('Arrived: evidence for the core and a Verified check; costs 1 snapshot_list there and 1 guid per side', async () => {
    const t = setup()
    const v = await t.verifier.verify(d, ['s1', 's2', 's3'])
    expect(v?.verdict).toEqual({ _tag: 'Arrived', snapshot: 's2', guid: 'guid-of-s2' })
    expect(t.arrivals.of('tank/a')).toEqual([
      { _tag: 'Arrived', remoteHost: 'nas', remoteDataset: 'backup/a', snapshot: 's2', guid: 'guid-of-s2' },
    ])
    expect(t.arrivals.check(d)).toEqual({ _tag: 'Verified', snapshot: 's2', at: T0 })
    expect(t.nas.calls).toEqual(['snapshot_list', 'dataset_get_properties'])
    expect(t.api.calls).toEqual(['dataset_get_properties'])
  })

  it('Diverged and NoCommon: frozen, never evidence; the first time found is kept', async () => {
    const t = setup()
    t.nas.guids.set('backup/a@s2', 'another')
    expect((await t.verifier.verify(d, ['s1', 's2', 's3']))?.verdict._tag).toBe('Diverged')
    await t.clock.advance(60_000)
    await t.verifier.verify(d, ['s1', 's2', 's3'])
    expect(t.arrivals.check(d)).toEqual({ _tag: 'Diverged', snapshot: 's2', at: T0 })
    expect(Arrivals.standingOf(true, t.arrivals.check(d))).toMatchObject({ _tag: 'Frozen', since: T0 })
    t.nas.snapshots.set('backup/a', ['x'])
    expect((await t.verifier.verify(d, ['s1', 's2', 's3']))?.verdict._tag).toBe('NoCommon')
    expect(t.arrivals.check(d)).toEqual({ _tag: 'Frozen', at: T0 + 60_000 })
    expect(t.arrivals.of('tank/a')).toEqual([])
  })

  it('Empty: a destination that lists no snapshot (not synced yet, or its dataset is missing) is not frozen', async () => {
    const t = setup([])
    expect((await t.verifier.verify(d, ['s1']))?.verdict).toEqual({ _tag: 'Empty' })
    expect(t.arrivals.check(d)).toEqual({ _tag: 'Empty', at: T0 })
    expect(Arrivals.standingOf(true, t.arrivals.check(d))._tag).toBe('Empty')
    expect(t.arrivals.of('tank/a')).toEqual([])
    expect(t.nas.calls).toEqual(['snapshot_list'])
  })

  it('no API: nothing is checked, nothing is due', async () => {
    const t = setup()
    const plain = { ...d, remoteHost: 'plain' }
    expect(t.verifier.hasApi(plain)).toBe(false)
    expect(await t.verifier.verify(plain, ['s1'])).toBeUndefined()
    t.verifier.request(plain)
    expect(await t.verifier.runDue({ ...ds, destinations: [ds.destinations[1]!] }, ['s1'])).toBe(0)
    expect(t.api.calls).toEqual([])
  })

  it('the cycle checks a destination with no verdict once, then only when asked: steady cycles cost nothing', async () => {
    const t = setup()
    expect(await t.verifier.runDue(ds, ['s1', 's2', 's3'])).toBe(1)
    expect(t.log.text('info')).toEqual([
      'arrival verified: nas:backup/a has tank/a@s2 (same guid on both ends); the base hold moves there',
    ])
    for (let i = 0; i < 5; i++) expect(await t.verifier.runDue(ds, ['s1', 's2', 's3'])).toBe(0)
    expect(t.nas.calls).toHaveLength(2)
    t.verifier.request(d)
    expect(await t.verifier.runDue(ds, ['s1', 's2', 's3'])).toBe(1)
    // The same verdict again is not logged again.
    expect(t.log.text('info')).toHaveLength(1)
    expect(
      await t.verifier.runDue(
        { ...ds, destinations: ds.destinations.map((x) => ({ ...x, enabled: false })) },
        [],
      ),
    ).toBe(0)
  })

  it('Unknown concludes nothing and is retried at the next cycles, at most MAX_ATTEMPTS in a row', async () => {
    const t = setup()
    t.nas.down = true
    t.arrivals.setCheck(d, { _tag: 'Verified', snapshot: 's1', at: 0 })
    t.verifier.request(d)
    expect(t.verifier.hasDue(ds)).toBe(true)
    await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    // Failed once: still due, so the cycle keeps the dataset unsettled and looks again after a tick.
    expect(t.verifier.hasDue(ds)).toBe(true)
    for (let i = 1; i < ArrivalVerifier.MAX_ATTEMPTS + 3; i++) await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    // Each check is one snapshot_list that fails; the fake counts no call while down, so count the warnings.
    expect(t.log.text('warn')).toHaveLength(ArrivalVerifier.MAX_ATTEMPTS)
    expect(t.log.text('warn').at(-1)).toContain(`failed ${ArrivalVerifier.MAX_ATTEMPTS} times in a row`)
    // Given up: nothing due, so the daemon may sleep until work is due again.
    expect(t.verifier.hasDue(ds)).toBe(false)
    // The last verdict stands; no evidence was made up.
    expect(t.arrivals.check(d)).toEqual({ _tag: 'Verified', snapshot: 's1', at: 0 })
    expect(t.arrivals.of('tank/a')).toEqual([])
    // The next migration end asks again, and a working API heals it.
    t.nas.down = false
    expect(await t.verifier.runDue(ds, ['s1', 's2', 's3'])).toBe(0)
    t.verifier.request(d)
    expect(await t.verifier.runDue(ds, ['s1', 's2', 's3'])).toBe(1)
    expect(t.arrivals.check(d)).toMatchObject({ _tag: 'Verified', snapshot: 's2' })
  })

  it('an undecided destination (just started) that keeps failing is not retried for ever either', async () => {
    const t = setup()
    t.nas.failing.set('snapshot_list', {
      error: FakeApi.remote('snapshot_list', -32603, 'boom'),
      sticky: true,
    })
    for (let i = 0; i < 10; i++) await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    expect(t.nas.calls).toHaveLength(ArrivalVerifier.MAX_ATTEMPTS)
    expect(t.arrivals.check(d)).toBeUndefined()
  })

  it('a frozen destination is an error once, and an info when it heals', async () => {
    const t = setup(['x'])
    await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    t.verifier.request(d)
    await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    expect(t.log.text('error')).toHaveLength(1)
    expect(t.log.text('error')[0]).toContain('nas:backup/a FROZEN: it has no snapshot in common with tank/a')
    t.nas.snapshots.set('backup/a', ['x', 's3'])
    t.verifier.request(d)
    await t.verifier.runDue(ds, ['s1', 's2', 's3'])
    expect(t.log.text('info').at(-1)).toContain(
      'has tank/a@s3 (same guid on both ends); the base hold moves there (no longer frozen)',
    )
  })
})

describe('Arrivals.standingOf / verifiedSync', () => {
  it('reads a check the same way for metrics, troubles and the page', () => {
    expect(Arrivals.standingOf(false, { _tag: 'Verified', snapshot: 's', at: 1 })._tag).toBe('NoApi')
    expect(Arrivals.standingOf(true, undefined)._tag).toBe('Unchecked')
    expect(Arrivals.standingOf(true, { _tag: 'SentUnverified', snapshot: 's', at: 1 })._tag).toBe('Unchecked')
    const name = 'frequent_backup_2026-11-27-11-50'
    const v = Arrivals.standingOf(true, { _tag: 'Verified', snapshot: name, at: 1 })
    expect(Arrivals.verifiedSync(v, T0)).toEqual({ snapshot: name, at: Date.UTC(2026, 10, 27, 11, 50) })
    // A name from the future is no last sync; a name not ours has no time.
    expect(Arrivals.verifiedSync(v, Date.UTC(2026, 10, 27, 11, 0))).toBeUndefined()
    expect(
      Arrivals.verifiedSync(Arrivals.standingOf(true, { _tag: 'Verified', snapshot: 'x', at: 1 }), T0),
    ).toBeUndefined()
  })
})
