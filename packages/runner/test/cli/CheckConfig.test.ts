import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryIo } from '../../src/cli/Io.js'
import { main } from '../../src/cli/Main.js'
import { examplePath, exampleText } from '../config/fixtures.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zab-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const run = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const io = memoryIo({ cwd: dir, env: { TZ: 'UTC', ...env } })
  const code = await main(args, io)
  return { code, out: io.out(), err: io.err() }
}

const file = async (name: string, text: string): Promise<string> => {
  await writeFile(join(dir, name), text)
  return name
}

describe('check-config', () => {
  it('accepts the shipped example with a one-line summary', async () => {
    const r = await run(['check-config', examplePath])
    expect(r).toEqual({
      code: 0,
      out: `${examplePath}: OK — 1 dataset, 1 destination, remote sync enabled; arrival not verified for 1 (no destination API)\n`,
      err: '',
    })
  })

  it('counts datasets, destinations (disabled ones too) and those whose arrival is not verified', async () => {
    const name = await file(
      'two.yaml',
      `${exampleText}  - local_dataset: tank/home\n    destinations:\n      - remote_host: 192.168.1.100\n        remote_dataset: other/home\n        enabled: false\n      - remote_host: 192.168.1.100\n        remote_dataset: third/home\n`,
    )
    const r = await run(['check-config', name])
    expect(r.code).toBe(0)
    expect(r.out).toBe(
      'two.yaml: OK — 2 datasets, 3 destinations (1 disabled), remote sync enabled; arrival not verified for 2 (no destination API)\n',
    )
    expect(r.err).toBe('')
    // With the backup host's API on the other destination of that host, only one is unverified.
    const verified = await file(
      'api.yaml',
      `${exampleText}  - local_dataset: tank/home\n    destinations:\n      - remote_host: 192.168.1.100\n        remote_dataset: third/home\n        api:\n          url: http://192.168.1.100:8545\n`,
    )
    expect((await run(['check-config', verified])).out).toBe(
      'api.yaml: OK — 2 datasets, 2 destinations, remote sync enabled; arrival not verified for 1 (no destination API)\n',
    )
  })

  it('prints every error on stderr and exits 2', async () => {
    const name = await file(
      'bad.yaml',
      'server:\n  backup_interval: 30\ndatasets:\n  - local_dataset: "tank/a b"\n    destinations:\n      - enabled: true\n',
    )
    const r = await run(['check-config', name])
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err.split('\n')).toEqual([
      'bad.yaml: line 2: server.backup_interval: must be at least 60 seconds, got 30',
      'bad.yaml: line 4: datasets[0].local_dataset: "tank/a b": must not contain spaces or shell metacharacters',
      'bad.yaml: line 6: datasets[0].destinations[0].remote_host: required',
      'bad.yaml: 3 errors, config rejected',
      '',
    ])
  })

  it.each([
    ['a YAML syntax error', 'syntax.yaml', 'datasets: [tank\n', /line \d+: YAML syntax error/],
    ['an empty file', 'empty.yaml', '', /the file is empty/],
  ])('reports %s and exits 2', async (_what, name, text, pattern) => {
    const r = await run(['check-config', await file(name, text)])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(pattern)
  })

  it('reports a missing file and exits 2', async () => {
    const r = await run(['check-config', 'missing.yaml'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('no such file')
  })

  it('finds the file through $ZFS_AUTOBACKUP_CONFIG, then ./backup_config.yaml', async () => {
    expect((await run(['check-config'], { ZFS_AUTOBACKUP_CONFIG: examplePath })).code).toBe(0)
    const r = await run(['check-config'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('backup_config.yaml: cannot read')
    await writeFile(join(dir, 'backup_config.yaml'), exampleText)
    expect((await run(['check-config'])).out).toMatch(/^backup_config\.yaml: OK/)
  })

  it('is silent on success with --quiet, and still prints errors', async () => {
    expect(await run(['check-config', '-q', examplePath])).toEqual({ code: 0, out: '', err: '' })
    expect((await run(['check-config', '--quiet', await file('e.yaml', '')])).code).toBe(2)
  })

  it('resolves a relative FILE against the working directory', async () => {
    const rel = relative(dir, examplePath)
    const r = await run(['check-config', rel])
    expect(r).toMatchObject({
      code: 0,
      out: `${rel}: OK — 1 dataset, 1 destination, remote sync enabled; arrival not verified for 1 (no destination API)\n`,
    })
  })

  it.each([
    [['check-config', '--bogus', 'x.yaml'], "Unknown option '--bogus'"],
    [['check-config', 'a.yaml', 'b.yaml'], 'at most one FILE'],
  ])('exits 2 on usage errors: %j', async (args, fragment) => {
    const r = await run(args)
    expect(r.code).toBe(2)
    expect(r.err).toContain(fragment)
    expect(r.err).toContain('Usage: zfs-autobackup check-config')
  })
})
