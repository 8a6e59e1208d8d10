/**
 * Runs the BUILT cli under plain node (as a user would; `npm test` builds first), which also catches
 * ESM import mistakes that vitest would hide (e.g. `fp-ts/Either` without `/lib/…js`).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const cli = fileURLToPath(new URL('../../dist/testing/cli.js', import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

const run = (args: ReadonlyArray<string>) => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`)
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (err += b.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.on('exit', () => reject(new Error(`cli exited: ${err}`)))
  })
  url.catch(() => undefined) // only the tests that expect a URL await it
  return { child, url, exited, stderr: () => err }
}

describe('simulator CLI', () => {
  it('serves the datasets given, answers JSON-RPC, and stops on SIGTERM', async () => {
    const { child, url, exited } = run([
      '--port',
      '0',
      '--datasets',
      'tank/a,tank/b',
      '--zone',
      'Europe/Vienna',
    ])
    const base = await url
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const res = await fetch(base, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', method: 'dataset_list', id: 1 }),
    })
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      result: { datasets: ['tank', 'tank/a', 'tank/b'] },
      id: 1,
    })
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('rejects a bad flag value with a message naming the flag', async () => {
    const { exited, stderr } = run(['--port', 'abc'])
    expect(await exited).toBe(2)
    expect(stderr()).toContain('--port must be a non-negative integer')
  })

  it('rejects an unknown time zone', async () => {
    const { exited, stderr } = run(['--port', '0', '--zone', 'Mars/Olympus'])
    expect(await exited).toBe(2)
    expect(stderr()).toContain('invalid IANA time zone: Mars/Olympus')
  })
})
