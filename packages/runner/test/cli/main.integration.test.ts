/**
 * Smoke test of the BUILT binary under plain node: catches what vitest cannot, such as an
 * `import 'fp-ts/Either'` that resolves in the bundler but crashes Node ESM (ERR_UNSUPPORTED_DIR_IMPORT),
 * a missing shebang, or a main.ts that does not set the exit code.
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const bin = 'packages/runner/dist/main.js'

const node = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...process.env, TZ: 'UTC' } },
      (e, out, err) => resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, out, err }),
    )
  })

beforeAll(() => {
  // `npm test` builds first; when run alone, build once (tsc still emits if another package has type errors).
  if (!existsSync(`${root}${bin}`)) {
    try {
      execFileSync('npx', ['tsc', '-b', 'packages/runner'], { cwd: root, stdio: 'ignore' })
    } catch {
      // reported by the assertions below if nothing was emitted
    }
  }
}, 120_000)

describe('the built zfs-autobackup binary', () => {
  it('validates the shipped example: exit 0 and the summary', async () => {
    const r = await node(['check-config', 'backup_config.yaml.example'])
    expect(r.err).toBe('')
    expect(r).toMatchObject({
      code: 0,
      out: 'backup_config.yaml.example: OK — 1 dataset, 1 destination, remote sync enabled; arrival not verified for 1 (no destination API)\n',
    })
  })

  it('rejects a broken config with exit 2 (as every command does), and a usage error with exit 2', async () => {
    const bad = await node(['check-config', 'package.json'])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('config rejected')
    const usage = await node(['frobnicate'])
    expect(usage.code).toBe(2)
  })

  it('prints help', async () => {
    const r = await node(['--help'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('check-config')
  })
})
