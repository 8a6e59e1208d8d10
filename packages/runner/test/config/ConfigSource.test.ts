import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config, PasswordSource } from '../../src/config/Config.js'
import * as CE from '../../src/config/ConfigError.js'
import { credentialsOf, hostZone, loadConfig, pageTokenOf, zoneFrom } from '../../src/config/ConfigSource.js'
import * as DemoConfig from '../../src/demo/DemoConfig.js'
import { configOf, examplePath } from './fixtures.js'

const ds = 'datasets:\n  - local_dataset: tank/data\n'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zab-config-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const messages = (r: E.Either<CE.ConfigErrors, unknown>): ReadonlyArray<string> =>
  E.isLeft(r) ? r.left.map(CE.format) : ['(valid)']

describe('loadConfig', () => {
  it('loads the shipped example with the given default zone', async () => {
    const r = await loadConfig(examplePath, { defaultZone: 'Asia/Tokyo' })
    expect(E.isRight(r) && r.right.timezone).toBe('Asia/Tokyo')
  })

  it("defaults the zone to the host's", async () => {
    const r = await loadConfig(examplePath)
    expect(E.isRight(r) && r.right.timezone).toBe(hostZone())
  })

  it.each([
    ['a missing file', 'nope.yaml', undefined, 'no such file'],
    ['a directory', '.', undefined, 'not a regular file'],
    ['an empty file', 'empty.yaml', '', 'empty'],
    ['a file too big to be a config', 'big.yaml', `# ${'x'.repeat(1024 * 1024)}\n`, 'at most'],
  ])('returns a Left for %s, never rejects', async (_what, name, content, fragment) => {
    if (content !== undefined) await writeFile(join(dir, name), content)
    const r = await loadConfig(join(dir, name))
    expect(messages(r).join('\n')).toContain(fragment)
  })
})

/** A decoded config whose `zfs_api.auth` takes the password from `source`. */
const withAuth = (source: PasswordSource): Config => ({
  ...configOf(ds),
  zfsApi: { ...configOf(ds).zfsApi, auth: { username: 'backup', password: source } },
})
const password = (source: PasswordSource, env: Record<string, string> = {}) => {
  const creds = credentialsOf(withAuth(source), env)
  if (creds === undefined || typeof creds.password === 'string') throw new Error('expected a getter')
  return creds.password()
}

describe('credentialsOf: the one credentials path', () => {
  it('none without zfs_api.auth', () => {
    expect(credentialsOf(configOf(ds), {})).toBeUndefined()
  })

  it('reads the file at each login, without the white space around it', async () => {
    const path = join(dir, 'pw')
    await writeFile(path, 'first\n')
    expect(await password({ _tag: 'File', path })).toEqual(E.right('first'))
    await writeFile(path, ' rotated \r\n')
    expect(await password({ _tag: 'File', path })).toEqual(E.right('rotated'))
  })

  it('reads the environment variable', async () => {
    expect(credentialsOf(withAuth({ _tag: 'Env', name: 'PW' }), {})?.username).toBe('backup')
    expect(await password({ _tag: 'Env', name: 'PW' }, { PW: 's3' })).toEqual(E.right('s3'))
  })

  it.each([
    [{ _tag: 'Env', name: 'ZFS_API_PASSWORD' } as const, 'environment variable ZFS_API_PASSWORD is not set'],
    [{ _tag: 'File', path: '/nonexistent/pw' } as const, '/nonexistent/pw: no such file'],
  ])('a missing source is a Left naming it, never an empty password: %j', async (source, fragment) => {
    expect(await password(source)).toEqual(E.left(expect.stringContaining(fragment)))
  })

  it('an empty variable or password file is a Left too', async () => {
    expect(await password({ _tag: 'Env', name: 'PW' }, { PW: '' })).toEqual(
      E.left(expect.stringContaining('PW is not set')),
    )
    const path = join(dir, 'empty-pw')
    await writeFile(path, '\n')
    expect(await password({ _tag: 'File', path })).toEqual(E.left(expect.stringContaining('is empty')))
  })
})

describe('pageTokenOf', () => {
  const withToken = (token: Config['metrics']['token']): Config => {
    const c = DemoConfig.config()
    return { ...c, metrics: { ...c.metrics, ...(token === undefined ? {} : { token }) } }
  }

  it('none configured: undefined', async () => {
    expect(await pageTokenOf(withToken(undefined), {})).toEqual(E.right(undefined))
  })

  it('from a file (trimmed) or a variable', async () => {
    const file = join(dir, 'page-token')
    await writeFile(file, '  abc123\n')
    expect(await pageTokenOf(withToken({ _tag: 'File', path: file }), {})).toEqual(E.right('abc123'))
    expect(await pageTokenOf(withToken({ _tag: 'Env', name: 'T' }), { T: 'xyz' })).toEqual(E.right('xyz'))
  })

  it('missing, empty or unset: an error naming the key, never an open page', async () => {
    const missing = await pageTokenOf(withToken({ _tag: 'File', path: join(dir, 'nope') }), {})
    expect(E.isLeft(missing) && missing.left).toMatch(/^cannot read server.metrics.token_file .*nope/)
    const empty = join(dir, 'empty-token')
    await writeFile(empty, '\n')
    expect(await pageTokenOf(withToken({ _tag: 'File', path: empty }), {})).toEqual(
      E.left(`server.metrics.token_file ${empty} is empty`),
    )
    expect(await pageTokenOf(withToken({ _tag: 'Env', name: 'T' }), {})).toEqual(
      E.left('server.metrics.token_env: $T is empty or unset'),
    )
  })
})

describe('zoneFrom', () => {
  it('takes TZ as the default zone, an empty TZ (compose passing an unset variable) as none', () => {
    expect(zoneFrom({ TZ: 'Europe/Vienna' })).toEqual({ defaultZone: 'Europe/Vienna' })
    expect(zoneFrom({ TZ: '' })).toEqual({})
    expect(zoneFrom({})).toEqual({})
  })
})
