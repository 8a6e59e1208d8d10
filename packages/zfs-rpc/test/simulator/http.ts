/** Raw HTTP helpers for simulator tests: plain `fetch` to 127.0.0.1, no client library in between. */
import { afterEach } from 'vitest'
import { makeSimulator, type Simulator, type SimulatorOptions } from '../../src/testing/index.js'

export interface Running {
  readonly sim: Simulator
  readonly url: string
  /** POSTs one JSON-RPC call, returns the parsed body. */
  readonly rpc: (method: string, params?: unknown, id?: number) => Promise<Record<string, unknown>>
  /** POSTs a raw body; returns status, content type and text. */
  readonly post: (
    body: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; type: string; text: string }>
}

const open: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()))
})

/** Starts a simulator on 127.0.0.1:0 and closes it after the test. */
export const start = async (options: SimulatorOptions = {}): Promise<Running> => {
  const sim = makeSimulator(options)
  const server = await sim.listen()
  open.push(server.close)
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', ...headers },
    })
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
  }
  const rpc = async (method: string, params?: unknown, id = 1) => {
    const r = await post(
      JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id }),
    )
    return JSON.parse(r.text) as Record<string, unknown>
  }
  return { sim, url: server.url, rpc, post }
}

export const call = (method: string, params: unknown, id: number | string | undefined) => ({
  jsonrpc: '2.0',
  method,
  params,
  ...(id === undefined ? {} : { id }),
})
