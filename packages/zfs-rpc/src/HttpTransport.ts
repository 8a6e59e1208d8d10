/**
 * One HTTP exchange with a per-request timeout on the injected clock. `fetch` is injected (default
 * cross-fetch) so tests run without a network and on a `VirtualClock`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Clock } from './Clock.js'
import * as R from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface FetchInit {
  readonly method: 'GET' | 'POST'
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  readonly signal: AbortSignal
}

export interface FetchResponse {
  readonly status: number
  readonly text: () => Promise<string>
}

/** The slice of `fetch` we use; cross-fetch, Node's fetch and test fakes all fit. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>

export interface HttpReply {
  readonly status: number
  readonly text: string
}

export interface Request {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** `ECONNREFUSED` from node-fetch's FetchError (`code`) or Node fetch's TypeError (`cause.code`). */
export const systemCode = (err: unknown): string | undefined => {
  const e = err as { readonly code?: unknown; readonly cause?: { readonly code?: unknown } } | null
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' ? code : undefined
}

const messageOf = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err)
  // A URL with user:password@ must not reach a log line.
  return text.replace(/\/\/[^/@\s]*@/g, '//***@')
}

// -------------------------------------------------------------------------------------
// exchange
// -------------------------------------------------------------------------------------

/**
 * Sends `req` and reads the whole body, or fails with `Transport` (`timedOut` when `timeoutMs` of the
 * clock's time passed first). `label` names the JSON-RPC method(s) in errors.
 */
export const exchange = async (
  fetch: FetchLike,
  clock: Clock,
  timeoutMs: number,
  label: string,
  req: Request,
): Promise<E.Either<R.RpcError, HttpReply>> => {
  const request = new AbortController()
  const timer = new AbortController()
  let timedOut = false
  clock.sleep(timeoutMs, timer.signal).then(
    () => {
      timedOut = true
      request.abort(new Error(`no reply within ${timeoutMs} ms`))
    },
    () => undefined,
  )
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: request.signal,
    })
    const text = await res.text()
    return E.right({ status: res.status, text })
  } catch (err) {
    return E.left(
      timedOut
        ? R.transport(label, `no reply within ${timeoutMs} ms`, true)
        : R.transport(label, messageOf(err), false, systemCode(err)),
    )
  } finally {
    timer.abort()
  }
}
