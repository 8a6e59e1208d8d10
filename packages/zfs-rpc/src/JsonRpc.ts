/**
 * JSON-RPC 2.0 framing, pure: the request body for one call or a batch, and the reply split back into one
 * `Either` per call, matched by id (a batch reply may come in any order; we keep the request order).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as R from './RpcError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Call {
  readonly method: string
  /** Named params; omitted from the body when `undefined`. */
  readonly params?: Readonly<Record<string, unknown>>
}

export interface Numbered extends Call {
  readonly id: number
}

export type Replies = ReadonlyArray<E.Either<R.RpcError, unknown>>

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

const envelope = (c: Numbered) =>
  c.params === undefined
    ? { jsonrpc: '2.0', id: c.id, method: c.method }
    : { jsonrpc: '2.0', id: c.id, method: c.method, params: c.params }

/** One call is sent as a plain request object, several as a batch array. */
export const requestBody = (calls: ReadonlyArray<Numbered>): string =>
  JSON.stringify(calls.length === 1 ? envelope(calls[0]!) : calls.map(envelope))

/** The method named in errors about a whole round trip: `snapshot_list`, or `batch(a,b)` when mixed. */
export const labelOf = (calls: ReadonlyArray<Call>): string => {
  const methods = [...new Set(calls.map((c) => c.method))]
  return methods.length === 1 ? methods[0]! : `batch(${methods.join(',')})`
}

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** One response object → the call's result or its error. */
const itemOf = (method: string, path: string, u: unknown): E.Either<R.RpcError, unknown> => {
  if (!isObject(u)) return E.left(R.decode(method, path, 'expected a JSON-RPC response object'))
  if ('error' in u && u['error'] !== null && u['error'] !== undefined) {
    const e = u['error']
    if (!isObject(e) || typeof e['code'] !== 'number' || typeof e['message'] !== 'string')
      return E.left(R.decode(method, `${path}.error`, 'expected {code: number, message: string}'))
    return E.left(R.remote(method, e['code'], e['message'], e['data']))
  }
  if (!('result' in u)) return E.left(R.decode(method, path, 'neither result nor error'))
  return E.right(u['result'])
}

/** An error object with id null answers the whole request (parse error, invalid request, rate limit). */
const wholeRequestError = (method: string, u: unknown): R.RpcError | undefined => {
  const item = itemOf(method, 'body', u)
  return E.isLeft(item) && item.left._tag === 'Remote' ? item.left : undefined
}

/**
 * The HTTP reply to `calls` (sent by `requestBody`) as one `Either` per call, in request order. A reply
 * that cannot be read at all (non-200, empty body as for a notification, not JSON) fails the round trip.
 */
export const parseReplies = (
  calls: ReadonlyArray<Numbered>,
  status: number,
  text: string,
): E.Either<R.RpcError, Replies> => {
  const label = labelOf(calls)
  if (status !== 200) return E.left(R.http(label, status, text))
  if (text.trim() === '')
    return E.left(R.decode(label, 'body', 'empty body (the server took the request for a notification)'))
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return E.left(R.decode(label, 'body', `not JSON: ${text.slice(0, 60)}`))
  }
  if (calls.length === 1) {
    const call = calls[0]!
    if (Array.isArray(body))
      return E.left(R.decode(label, 'body', 'expected a response object, got an array'))
    const item = itemOf(call.method, 'body', body)
    if (E.isRight(item) && isObject(body) && body['id'] !== call.id)
      return E.left(R.decode(label, 'body.id', `expected ${call.id}, got ${JSON.stringify(body['id'])}`))
    return E.right([item])
  }
  if (!Array.isArray(body)) {
    const whole = wholeRequestError(label, body)
    return whole === undefined
      ? E.left(R.decode(label, 'body', 'expected an array of responses'))
      : E.left(whole)
  }
  const byId = new Map<unknown, { readonly index: number; readonly value: unknown }>()
  body.forEach((value, index) => {
    if (isObject(value)) byId.set(value['id'], { index, value })
  })
  return E.right(
    calls.map((c) => {
      const found = byId.get(c.id)
      return found === undefined
        ? E.left(R.decode(c.method, 'body', `no response with id ${c.id}`))
        : itemOf(c.method, `body[${found.index}]`, found.value)
    }),
  )
}
