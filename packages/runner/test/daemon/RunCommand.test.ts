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

  it('an invalid config is rejected with every error and exit 1, never a demo', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zab-run-'))
    writeFileSync(join(cwd, 'backup_config.yaml'), 'server:\n  backup_interval: 5\n  bogus: 1\n')
    const io = memoryIo({ cwd })
    expect(await make(fakeSignals().signals).run([], io)).toBe(1)
    expect(io.err()).toContain('server.backup_interval')
    expect(io.err()).toContain('server.bogus')
    expect(io.err()).toContain('config rejected; nothing started')
    expect(io.out()).not.toContain('DEMO')
  })

  it('$ZFS_AUTOBACKUP_CONFIG naming a missing file is an error; two files are a usage error', async () => {
    const io = memoryIo({ cwd: '/', env: { ZFS_AUTOBACKUP_CONFIG: '/nonexistent.yaml' } })
    expect(await make(fakeSignals().signals).run([], io)).toBe(1)
    expect(io.err()).toContain('no such file')
    const usage = memoryIo({ cwd: '/' })
    expect(await make(fakeSignals().signals).run(['a.yaml', 'b.yaml'], usage)).toBe(2)
  })
})
