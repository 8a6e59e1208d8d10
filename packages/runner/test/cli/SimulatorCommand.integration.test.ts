/**
 * `zfs-autobackup simulator` under plain node (the BUILT binary; `npm test` builds first): the simulator is
 * reachable wherever the runner's binary is, as docs/simulator.md says.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

const start = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, [bin, 'simulator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (b: Buffer) => (err += b.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.on('exit', () => reject(new Error(`exited before listening: ${err}`)))
  })
  url.catch(() => undefined)
  return { child, url, exited, stderr: () => err }
}

describe('zfs-autobackup simulator', () => {
  it('serves the given datasets over JSON-RPC and exits 0 on SIGTERM', async () => {
    const { child, url, exited } = start(['--port', '0', '--datasets', 'tank/x'])
    const res = await fetch(await url, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', method: 'dataset_list', id: 1 }),
    })
    expect(await res.json()).toEqual({ jsonrpc: '2.0', result: { datasets: ['tank', 'tank/x'] }, id: 1 })
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('names a bad flag and exits 2', async () => {
    const { exited, stderr } = start(['--seed', 'x'])
    expect(await exited).toBe(2)
    expect(stderr()).toContain('zfs-autobackup simulator: --seed must be a non-negative integer')
  })
})
