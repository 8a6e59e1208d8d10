import type { FetchLike } from '@zfs-autobackup/zfs-rpc'
import { describe, expect, it } from 'vitest'
import { memoryIo } from '../../../src/cli/Io.js'
import * as PlanCommand from '../../../src/tools/plan/PlanCommand.js'
import { configYaml, dstMorning, failedSync, syncTag, world, writeConfig } from '../ToolFixtures.js'

const AT = '2026-03-29T03:00:00+02:00' // 01:00Z, the first instant of summer time
const start = Date.parse('2026-03-29T00:55:00Z')

const runPlan = async (w: ReturnType<typeof world>, args: ReadonlyArray<string>) => {
  const io = memoryIo()
  const cmd = PlanCommand.make({ fetch: w.sim.fetch, now: () => w.clock.now() })
  const code = await cmd.run(args, io)
  return { code, out: io.out(), err: io.err() }
}

describe('plan on the Europe/Vienna spring-forward morning', () => {
  it('shows the creation, the fate of every snapshot, and the sync, each with its reason', async () => {
    const w = world(start)
    const { code, out } = await runPlan(w, ['--config', writeConfig(configYaml()), '--at', AT])
    expect(code).toBe(0)
    const lines = out.split('\n')
    expect(lines[0]).toBe(
      'Plan at 2026-03-29T01:00Z (Sun 2026-03-29 03:00 +02:00 Europe/Vienna); nothing is changed.',
    )
    expect(lines).toContain(
      'tank/data: 1 create, 3 destroy, 7 keep, 1 hold, 0 release, 1 sync, 0 sync skipped',
    )
    // Table rows: ACTION, WHAT, WHY separated by runs of spaces.
    const cells = (l: string) => l.trim().split(/ {2,}/)
    const row = (what: string) => lines.find((l) => l.startsWith('  ') && cells(l)[1] === what) ?? ''
    expect(row('hourly_backup_2026-03-29-01-00 (hourly)')).toMatch(
      /^ {2}create +.*hourly boundary crossed since frequent_backup_2026-03-29-00-50/,
    )
    expect(row('frequent_backup_2026-03-29-00-10')).toMatch(
      /^ {2}DESTROY .*beyond newest 2 frequent \(rank 3\)/,
    )
    expect(row('hourly_backup_2026-03-28-21-00')).toMatch(/^ {2}DESTROY .*beyond newest 2 hourly \(rank 4\)/)
    expect(row('hourly_backup_2026-03-28-22-00')).toMatch(/^ {2}DESTROY .*beyond newest 2 hourly \(rank 3\)/)
    expect(row('frequent_backup_2026-03-28-23-10')).toMatch(
      new RegExp(`^ {2}keep .*held by ${syncTag}; replication base of 10\\.0\\.0\\.5:backup/data`),
    )
    // No base hold yet (an upgrade): it starts where the host's sync hold is (§15).
    expect(row('autobackup-base@10.0.0.5@backup/data on frequent_backup_2026-03-28-23-10')).toMatch(
      new RegExp(
        `^ {2}hold .*base of 10\\.0\\.0\\.5:backup/data: no base yet: starts where the host's sync hold ${syncTag} is`,
      ),
    )
    expect(row('my_manual')).toMatch(/^ {2}keep .*not ours/)
    expect(row('frequent_backup_2026-03-29-00-50')).toMatch(/^ {2}keep .*among newest 2 frequent \(rank 1\)/)
    expect(out).toMatch(
      // the last sync is the time in the base snapshot's name (23:10Z), not the sync hold's time
      / {2}sync +10\.0\.0\.5:backup\/data ← hourly_backup_2026-03-29-01-00 +110m since frequent_backup_2026-03-28-23-10$/m,
    )
    // Every listed snapshot appears once, in list order, after the creation line.
    const order = dstMorning.map((s) => lines.indexOf(row(s)))
    expect(order.every((i) => i > lines.indexOf(row('hourly_backup_2026-03-29-01-00 (hourly)')))).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('sends no changing call to the API: the simulator records no mutation and no mutating method', async () => {
    const w = world(start)
    w.sim.inspect.resetCounts()
    const { code } = await runPlan(w, ['--config', writeConfig(configYaml()), '--at', AT])
    expect(code).toBe(0)
    expect(w.sim.inspect.mutations()).toEqual([])
    const methods = Object.keys(w.sim.inspect.counts().byMethod).sort()
    expect(methods).toEqual(['migration_list', 'snapshot_holds_list', 'snapshot_list'])
    // Fresh: the holds of every snapshot were read, in one batch.
    expect(w.sim.inspect.counts().byMethod['snapshot_holds_list']).toBe(dstMorning.length)
    expect(w.sim.inspect.snapshots('tank/data')).toEqual(dstMorning)
  })

  it('with target_retention, shows the fate of every snapshot on the backup host, read-only', async () => {
    const w = world(start)
    const backup = w.sim.hostApi('10.0.0.5')
    const there = [
      'daily_backup_2026-03-27-23-00',
      'hourly_backup_2026-03-28-21-00',
      'hourly_backup_2026-03-28-22-00',
      'frequent_backup_2026-03-28-22-00',
      'frequent_backup_2026-03-28-23-10',
    ]
    backup.seed.snapshots('backup/data', there)
    backup.seed.hold('backup/data', 'hourly_backup_2026-03-28-21-00', 'keep')
    const yaml = configYaml().replace(
      '        remote_dataset: backup/data\n',
      '        remote_dataset: backup/data\n        api:\n          url: "http://10.0.0.5:8545"\n' +
        '        target_retention: { frequent: 1, hourly: 1, daily: 0 }\n',
    )
    const io = memoryIo()
    const fetch: FetchLike = (url, init) =>
      new URL(url).host === '10.0.0.5:8545' ? backup.fetch(url, init) : w.sim.fetch(url, init)
    const code = await PlanCommand.make({ fetch, now: () => w.clock.now() }).run(
      ['--config', writeConfig(yaml), '--at', AT],
      io,
    )
    expect(code).toBe(0)
    const lines = io.out().split('\n')
    expect(lines).toContain(
      'tank/data: 1 create, 3 destroy, 7 keep, 1 hold, 0 release, 1 sync, 0 sync skipped, 2 destroy on backup hosts',
    )
    const row = (what: string) => lines.find((l) => l.trim().split(/ {2,}/)[1] === what) ?? ''
    const at = (s: string) => `10.0.0.5:backup/data@${s}`
    expect(row(at('daily_backup_2026-03-27-23-00'))).toMatch(
      /^ {2}DESTROY .*beyond newest 0 daily \(rank 1\)/,
    )
    expect(row(at('frequent_backup_2026-03-28-22-00'))).toMatch(/^ {2}DESTROY .*beyond newest 1 frequent/)
    expect(row(at('hourly_backup_2026-03-28-21-00'))).toMatch(/^ {2}keep .*held by keep/)
    expect(row(at('frequent_backup_2026-03-28-23-10'))).toMatch(
      /^ {2}keep .*newest snapshot in common with the source.*newest snapshot of the dataset/,
    )
    // Read-only on the backup host too; every snapshot's holds read there, fresh.
    expect(backup.inspect.mutations()).toEqual([])
    expect(backup.inspect.counts().byMethod['snapshot_destroy']).toBeUndefined()
    expect(backup.inspect.counts().byMethod['snapshot_holds_list']).toBe(there.length)
    expect(backup.inspect.snapshots('backup/data')).toEqual(there)
  })

  it('after a failed sync, says the destination is backing off', async () => {
    const w = world(start)
    await failedSync(w)
    const { code, out } = await runPlan(w, ['--config', writeConfig(configYaml()), '--at', AT])
    expect(code).toBe(0)
    expect(out).toMatch(
      / {2}no sync +10\.0\.0\.5:backup\/data +backing off after 1 failure until 2026-03-29T01:05Z/,
    )
    expect(out).toContain('0 sync, 1 sync skipped')
  })

  it('shows a superseded sync hold it would release, and why no snapshot is due between boundaries', async () => {
    const w = world(start)
    w.sim.seed.hold('tank/data', 'hourly_backup_2026-03-29-00-00', 'sync_2026-03-29-01-05-00_10.0.0.5')
    const { code, out } = await runPlan(w, [
      '--config',
      writeConfig(configYaml()),
      '--at',
      '2026-03-29T00:55:00Z',
    ])
    expect(code).toBe(0)
    expect(out).toMatch(
      new RegExp(
        ` {2}release +${syncTag} on frequent_backup_2026-03-28-23-10 +superseded by sync_2026-03-29-01-05-00_10\\.0\\.0\\.5 on hourly_backup_2026-03-29-00-00`,
      ),
    )
    expect(out).toMatch(/ {2}no snapshot +- +not due: 5m since frequent_backup_2026-03-29-00-50$/m)
    // The base is seeded where the newest sync hold is (00:00Z by its name): the next sync is due an hour later.
    expect(out).toMatch(
      / {2}no sync +10\.0\.0\.5:backup\/data +not due until 2026-03-29T01:00Z \(last hourly_backup_2026-03-29-00-00\)/,
    )
  })

  it('prints the plan as JSON for tools, with the reason text next to each typed reason', async () => {
    const w = world(start)
    const { out } = await runPlan(w, ['--config', writeConfig(configYaml()), '--at', AT, '--json'])
    const j = JSON.parse(out)
    expect(j.at).toBe('2026-03-29T01:00:00.000Z')
    const ds = j.datasets[0]
    const create = ds.actions.find((a: { _tag: string }) => a._tag === 'CreateSnapshot')
    expect(create).toMatchObject({ snapshot: 'hourly_backup_2026-03-29-01-00', type: 'hourly' })
    expect(create.reason._tag).toBe('BoundaryCrossed')
    expect(ds.actions.filter((a: { _tag: string }) => a._tag === 'DestroySnapshot')).toHaveLength(3)
    expect(ds.decisions.find((d: { snapshot?: string }) => d.snapshot === 'my_manual').why).toBe('not ours')
  })

  it.each([
    [['--at', '2026-03-29T03:00:00'], 'needs an offset'],
    [['--at', 'tomorrow'], 'not an ISO 8601 time'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with exit 2', async (args, why) => {
    const w = world(start)
    const { code, err } = await runPlan(w, ['--config', writeConfig(configYaml()), ...args])
    expect(code).toBe(2)
    expect(err).toContain(why)
  })

  it('exits 2 on a config that does not load and 3 when the API does not answer', async () => {
    const w = world(start)
    const bad = await runPlan(w, ['--config', writeConfig('server: {backup_interval: 5}\n')])
    expect(bad.code).toBe(2)
    const io = memoryIo()
    const down = PlanCommand.make({
      fetch: () => Promise.reject(new TypeError('connect ECONNREFUSED 127.0.0.1:8545')),
      now: () => start,
    })
    expect(await down.run(['--config', writeConfig(configYaml())], io)).toBe(3)
    expect(io.err()).toContain('ZFS API at http://127.0.0.1:8545 did not answer')
  })
})
