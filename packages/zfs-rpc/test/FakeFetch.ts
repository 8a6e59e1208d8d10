/**
 * An in-memory `fetch` for client tests: records every request and answers through a responder, which
 * may also hang (until the client's abort signal fires) or fail like a refused connection.
 */

import type { VirtualClock } from '../src/Clock.js'
import type { FetchInit, FetchLike } from '../src/HttpTransport.js'

export interface Seen {
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON body (a request object or a batch array), undefined for GET. */
  readonly body: unknown
  /** Clock time when it was sent. */
  readonly at: number
}

export type Answer =
  | { readonly _tag: 'Reply'; readonly status: number; readonly text: string }
  | { readonly _tag: 'Hang' }
  | { readonly _tag: 'Fail'; readonly message: string; readonly code?: string }

export const reply = (body: unknown, status = 200): Answer => ({
  _tag: 'Reply',
  status,
  text: typeof body === 'string' ? body : JSON.stringify(body),
})
export const hang: Answer = { _tag: 'Hang' }
export const refused: Answer = {
  _tag: 'Fail',
  message: 'request to http://10.0.0.9:8545/ failed, reason: connect ECONNREFUSED',
  code: 'ECONNREFUSED',
}
export const reset: Answer = { _tag: 'Fail', message: 'socket hang up', code: 'ECONNRESET' }

export interface Fake {
  readonly fetch: FetchLike
  readonly seen: Seen[]
}

export const fakeFetch = (respond: (req: Seen, n: number) => Answer, clock?: VirtualClock): Fake => {
  const seen: Seen[] = []
  const fetch: FetchLike = (url: string, init: FetchInit) => {
    const req: Seen = {
      url,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      at: clock?.now() ?? 0,
    }
    seen.push(req)
    const answer = respond(req, seen.length)
    if (answer._tag === 'Reply') {
      const text = answer.text
      return Promise.resolve({ status: answer.status, text: () => Promise.resolve(text) })
    }
    if (answer._tag === 'Fail')
      return Promise.reject(Object.assign(new Error(answer.message), { code: answer.code }))
    return new Promise((_, reject) => {
      init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true })
    })
  }
  return { fetch, seen }
}

// -------------------------------------------------------------------------------------
// a tiny JSON-RPC server
// -------------------------------------------------------------------------------------

interface Req {
  readonly id?: unknown
  readonly method: string
  readonly params?: Record<string, unknown>
}

export type Outcome = { readonly result: unknown } | { readonly error: { code: number; message: string } }
export const ok = (result: unknown): Outcome => ({ result })
export const fail = (code: number, message: string): Outcome => ({ error: { code, message } })

/** Answers single and batch requests by `handle`, keeping ids (optionally reversing batch order). */
export const rpc =
  (
    handle: (method: string, params: Record<string, unknown>, req: Seen) => Outcome,
    opts?: { reverse?: boolean },
  ) =>
  (req: Seen): Answer => {
    const one = (r: Req) => ({ jsonrpc: '2.0', id: r.id, ...handle(r.method, r.params ?? {}, req) })
    if (Array.isArray(req.body)) {
      const out = (req.body as Req[]).map(one)
      return reply(opts?.reverse ? out.reverse() : out)
    }
    return reply(one(req.body as Req))
  }

/** JSON-RPC calls inside a seen request. */
export const callsIn = (s: Seen): ReadonlyArray<Req> =>
  Array.isArray(s.body) ? (s.body as Req[]) : s.body === undefined ? [] : [s.body as Req]

/** Advances `clock` in steps until `p` settles; returns its value. */
export const settle = async <A>(
  clock: VirtualClock,
  p: Promise<A>,
  stepMs = 100,
  maxSteps = 100_000,
): Promise<A> => {
  let done = false
  const q = p.finally(() => {
    done = true
  })
  for (let i = 0; i < maxSteps && !done; i++) await clock.advance(stepMs)
  if (!done) throw new Error('promise did not settle')
  return q
}
