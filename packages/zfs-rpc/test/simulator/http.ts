/**
 * The simulator tests' harness: raw JSON-RPC, no client library in between — over HTTP on 127.0.0.1
 * (`start`) or through a simulator's in-process `fetch` (`callIn`), and a source/backup pair whose
 * migrations take a second (`fastPair`).
 */
import { afterEach } from 'vitest'
import { VirtualClock } from '../../src/Clock.js'
import {
  type HostApi,
  makeSimulator,
  makeSimulatorPair,
  type RunningServer,
  type Simulator,
  type SimulatorOptions,
  type SimulatorPairOptions,
} from '../../src/testing/index.js'

// biome-ignore lint/suspicious/noExplicitAny: assertions read JSON replies loosely; toEqual checks them
export type Json = any

export interface Served {
  readonly url: string
  /** POSTs one JSON-RPC call (with `headers`, e.g. a bearer token), returns the parsed body. */
  readonly rpc: (
    method: string,
    params?: unknown,
    id?: number,
    headers?: Record<string, string>,
  ) => Promise<Json>
  /** POSTs a raw body; returns status, content type and text. */
  readonly post: (
    body: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; type: string; text: string }>
}

export interface Running extends Served {
  readonly sim: Simulator
}

const open: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()))
})

/** Serves `api` (a simulator, or one host's API of it) on 127.0.0.1:0 and closes it after the test. */
export const serve = async (api: { readonly listen: () => Promise<RunningServer> }): Promise<Served> => {
  const server = await api.listen()
  open.push(server.close)
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', ...headers },
    })
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
  }
  const rpc = async (method: string, params?: unknown, id = 1, headers: Record<string, string> = {}) => {
    const r = await post(
      JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }), id }),
      headers,
    )
    return JSON.parse(r.text) as Json
  }
  return { url: server.url, rpc, post }
}

/** Starts a simulator on 127.0.0.1:0 and closes it after the test. */
export const start = async (options: SimulatorOptions = {}): Promise<Running> => {
  const sim = makeSimulator(options)
  return { sim, ...(await serve(sim)) }
}

export const call = (method: string, params: unknown, id: number | string | undefined) => ({
  jsonrpc: '2.0',
  method,
  params,
  ...(id === undefined ? {} : { id }),
})

/** One JSON-RPC call through a simulator's in-process `fetch` (no socket): its `result`, or its `error`. */
export const callIn = async (
  api: { readonly fetch: HostApi['fetch'] },
  method: string,
  params: unknown,
): Promise<Json> => {
  const res = await api.fetch('http://127.0.0.1:8545/', {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
  })
  const body = (await res.json()) as Json
  return body.result ?? body.error
}

/** 2026-01-01T00:00Z, where `fastPair`'s clock starts. */
export const T0 = Date.UTC(2026, 0, 1, 0, 0, 0)

/** A source and its backup host `nas` on one virtual clock from `T0`, whose migrations finish within a second. */
export const fastPair = (options: Omit<SimulatorPairOptions, 'clock' | 'migration'> = {}) => {
  const clock = new VirtualClock(T0)
  const p = makeSimulatorPair({
    clock,
    migration: { bytesPerSnapshot: 1, bytesPerSecond: 1_000_000, overheadMs: 0 },
    ...options,
  })
  /** One push of tank/data to nas (`destination`, default backup/data; `recursive` as given): the finished task. */
  const push = async (
    o: { readonly destination?: string; readonly recursive?: boolean } = {},
  ): Promise<Json> => {
    const { task_id } = await callIn(p.source, 'migration_create', {
      source: 'tank/data',
      destination: o.destination ?? 'backup/data',
      remote: 'nas',
      ...(o.recursive === undefined ? {} : { recursive: o.recursive }),
    })
    await clock.advance(1_000)
    return callIn(p.source, 'migration_get', { task_id })
  }
  return { ...p, clock, push }
}
