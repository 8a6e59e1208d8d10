/**
 * The built binary against the simulator over real HTTP on 127.0.0.1, stopped by real signals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeSimulator, type RunningServer } from '@zfs-autobackup/zfs-rpc/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, start } from './Binary.js'

let server: RunningServer | undefined
beforeAll(build, 120_000)
afterAll(async () => server?.close())

const yaml = (url: string) => `server:
  backup_interval: 600
  timezone: "UTC"
  retention: { frequent: 2 }
  remote_sync: { enabled: false }
  metrics: { enabled: false }
zfs_api:
  url: "${url}"
  timeout: 30
datasets:
  - local_dataset: "tank/a"
`

describe('the daemon binary and signals', () => {
  it('SIGTERM during a phase: its round trip finishes, no later phase starts, exit 0', async () => {
    const sim = makeSimulator({ datasets: ['tank/a'] })
    const day = new Date().toISOString().slice(0, 10)
    // six frequent of ours from yesterday: the first cycle creates a daily and has 6 − 2 = 4 destroys to do
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    sim.seed.snapshots(
      'tank/a',
      [0, 1, 2, 3, 4, 5].map((i) => `frequent_backup_${yesterday}-10-${i}0`),
    )
    sim.faults.script('snapshot_create', [{ kind: 'delay', ms: 1500 }])
    server = await sim.listen()
    const dir = mkdtempSync(join(tmpdir(), 'zab-sig-'))
    writeFileSync(join(dir, 'backup_config.yaml'), yaml(server.url))

    const daemon = start(['run', '--config', join(dir, 'backup_config.yaml')])
    // The create phase's round trip has reached the API (held there 1.5 s by the simulator).
    while ((sim.inspect.counts().byMethod['snapshot_create'] ?? 0) === 0)
      await new Promise((r) => setTimeout(r, 20))
    daemon.child.kill('SIGTERM')
    expect(await daemon.exit).toBe(0)

    expect(daemon.err()).toContain('received SIGTERM: finishing the current API call, then stopping')
    expect(daemon.out()).toMatch(/created @\S+/)
    expect(daemon.out()).toMatch(/shutdown requested; 4 action\(s\) left for the next start to re-plan/)
    expect(daemon.out()).toContain('daemon stopped')
    expect(sim.inspect.counts().byMethod['snapshot_destroy'] ?? 0).toBe(0)
    const left = sim.inspect.snapshots('tank/a')
    expect(left).toHaveLength(7) // 6 + 1 created: nothing half-done, nothing more
    expect(left.at(-1)).toMatch(new RegExp(`^(frequent|hourly|daily)_backup_${day}`))
    expect(sim.inspect.violations()).toEqual([])
  }, 30_000)

  it('an unreachable API with a real config: logs the outage, keeps running (no demo), SIGINT exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zab-sig-'))
    writeFileSync(join(dir, 'backup_config.yaml'), yaml('http://127.0.0.1:9'))
    const daemon = start(['run', join(dir, 'backup_config.yaml')])
    await daemon.waitFor('ZFS API unreachable')
    daemon.child.kill('SIGINT')
    expect(await daemon.exit).toBe(0)
    expect(daemon.out()).not.toContain('DEMO')
    expect(daemon.out().match(/ZFS API unreachable/g)).toHaveLength(1)
  }, 60_000)

  it('`run --help` exits 0 (the image entry command)', async () => {
    const r = start(['run', '--help'])
    expect(await r.exit).toBe(0)
    expect(r.out()).toContain('Usage: zfs-autobackup run')
  })

  it('a named config that does not exist is an error, not a demo', async () => {
    const r = start(['run', '--config', '/nonexistent/backup_config.yaml'])
    expect(await r.exit).toBe(2)
    expect(r.out()).not.toContain('DEMO')
    expect(r.err()).toContain('no such file')
  })
})
