import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/Io.js'
import { make, type SignalHandlers } from '../../src/daemon/RunCommand.js'

/** Signals the test fires by hand. */
const fakeSignals = () => {
  let handlers: SignalHandlers | undefined
  let forced: number | undefined
  return {
    signals: {
      install: (h: SignalHandlers) => {
        handlers = h
        return () => {
          handlers = undefined
        }
      },
      forceExit: (code: number) => {
        forced = code
      },
    },
    fire: (sig: string) => handlers?.terminate(sig),
    installed: () => handlers !== undefined,
    forced: () => forced,
  }
}

const until = async (f: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('run command', () => {
  it('with no config anywhere it runs the demo, says why, and stops on SIGTERM with 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zab-run-'))
    const s = fakeSignals()
    const io = memoryIo({ cwd })
    const exit = make(s.signals).run([], io)
    await until(() => io.out().includes('created @'))
    s.fire('SIGTERM')
    expect(await exit).toBe(0)
    expect(io.out()).toContain('DEMO on a SIMULATED ZFS API')
    expect(io.out()).toContain('Why: no config file (looked for backup_config.yaml)')
    expect(io.err()).toContain('received SIGTERM')
    expect(s.installed()).toBe(false) // handlers removed on exit
  }, 30_000)

  it('a second signal forces the exit', async () => {
    const s = fakeSignals()
    const io = memoryIo({ cwd: mkdtempSync(join(tmpdir(), 'zab-run-')) })
    const exit = make(s.signals).run(['--demo'], io)
    await until(() => io.out().includes('daemon started'))
    s.fire('SIGINT')
    s.fire('SIGINT')
    expect(s.forced()).toBe(1)
    await exit
  }, 30_000)

  it('a second daemon against the same API refuses to start, saying who runs; the first goes on', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zab-run-'))
    writeFileSync(
      join(cwd, 'backup_config.yaml'),
      'server:\n  timezone: UTC\n  metrics: { enabled: false }\nzfs_api:\n  url: "http://127.0.0.1:9"\n  timeout: 1\ndatasets:\n  - local_dataset: tank/a\n',
    )
    const env = { ZFS_AUTOBACKUP_LOCK_DIR: cwd }
    const s = fakeSignals()
    const io = memoryIo({ cwd, env })
    // Both run in this process: each gets its own pid, and pid 111 counts as a running daemon.
    const isRunning = async (pid: number) => pid === 111
    const first = make(s.signals, { pid: 111, isRunning }).run([], io)
    await until(() => io.out().includes('daemon started'))
    const io2 = memoryIo({ cwd, env })
    expect(await make(fakeSignals().signals, { pid: 222, isRunning }).run([], io2)).toBe(1)
    expect(io2.err()).toMatch(
      /another zfs-autobackup \(pid 111\) is already running against the ZFS API at http:\/\/127.0.0.1:9 \(lock /,
    )
    s.fire('SIGTERM')
    expect(await first).toBe(0)
  }, 30_000)

  it('an invalid config is rejected with every error and exit 2 (as from every command), never a demo', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zab-run-'))
    writeFileSync(join(cwd, 'backup_config.yaml'), 'server:\n  backup_interval: 5\n  bogus: 1\n')
    const io = memoryIo({ cwd })
    expect(await make(fakeSignals().signals).run([], io)).toBe(2)
    expect(io.err()).toContain('server.backup_interval')
    expect(io.err()).toContain('server.bogus')
    expect(io.err()).toContain('config rejected; nothing started')
    expect(io.out()).not.toContain('DEMO')
  })

  it('$ZFS_AUTOBACKUP_CONFIG naming a missing file is an error; two files are a usage error', async () => {
    const io = memoryIo({ cwd: '/', env: { ZFS_AUTOBACKUP_CONFIG: '/nonexistent.yaml' } })
    expect(await make(fakeSignals().signals).run([], io)).toBe(2)
    expect(io.err()).toContain('no such file')
    const usage = memoryIo({ cwd: '/' })
    expect(await make(fakeSignals().signals).run(['a.yaml', 'b.yaml'], usage)).toBe(2)
  })
})
