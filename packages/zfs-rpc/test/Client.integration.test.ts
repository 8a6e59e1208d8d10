/**
 * The client with its default fetch (cross-fetch) against a small node:http server on 127.0.0.1: real
 * sockets, real abort on timeout, and the system error code of a refused connection.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeClient } from '../src/Client.js'
import { provablyNotExecuted } from '../src/RpcError.js'

type Handler = (body: unknown, req: IncomingMessage, res: ServerResponse) => void
let handler: Handler = () => undefined
let server: Server
let url = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = ''
    req.on('data', (d) => {
      text += d
    })
    req.on('end', () => handler(text === '' ? undefined : JSON.parse(text), req, res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

describe('over real HTTP with cross-fetch', () => {
  it('round-trips a batch and a GET', async () => {
    handler = (body, req, res) => {
      if (req.method === 'GET') return json(res, { status: 'healthy', pools: 1, timestamp: 't' })
      const calls = body as ReadonlyArray<{ id: number; params: { snapshot: string } }>
      json(
        res,
        calls
          .map((c) => ({ jsonrpc: '2.0', id: c.id, result: { holds: [`h_${c.params.snapshot}`] } }))
          .reverse(),
      )
    }
    const api = makeClient({ url })
    expect(await api.holdsList('tank/a', ['s1', 's2', 's3'])()).toEqual(
      E.right(
        new Map([
          ['s1', ['h_s1']],
          ['s2', ['h_s2']],
          ['s3', ['h_s3']],
        ]),
      ),
    )
    expect(await api.health()()).toEqual(E.right({ status: 'healthy', pools: 1, timestamp: 't' }))
    expect(api.stats().httpRequests).toBe(2)
  })

  it('aborts a request the server never answers, after timeoutMs', async () => {
    handler = () => undefined
    const api = makeClient({ url, timeoutMs: 200, retry: { maxAttempts: 1 } })
    expect(await api.poolList()()).toEqual(
      E.left({ _tag: 'Transport', method: 'pool_list', message: 'no reply within 200 ms', timedOut: true }),
    )
  })

  it('a refused connection carries ECONNREFUSED, proving nothing ran', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const api = makeClient({ url: `http://127.0.0.1:${port}`, retry: { maxAttempts: 1 } })
    const r = await api.migrationCreate({ source: 'tank/a@s', destination: 'tank/a', remote: 'b' })()
    expect(r).toMatchObject(E.left({ _tag: 'Transport', code: 'ECONNREFUSED', timedOut: false }))
    expect(E.isLeft(r) && provablyNotExecuted(r.left)).toBe(true)
  })

  it('credentials in the URL never reach an error message', async () => {
    const api = makeClient({ url: 'http://admin:hunter2@127.0.0.1:1', retry: { maxAttempts: 1 } })
    const r = await api.poolList()()
    expect(E.isLeft(r)).toBe(true)
    expect(JSON.stringify(r)).not.toContain('hunter2')
  })
})
