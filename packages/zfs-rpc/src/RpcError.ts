/**
 * Everything that can go wrong talking to the API, as a tagged union carrying its evidence.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type RpcError =
  /** No HTTP response: connection refused/reset, DNS, or the per-call timeout (`timedOut`). */
  | {
      readonly _tag: 'Transport'
      readonly method: string
      readonly message: string
      readonly timedOut: boolean
      /** The system error code when known (`ECONNREFUSED`…): proves whether the request left this host. */
      readonly code?: string
    }
  /** An HTTP status other than 200 (429 = rate limited, 5xx = server trouble). */
  | { readonly _tag: 'Http'; readonly method: string; readonly status: number; readonly body: string }
  /** A reply of the wrong shape; `path` names the offending field, e.g. `result.snapshots[3]`. */
  | { readonly _tag: 'Decode'; readonly method: string; readonly path: string; readonly message: string }
  /** A JSON-RPC error object returned by the API. */
  | {
      readonly _tag: 'Remote'
      readonly method: string
      readonly code: number
      readonly message: string
      readonly data?: unknown
      /**
       * Set when an earlier attempt of this same call got no answer (a timeout, a reset): that attempt may
       * still have run, or be running, so this reply alone does not prove the call had no effect.
       */
      readonly afterUnansweredAttempt?: true
    }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const transport = (method: string, message: string, timedOut: boolean, code?: string): RpcError =>
  code === undefined
    ? { _tag: 'Transport', method, message, timedOut }
    : { _tag: 'Transport', method, message, timedOut, code }

export const http = (method: string, status: number, body: string): RpcError => ({
  _tag: 'Http',
  method,
  status,
  // A proxy error page can be large; the first bytes are enough evidence.
  body: body.length > 500 ? `${body.slice(0, 500)}…` : body,
})

export const decode = (method: string, path: string, message: string): RpcError => ({
  _tag: 'Decode',
  method,
  path,
  message,
})

export const remote = (method: string, code: number, message: string, data?: unknown): RpcError =>
  data === undefined
    ? { _tag: 'Remote', method, code, message }
    : { _tag: 'Remote', method, code, message, data }

// -------------------------------------------------------------------------------------
// classification
// -------------------------------------------------------------------------------------

/** JSON-RPC codes that describe a passing server condition rather than the request. */
const RATE_LIMITED = -32000
const INTERNAL_ERROR = -32603

/**
 * Worth trying again: no answer (incl. our timeout), HTTP 429/5xx, rate limit, internal error. A reply of the
 * wrong shape, a 4xx or an application error will come back the same, so they are permanent.
 */
export const retryable = (e: RpcError): boolean => {
  switch (e._tag) {
    case 'Transport':
      return true
    case 'Http':
      return e.status === 429 || e.status >= 500
    case 'Decode':
      return false
    case 'Remote':
      return e.code === RATE_LIMITED || e.code === INTERNAL_ERROR
  }
}

/** System codes raised before a request could reach the server (no connection, no name). */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
])

/**
 * The error proves the server did nothing: the connection was never made, or the rate limiter (which runs
 * before dispatch) refused the POST. A timeout or a reset proves nothing: the call may have run.
 */
export const provablyNotExecuted = (e: RpcError): boolean => {
  switch (e._tag) {
    case 'Transport':
      return !e.timedOut && e.code !== undefined && NOT_SENT_CODES.has(e.code)
    case 'Http':
      return e.status === 429
    case 'Decode':
      return false
    case 'Remote':
      // Rejected by the auth or rate-limit wrapper, or the call never matched a method/signature.
      return [RATE_LIMITED, -32001, -32002, -32601, -32602, -32600, -32700].includes(e.code)
  }
}

/**
 * The API host may still be working on the request: no reply came (our timeout, a reset or dropped
 * connection after sending) or a proxy in front of the API gave up waiting for it (HTTP 502/504). The API
 * keeps running a request, batch included, after the client gave up on it, so a read that failed this way is
 * not resent (it would stack a second copy of the same work on a host that is already slow). An answer (any
 * other status, a JSON-RPC error) or an error proving the request never arrived means nothing of it runs.
 */
export const mayStillRun = (e: RpcError): boolean =>
  (e._tag === 'Transport' && !provablyNotExecuted(e)) ||
  (e._tag === 'Http' && (e.status === 502 || e.status === 504))

/**
 * The one description of an `RpcError`: one line for logs and command output, naming the method first.
 * Carries no request parameters, so no secret can leak through it.
 */
export const describeRpcError = (e: RpcError): string => {
  switch (e._tag) {
    case 'Transport':
      return `${e.method}: ${e.timedOut ? 'timed out' : 'unreachable'}: ${oneLine(e.message, 300)}${e.code !== undefined && !e.message.includes(e.code) ? ` (${e.code})` : ''}`
    case 'Http':
      return `${e.method}: HTTP ${e.status}${e.body.trim() === '' ? '' : `: ${oneLine(e.body, 200)}`}`
    case 'Decode':
      return `${e.method}: unexpected reply at ${e.path}: ${oneLine(e.message, 300)}`
    case 'Remote':
      return `${e.method}: error ${e.code}: ${oneLine(e.message, 300)}`
  }
}

const oneLine = (s: string, max: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}
