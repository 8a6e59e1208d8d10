/**
 * JSON-RPC 2.0 framing as jsonrpcserver 5 does it: request validation, library error objects and their
 * exact texts (contract §1.4), and the bodies of the HTTP-level replies (429, 500).
 *
 * @since 0.1.0
 */

export type Id = string | number | null

export interface Call {
  readonly method: string
  readonly params: unknown
  /** Absent for a notification. */
  readonly id?: Id
}

export type ErrorObject = { readonly code: number; readonly message: string; readonly data?: unknown }

export const errorResponse = (error: ErrorObject, id: Id): Record<string, unknown> => ({
  jsonrpc: '2.0',
  error,
  id,
})
export const resultResponse = (result: unknown, id: Id): Record<string, unknown> => ({
  jsonrpc: '2.0',
  result,
  id,
})

export const parseError = (data: string): ErrorObject => ({ code: -32700, message: 'Parse error', data })
export const invalidRequest: ErrorObject = {
  code: -32600,
  message: 'Invalid request',
  data: 'The request failed schema validation',
}
export const methodNotFound = (method: string): ErrorObject => ({
  code: -32601,
  message: 'Method not found',
  data: method,
})
export const invalidParams = (data: string): ErrorObject => ({
  code: -32602,
  message: 'Invalid params',
  data,
})
export const internalError = (data: string): ErrorObject => ({
  code: -32603,
  message: 'Internal error',
  data,
})

export const RATE_LIMIT_BODY = JSON.stringify(
  errorResponse({ code: -32000, message: 'Rate limit exceeded' }, null),
)
export const HTTP_500_BODY = JSON.stringify(errorResponse({ code: -32603, message: 'Internal error' }, null))

const KEYS = new Set(['jsonrpc', 'method', 'params', 'id'])

/** The request schema: `jsonrpc: "2.0"`, a string method, params array|object, id string|number|null, nothing else. */
const validCall = (v: unknown): v is Call => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const o = v as Record<string, unknown>
  if (o['jsonrpc'] !== '2.0' || typeof o['method'] !== 'string') return false
  if (Object.keys(o).some((k) => !KEYS.has(k))) return false
  if ('params' in o && (o['params'] === null || typeof o['params'] !== 'object')) return false
  return !('id' in o) || o['id'] === null || typeof o['id'] === 'string' || typeof o['id'] === 'number'
}

export type Parsed =
  | { readonly _tag: 'Error'; readonly error: ErrorObject }
  | { readonly _tag: 'Single'; readonly call: Call }
  | { readonly _tag: 'Batch'; readonly calls: ReadonlyArray<Call> }

/** Parses and validates a body; any invalid item makes the whole batch one -32600 (schema covers the array). */
export const parseBody = (body: string): Parsed => {
  let v: unknown
  try {
    v = JSON.parse(body)
  } catch {
    return { _tag: 'Error', error: parseError(pythonJsonError(body)) }
  }
  if (Array.isArray(v))
    return v.length > 0 && v.every(validCall)
      ? { _tag: 'Batch', calls: v }
      : { _tag: 'Error', error: invalidRequest }
  return validCall(v) ? { _tag: 'Single', call: v } : { _tag: 'Error', error: invalidRequest }
}

/** Python's `json.loads` message for the commonest case (no JSON value at the start); otherwise a generic one. */
const pythonJsonError = (body: string): string => {
  const start = body.length - body.trimStart().length
  return /^[[{"]/.test(body.trimStart())
    ? 'Invalid JSON document'
    : `Expecting value: line 1 column ${start + 1} (char ${start})`
}
