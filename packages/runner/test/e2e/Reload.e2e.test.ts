import { describe, expect, it } from 'vitest'
import { config, MIN, startWorld } from './World.js'

const START = Date.UTC(2026, 5, 1, 8, 0)

describe('config hot reload against the simulator', () => {
  it('a config edit adds a dataset without restart; a broken edit keeps the old config and says why, once', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/a' }], sync: false }),
      start: START,
      simulator: { datasets: ['tank/a', 'tank/b'] },
    })
    await w.run(5 * MIN)
    expect(w.sim.inspect.snapshots('tank/b')).toEqual([])

    w.writeConfig(config({ datasets: [{ name: 'tank/a' }, { name: 'tank/b' }], sync: false }))
    await w.run(2 * MIN)
    expect(w.grep('config reloaded: added tank/b')).toHaveLength(1)
    expect(w.sim.inspect.snapshots('tank/b')).toHaveLength(1)

    w.writeConfig('server:\n  backup_interval: 600\n  retention: { frequent: oops }\ndatasets: [')
    await w.run(10 * MIN)
    const rejected = w.grep('config not reloaded, keeping the running one')
    expect(rejected).toHaveLength(1) // logged when it starts being broken, not every minute
    expect(rejected[0]).toContain('backup_config.yaml')
    // both datasets still served by the old config
    expect(w.sim.inspect.snapshots('tank/a').length).toBeGreaterThanOrEqual(2)
    expect(w.sim.inspect.snapshots('tank/b')).toHaveLength(2)
    expect(
      w
        .daemon()
        .settings()
        .datasets.map((d) => d.dataset),
    ).toEqual(['tank/a', 'tank/b'])
    expect(await w.stop()).toBe(0)
  }, 30_000)

  it('a server setting edit is "needs restart" until SIGHUP applies it', async () => {
    const w = await startWorld({
      yaml: config({ datasets: [{ name: 'tank/a' }], sync: false }),
      start: START,
      simulator: { datasets: ['tank/a'] },
    })
    w.writeConfig(config({ datasets: [{ name: 'tank/a' }], sync: false, retention: '{ frequent: 2 }' }))
    await w.run(5 * MIN)
    expect(w.grep(/server settings changed \(server.retention\): needs restart/)).toHaveLength(1)
    expect(w.daemon().settings().policy.retention.frequent).toBe(4)
    w.hangup()
    await w.run(MIN)
    expect(w.daemon().settings().policy.retention.frequent).toBe(2)
    expect(w.grep('server settings applied: server.retention')).toHaveLength(1)
    await w.run(30 * MIN)
    expect(w.sim.inspect.snapshots('tank/a')).toHaveLength(2)
    expect(await w.stop()).toBe(0)
  }, 30_000)

  it('SIGHUP with a changed API setting rebuilds client and daemon in-process, and keeps going', async () => {
    const yaml = config({ datasets: [{ name: 'tank/a' }], sync: false })
    const w = await startWorld({ yaml, start: START, simulator: { datasets: ['tank/a'] } })
    const first = w.daemon()
    w.writeConfig(yaml.replace('timeout: 30', 'timeout: 45'))
    w.hangup()
    await w.run(MIN)
    expect(w.grep('restarting the daemon in-process')).toHaveLength(1)
    expect(w.grep('ZFS API at http://simulated-zfs-api:8545 (timeout 45 s)')).toHaveLength(1)
    expect(w.daemon()).not.toBe(first)
    await w.run(20 * MIN)
    expect(w.sim.inspect.snapshots('tank/a')).toHaveLength(3)
    expect(await w.stop()).toBe(0)
  }, 30_000)

  it('the in-process restart keeps the migration it follows, with its start base, and the back-off', async () => {
    const yaml = config({ datasets: [{ name: 'tank/a', dest: 'nas' }] })
    const w = await startWorld({
      yaml,
      start: START,
      simulator: { datasets: ['tank/a'], remotes: ['nas'], migration: { bytesPerSnapshot: 1024 ** 3 } },
    })
    await w.run(2 * MIN)
    const before = w.daemon().internals.monitor.inFlight('tank/a')
    expect(before).toHaveLength(1)
    expect(before[0]).toHaveProperty('baseAtStart')
    const target = { dataset: 'tank/a', remoteHost: 'nas', remoteDataset: 'backup/other' }
    w.daemon().internals.failures.recordFailure(target, w.clock.now())
    w.writeConfig(yaml.replace('timeout: 30', 'timeout: 45'))
    w.hangup()
    await w.run(MIN)
    expect(w.grep('restarting the daemon in-process')).toHaveLength(1)
    expect(w.daemon().internals.monitor.inFlight('tank/a')).toEqual(before)
    expect(w.daemon().internals.failures.get(target)?.consecutive).toBe(1)
    expect(w.grep(/adopted: already in flight/)).toHaveLength(0)
    expect(await w.stop()).toBe(0)
  }, 30_000)
})
