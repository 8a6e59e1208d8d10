import { describe, expect, it } from 'vitest'
import { memoryIo } from '../../../src/cli/Io.js'
import * as StatusCommand from '../../../src/tools/status/StatusCommand.js'
import { configYaml, failedSync, syncTag, type World, world, writeConfig } from '../ToolFixtures.js'

const now = Date.parse('2026-03-29T01:00:00Z') // 03:00 CEST, the first instant of summer time

const runStatus = async (w: World, args: ReadonlyArray<string>) => {
  const io = memoryIo()
  const cmd = StatusCommand.make({ fetch: w.sim.fetch, now: () => w.clock.now() })
  const code = await cmd.run(['--config', writeConfig(configYaml()), ...args], io)
  return { code, out: io.out(), err: io.err(), lines: io.out().split('\n') }
}

describe('status on the Europe/Vienna spring-forward morning', () => {
  it('counts the lag from the time in the base snapshot’s name: 23:10Z is 1h 50m before 03:00 CEST, within 2 × 1h', async () => {
    const w = world(now)
    const { code, lines } = await runStatus(w, [])
    expect(code).toBe(0)
    expect(lines[0]).toBe('OK - 1 dataset, 1 destination within lag')
    expect(lines).toContain('tank/data: 10 snapshots (1 not ours)')
    expect(lines).toContain('  frequent  4 / 2             frequent_backup_2026-03-29-00-50 (10m 0s ago)')
    expect(lines).toContain('  daily     2 / 2             daily_backup_2026-03-28-23-00 (2h 0m ago)')
    expect(lines).toContain('  yearly    0 / 1             -')
    const dest = lines.find((l) => l.startsWith('  10.0.0.5:backup/data')) ?? ''
    expect(dest.trim().split(/ {2,}/)).toEqual([
      '10.0.0.5:backup/data',
      'ok',
      '2026-03-28T23:10Z on frequent_backup_2026-03-28-23-10',
      '1h 50m / 2h 0m',
      'arrival not verified (no destination API)',
    ])
  })

  it('never clamps the lag: a base named 2 min after now (a clock a little behind) shows -2m 0s', async () => {
    const w = world(Date.parse('2026-03-28T23:08:00Z'))
    const { lines } = await runStatus(w, ['--json'])
    const json = JSON.parse(lines.join('\n')) as {
      datasets: Array<{ destinations: Array<{ lagSeconds: number }> }>
    }
    expect(json.datasets[0]?.destinations[0]?.lagSeconds).toBe(-120)
    const text = await runStatus(world(Date.parse('2026-03-28T23:08:00Z')), [])
    const dest = text.lines.find((l) => l.startsWith('  10.0.0.5:backup/data')) ?? ''
    expect(dest).toContain('-2m 0s / 2h 0m')
  })

  it('exits 1 with a one-line WARNING when the lag exceeds --max-lag', async () => {
    const w = world(now)
    const { code, lines } = await runStatus(w, ['--max-lag', '90m'])
    expect(code).toBe(1)
    expect(lines[0]).toBe(
      'WARNING - tank/data → 10.0.0.5:backup/data: last sync 1h 50m ago (threshold 1h 30m)',
    )
    expect(await runStatus(world(now), ['--max-lag', '6600'])).toMatchObject({ code: 0 }) // exactly 1h 50m
    expect(await runStatus(world(now), ['--max-lag', '6599'])).toMatchObject({ code: 1 })
  })

  it('exits 1 for a destination that never synced', async () => {
    const w = world(now)
    await w.api.snapshotRelease('tank/data', 'frequent_backup_2026-03-28-23-10', syncTag)()
    const { code, lines } = await runStatus(w, [])
    expect(code).toBe(1)
    expect(lines[0]).toBe('WARNING - tank/data → 10.0.0.5:backup/data: never synced')
  })

  it('shows back-off after a failed sync, and a running migration with its progress', async () => {
    const w = world(now)
    await failedSync(w)
    const failed = await runStatus(w, [])
    expect(failed.out).toMatch(/backing off after 1 failure until 2026-03-29T01:10Z/)
    const started = await w.api.migrationCreate({
      source: 'tank/data@frequent_backup_2026-03-29-00-50',
      destination: 'backup/data',
      remote: '10.0.0.5',
    })()
    if (started._tag === 'Left') throw new Error('fixture')
    await w.clock.advance(11_000) // past the first 10-second pv tick
    const running = await runStatus(w, ['--json'])
    const d = JSON.parse(running.out).datasets[0].destinations[0]
    expect(d.inFlight).toHaveLength(1)
    expect(d.inFlight[0].taskId).toBe(started.right.taskId)
    expect(d.inFlight[0].status).toBe('running')
    expect(d.inFlight[0].progress.percentage).toBeGreaterThan(0)
    expect(d.backOff.failures).toBe(1)
    const text = await runStatus(w, [])
    expect(text.out).toMatch(
      new RegExp(`migration ${started.right.taskId} running: \\d+\\.\\d% at 2\\.0 MiB/s`),
    )
  })

  it('exits 2 on bad arguments or config and 3 when the API does not answer', async () => {
    expect((await runStatus(world(now), ['--max-lag', 'soon'])).code).toBe(2)
    const io = memoryIo()
    const bad = StatusCommand.make({ now: () => now })
    expect(await bad.run(['--config', writeConfig('zfs_api: {url: 42}\n')], io)).toBe(2)
    const down = StatusCommand.make({
      fetch: () => Promise.reject(new TypeError('ECONNREFUSED')),
      now: () => now,
    })
    const io2 = memoryIo()
    expect(await down.run(['--config', writeConfig(configYaml())], io2)).toBe(3)
    expect(io2.err()).toContain('did not answer')
    // A Nagios check (or the cron mail) reads stdout: it always says what failed.
    expect(io2.out()).toMatch(/^UNKNOWN - ZFS API at \S+ did not answer: /)
    const io3 = memoryIo()
    expect(await down.run(['--config', writeConfig(configYaml()), '--json'], io3)).toBe(3)
    expect(JSON.parse(io3.out())).toMatchObject({
      verdict: expect.stringMatching(/^UNKNOWN - ZFS API at/),
      exitCode: 3,
      error: expect.stringMatching(/did not answer/),
    })
    expect(io.out()).toMatch(/^CRITICAL - config rejected: \S+: /)
  })
})
