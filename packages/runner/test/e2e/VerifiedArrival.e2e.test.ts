/**
 * Verified arrival end to end (issue 9 item 3): the real daemon against a source API and the backup host's
 * own API, both simulated on one model and clock.
 */
import { BaseTag } from '@zfs-autobackup/core'
import { type FetchLike, makeClient } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/Io.js'
import * as StatusCommand from '../../src/tools/status/StatusCommand.js'
import { HOUR, MIN, startHourlyToNas, type World } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)
const TARGET = '{dataset="tank/a",remote_host="nas",remote_dataset="backup/a"}'
const TAG = BaseTag.of({ remoteHost: 'nas', remoteDataset: 'backup/a' })

const metrics = async (w: World) => {
  const text = await (await fetch(`${w.statusUrl()}/metrics`)).text()
  return (line: string) => {
    const found = text.split('\n').find((l) => l.startsWith(`${line} `))
    return found === undefined ? undefined : Number(found.slice(line.length + 1))
  }
}
const based = (w: World) =>
  w.sim.inspect.snapshots('tank/a').filter((s) => w.sim.inspect.holds('tank/a', s).includes(TAG))
const remote = (w: World) => w.backup!.inspect.snapshots('backup/a')
const status = async (w: World, args: ReadonlyArray<string> = []) => {
  const io = memoryIo()
  const code = await StatusCommand.make({ fetch: w.fetch, now: () => w.clock.now() }).run(
    ['--config', w.path, ...args],
    io,
  )
  return { code, out: io.out() }
}

describe('verified arrival, with the backup host’s own API', () => {
  it('a failed receive does not move the base, the next sync heals; /metrics and status show verified lag', async () => {
    const w = await startHourlyToNas(START, { api: true })
    await w.run(2 * HOUR + 5 * MIN)
    // Three syncs, each verified: the base hold sits on one snapshot only, the newest the destination has.
    expect(w.grep('(verified: same guid on both ends); the base hold moves there')).toHaveLength(3)
    expect(based(w)).toEqual(['hourly_backup_2026-06-01-10-00'])
    expect(remote(w).at(-1)).toBe('hourly_backup_2026-06-01-10-00')
    let m = await metrics(w)
    expect(m(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(0)
    expect(m(`zfs_autobackup_destination_frozen${TARGET}`)).toBe(0)
    expect(m(`zfs_autobackup_last_sync_timestamp_seconds${TARGET}`)).toBe(Date.UTC(2026, 5, 1, 10, 0) / 1000)
    // The cost: one check when the daemon started (the destination listed nothing yet: no guid asked),
    // then per ended migration one snapshot_list there and one dataset_get_properties on each side.
    const cost = () => w.backup!.inspect.counts().byMethod
    expect(cost()).toEqual({ snapshot_list: 4, dataset_get_properties: 3 })
    expect(w.sim.inspect.counts().byMethod['dataset_get_properties']).toBe(3)
    // Steady cycles with no migration ending cost nothing there.
    await w.run(50 * MIN)
    expect(cost()).toEqual({ snapshot_list: 4, dataset_get_properties: 3 })

    // 11:00: the receive fails; the API still places its sync hold and reports `completed`.
    w.sim.faults.script('migration_create', [{ kind: 'failReceive' }])
    await w.run(8 * MIN)
    expect(w.sim.inspect.receipts().at(-1)?.failure).toBeDefined()
    expect(
      w.grep(
        "but it did not arrive: nas:backup/a's newest common snapshot is still hourly_backup_2026-06-01-10-00",
      ),
    ).toHaveLength(1)
    expect(based(w)).toEqual(['hourly_backup_2026-06-01-10-00'])
    expect(remote(w).at(-1)).toBe('hourly_backup_2026-06-01-10-00')
    m = await metrics(w)
    expect(m(`zfs_autobackup_last_sync_timestamp_seconds${TARGET}`)).toBe(Date.UTC(2026, 5, 1, 10, 0) / 1000)
    expect(m(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(0) // what it has is verified: the old base

    // After one back-off interval the next sync sends from the base the destination really has: healed.
    await w.run(20 * MIN)
    expect(remote(w)).toContain('hourly_backup_2026-06-01-11-00')
    expect(based(w)).toEqual([remote(w).at(-1)])
    m = await metrics(w)
    const last = m(`zfs_autobackup_last_sync_timestamp_seconds${TARGET}`)!
    expect(last).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 1, 11, 0) / 1000)
    expect(m(`zfs_autobackup_sync_lag_seconds${TARGET}`)).toBe(w.clock.now() / 1000 - last)
    expect(m(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(0)
    expect(await (await fetch(`${w.statusUrl()}/health`)).json()).toMatchObject({ status: 'ok' })

    // `status` asks the destination's API itself: verified lag, no "not verified".
    const text = await status(w)
    expect(text.code).toBe(0)
    const row = text.out.split('\n').find((l) => l.startsWith('  nas:backup/a')) ?? ''
    expect(row).toContain(`verified: ${remote(w).at(-1)} is there (same guid on both ends)`)
    expect(row).toMatch(/\d+m \d+s verified \/ 2h 0m/)
    const json = JSON.parse((await status(w, ['--json'])).out).datasets[0].destinations[0]
    expect(json).toMatchObject({
      health: 'ok',
      lagVerified: true,
      arrival: { _tag: 'Verified', snapshot: remote(w).at(-1) },
    })
    // The status page says so too.
    const page = JSON.parse(await (await fetch(`${w.statusUrl()}/status.json`)).text())
    expect(page.datasets[0].destinations[0]).toMatchObject({ state: 'current', lag: { verified: true } })
    expect(await w.stop()).toBe(0)
  }, 60_000)
})

describe('a diverged destination', () => {
  it('is frozen: frozen=1, /health degraded, status WARNING; it clears when the destination heals', async () => {
    const w = await startHourlyToNas(START, { api: true })
    await w.run(65 * MIN)
    const base = 'hourly_backup_2026-06-01-09-00'
    expect(based(w)).toEqual([base])
    // Someone re-takes the destination's newest snapshot by hand under the same name: another guid.
    w.backup!.seed.diverge('backup/a', base)
    await w.run(HOUR)
    expect(
      w.grep(`nas:backup/a DIVERGED: backup/a@${base} there is not tank/a@${base}`).length,
    ).toBeGreaterThan(0)
    expect(based(w)).toEqual([base]) // never moved onto what did not land
    const m = await metrics(w)
    expect(m(`zfs_autobackup_destination_frozen${TARGET}`)).toBe(1)
    expect(m(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(1)
    expect(m('zfs_autobackup_troubles{kind="frozen-destination"}')).toBe(1)
    const health = await fetch(`${w.statusUrl()}/health`)
    expect(health.status).toBe(500)
    expect((await health.json()).problems).toEqual([
      expect.stringMatching(/^frozen-destination: tank\/a → nas:backup\/a: diverged: /),
    ])
    const st = await status(w)
    expect(st.code).toBe(1)
    expect(st.out.split('\n')[0]).toBe(
      `WARNING - tank/a → nas:backup/a: FROZEN, DIVERGED: ${base} has another guid on the destination, no incremental can land`,
    )
    const page = JSON.parse(await (await fetch(`${w.statusUrl()}/status.json`)).text())
    expect(page.datasets[0].destinations[0].state).toBe('frozen')

    // The operator destroys the diverged snapshot there: nothing else there is still on the source (the
    // base hold kept only the verified snapshot), so the destination has no common snapshot: still frozen.
    const nas = makeClient({
      url: 'http://nas:8545',
      fetch: w.backup!.fetch as unknown as FetchLike,
      clock: w.clock,
    })
    for (const tag of w.backup!.inspect.holds('backup/a', base))
      expect((await nas.snapshotRelease('backup/a', base, tag)())._tag).toBe('Right')
    expect((await nas.snapshotDestroy('backup/a', base)())._tag).toBe('Right')
    await w.run(30 * MIN)
    expect(w.grep('nas:backup/a FROZEN: it has no snapshot in common with tank/a').length).toBeGreaterThan(0)
    expect((await metrics(w))(`zfs_autobackup_destination_frozen${TARGET}`)).toBe(1)
    // ...then sends the base again by hand (same guid): the next sync heals it.
    w.sim.seed.replica([base], { dataset: 'tank/a' }, { dataset: 'backup/a', host: 'nas' })
    await w.run(3 * HOUR)
    expect(
      w.grep('(no longer frozen)').length + w.grep('cleared: frozen-destination').length,
    ).toBeGreaterThan(0)
    expect(await (await fetch(`${w.statusUrl()}/health`)).json()).toMatchObject({ status: 'ok' })
    const healed = await metrics(w)
    expect(healed(`zfs_autobackup_destination_frozen${TARGET}`)).toBe(0)
    expect(healed(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(0)
    expect(based(w)).toEqual([remote(w).at(-1)])
    expect(await w.stop()).toBe(0)
  }, 60_000)
})

describe('without a destination API', () => {
  it('arrival is shown unverified: the gauge, status and the page say so', async () => {
    const w = await startHourlyToNas(START)
    await w.run(HOUR + 5 * MIN)
    expect(w.grep('arrival not verified (no API for the destination)').length).toBeGreaterThan(0)
    const m = await metrics(w)
    expect(m(`zfs_autobackup_destination_unverified${TARGET}`)).toBe(1)
    expect(m(`zfs_autobackup_destination_frozen${TARGET}`)).toBe(0)
    // The base hold stays on the last two snapshots sent.
    expect(based(w)).toHaveLength(2)
    const st = await status(w, ['--json'])
    expect(JSON.parse(st.out).datasets[0].destinations[0]).toMatchObject({
      lagVerified: false,
      arrival: { _tag: 'Unverified' },
    })
    expect((await status(w)).out).toContain('arrival not verified (no destination API)')
    const page = JSON.parse(await (await fetch(`${w.statusUrl()}/status.json`)).text())
    expect(page.datasets[0].destinations[0]).toMatchObject({ state: 'unverified', lag: { verified: false } })
    expect(await w.stop()).toBe(0)
  }, 60_000)
})
