import { describe, expect, it } from 'vitest'
import { HOUR, MIN, startHourlyToNas } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)

describe('GET /health and GET /metrics of the running daemon', () => {
  it('report cycles, snapshots, syncs, lag, actions and RPC counts; /health turns 503 after a long outage', async () => {
    const w = await startHourlyToNas(START)
    expect(w.statusUrl()).toBe(`http://127.0.0.1:${w.port}`)
    await w.run(2 * HOUR + 5 * MIN)

    const health = await fetch(`${w.statusUrl()}/health`)
    expect(health.status).toBe(200)
    const body = await health.json()
    expect(body).toEqual({
      status: 'ok',
      lastCycleAt: expect.any(String),
      apiReachable: true,
      problems: [],
      troubles: [],
    })
    // The daemon sleeps until work is due (at most server.max_sleep, 10 min): the last cycle is recent.
    const sinceLast = w.clock.now() - Date.parse(body.lastCycleAt)
    expect(sinceLast).toBeGreaterThanOrEqual(0)
    expect(sinceLast).toBeLessThanOrEqual(10 * MIN)

    const metrics = await (await fetch(`${w.statusUrl()}/metrics`)).text()
    const value = (line: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.slice(line.length + 1),
      )
    expect(value('zfs_autobackup_last_snapshot_timestamp_seconds{dataset="tank/a"}')).toBe(
      (START + 2 * HOUR) / 1000,
    )
    const target = '{dataset="tank/a",remote_host="nas",remote_dataset="backup/a"}'
    const lastSync = value(`zfs_autobackup_last_sync_timestamp_seconds${target}`)
    // the time in the name of the snapshot last sent (the destination's base), not when its hold was placed
    expect(lastSync).toBe(Date.UTC(2026, 5, 1, 10, 0) / 1000)
    expect(value(`zfs_autobackup_sync_lag_seconds${target}`)).toBe(w.clock.now() / 1000 - lastSync)
    expect(value('zfs_autobackup_actions_total{kind="create",outcome="ok"}')).toBe(13)
    expect(value('zfs_autobackup_actions_total{kind="sync",outcome="ok"}')).toBe(3)
    expect(value('zfs_autobackup_actions_total{kind="destroy",outcome="ok"}')).toBeGreaterThan(0)
    // A cycle when work is due (13 snapshots, 3 syncs) and every minute while a migration runs, instead
    // of one a minute (126 before the daemon slept until work is due).
    const cycles = value('zfs_autobackup_cycles_total')
    expect(cycles).toBeGreaterThanOrEqual(13)
    expect(cycles).toBeLessThan(126 / 2)
    // One batch of two (pending, running) per cycle, plus the whole history once at start-up.
    expect(value('zfs_autobackup_rpc_calls_total{method="migration_list"}')).toBe(2 * cycles)
    // At least the listing and the migration listing per cycle, plus creates, destroys and syncs.
    expect(value('zfs_autobackup_http_requests_total')).toBeGreaterThan(2 * cycles + 13)
    expect(metrics).toContain('# TYPE zfs_autobackup_errors_total counter')

    w.sim.faults.random({ method: '*', probability: 1, faults: [{ kind: 'drop' }] })
    // The daemon sleeps until 10:10 (the next snapshot): only then does it find the API gone.
    await w.run(4 * MIN)
    const asleep = await fetch(`${w.statusUrl()}/health`)
    expect([asleep.status, (await asleep.json()).apiReachable]).toEqual([200, true])
    await w.run(3 * MIN)
    const blip = await fetch(`${w.statusUrl()}/health`)
    expect([blip.status, (await blip.json()).apiReachable]).toEqual([200, false])
    await w.run(5 * MIN)
    const down = await fetch(`${w.statusUrl()}/health`)
    expect(down.status).toBe(503)
    expect((await down.json()).problems[0]).toMatch(/^ZFS API unreachable since /)
    expect(await (await fetch(`${w.statusUrl()}/metrics`)).text()).toContain('zfs_autobackup_api_up 0')
    expect(await w.stop()).toBe(0)
    await expect(fetch(`${w.statusUrl()}/health`)).rejects.toThrow() // closed on shutdown
  }, 30_000)
})
