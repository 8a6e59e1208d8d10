/**
 * Calls over one HTTP endpoint: auth headers, one re-login on an auth rejection, batches cut at the cap,
 * at most the cap of calls in flight at once, retries with the policy, decoding, counters. `Client.ts`
 * builds the typed methods on top.
 *
 * A read is resent only when the error shows the API is not working on it any more (`mayStillRun`): the
 * API keeps running a batch after we gave up on it, and resending a timed-out read stacks a second copy of
 * the same work on a host that is already too slow.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import * as Auth from './Auth.js'
import * as Gate from './CallGate.js'
import type { Clock } from './Clock.js'
import { decodeResult } from './DecodeFailure.js'
import { exchange, type FetchLike, type HttpReply } from './HttpTransport.js'
import { type Call, labelOf, type Numbered, parseReplies, type Replies, requestBody } from './JsonRpc.js'
import { type RemoteFailure, remoteFailureOf } from './RemoteFailure.js'
import { AuthLogin } from './ReplyCodecs.js'
import { delayAfter, type RetryPolicy, retrying } from './Retry.js'
import * as R from './RpcError.js'
import { makeStats } from './Stats.js'
import type { RpcStats } from './ZfsApi.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the client tells its logger. Never carries params, so no password or token. */
export type ClientEvent =
  | {
      readonly _tag: 'Retry'
      readonly method: string
      readonly attempt: number
      readonly delayMs: number
      readonly error: string
    }
  | { readonly _tag: 'Login'; readonly username: string }
  | { readonly _tag: 'Relogin'; readonly method: string; readonly error: string }

export interface ChannelConfig {
  readonly url: string
  readonly timeoutMs: number
  readonly fetch: FetchLike
  readonly clock: Clock
  readonly retry: RetryPolicy
  /** Most calls in flight at once, over all round trips together; also the cap of one batch. */
  readonly maxCallsInFlight: number
  readonly credentials: Auth.Credentials | undefined
  readonly logger: (e: ClientEvent) => void
}

export interface CallOptions {
  /** Safe to repeat after an error that may have run the call (a timeout, an HTTP 500). */
  readonly idempotent: boolean
  /** For a mutation: after an ambiguous failure, this failure on a later attempt means "already done". */
  readonly doneIf?: RemoteFailure | ((e: R.RpcError) => boolean)
}

export interface Channel {
  readonly call: <A>(
    call: Call,
    codec: t.Decoder<unknown, A>,
    opts: CallOptions,
  ) => Promise<E.Either<R.RpcError, A>>
  /**
   * Calls of any kind in batches of the cap, each decoded by its codec and retried by its options as
   * `call` does, results in input order.
   */
  readonly callMany: (
    items: ReadonlyArray<{
      readonly call: Call
      readonly codec: t.Decoder<unknown, unknown>
      readonly opts: CallOptions
    }>,
  ) => Promise<ReadonlyArray<E.Either<R.RpcError, unknown>>>
  /**
   * Idempotent calls in batches of the cap, one round trip each, results in input order. Left when the
   * first round trip failed (nothing was answered); after a later round trip failed, no further one is
   * sent and the items of that one and the rest carry its error (what was answered is kept).
   */
  readonly batch: <A>(
    calls: ReadonlyArray<Call>,
    codec: t.Decoder<unknown, A>,
  ) => Promise<E.Either<R.RpcError, ReadonlyArray<E.Either<R.RpcError, A>>>>
  /** A plain GET (e.g. `/health`), retried as idempotent. */
  readonly get: (path: string, label: string) => Promise<E.Either<R.RpcError, HttpReply>>
  readonly stats: () => RpcStats
}

// -------------------------------------------------------------------------------------
// constructor
// -------------------------------------------------------------------------------------

const AUTH_CODES = [-32001, -32002]

const authRejection = (r: E.Either<R.RpcError, Replies>): R.RpcError | undefined => {
  const e = E.isLeft(r) ? r.left : r.right.find(E.isLeft)?.left
  return e !== undefined && e._tag === 'Remote' && AUTH_CODES.includes(e.code) ? e : undefined
}

export const makeChannel = (cfg: ChannelConfig): Channel => {
  const base = cfg.url.endsWith('/') ? cfg.url : `${cfg.url}/`
  const stats = makeStats()
  const gate = Gate.make(cfg.maxCallsInFlight)
  let nextId = 1

  /** `work` holding `n` of the calls the API host may run for us at once. */
  const gated = async <A>(n: number, work: () => Promise<A>): Promise<A> => {
    const release = await gate.enter(n)
    try {
      return await work()
    } finally {
      release()
    }
  }

  const roundTrip = async (calls: ReadonlyArray<Call>, headers: Readonly<Record<string, string>>) => {
    const numbered: ReadonlyArray<Numbered> = calls.map((c) => ({ ...c, id: nextId++ }))
    const reply = await gated(calls.length, () => {
      stats.roundTrip(calls.map((c) => c.method))
      return exchange(cfg.fetch, cfg.clock, cfg.timeoutMs, labelOf(calls), {
        url: base,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: requestBody(numbered),
      })
    })
    return E.flatMap((r: HttpReply) => parseReplies(numbered, r.status, r.text))(reply)
  }

  const login: Auth.LoginCall = async (username, password) => {
    const r = await roundTrip([{ method: 'auth_login', params: { username, password } }], {})
    return E.flatMap((rs: Replies) => E.flatMap(decodeResult('auth_login', AuthLogin))(rs[0]!))(r)
  }

  const session =
    cfg.credentials === undefined
      ? Auth.noSession
      : Auth.makeSession(cfg.credentials, cfg.clock, !Auth.isLoopback(cfg.url), login, (username) =>
          cfg.logger({ _tag: 'Login', username }),
        )

  /** One round trip, plus one more after a fresh login when the server rejected our (lack of) token. */
  const send = async (calls: ReadonlyArray<Call>): Promise<E.Either<R.RpcError, Replies>> => {
    const once = async () => {
      const headers = await session.headers()
      return E.isLeft(headers) ? headers : roundTrip(calls, headers.right)
    }
    const first = await once()
    const rejected = authRejection(first)
    if (rejected === undefined || !session.canLogin) return first
    cfg.logger({ _tag: 'Relogin', method: labelOf(calls), error: R.describeRpcError(rejected) })
    session.invalidate()
    return once()
  }

  /** A read is worth resending after an error that will not recur as such and left no work behind. */
  const readMayRetry = (e: R.RpcError) => R.retryable(e) && !R.mayStillRun(e)

  const onRetry = (e: R.RpcError, attempt: number, delayMs: number) =>
    cfg.logger({ _tag: 'Retry', method: e.method, attempt, delayMs, error: R.describeRpcError(e) })

  /**
   * Each item with the rules of `CallOptions`; the items still worth another try are resent together after
   * the policy's delay, so a batch of mutations keeps every single call's retry and "already done" rules.
   */
  const callMany: Channel['callMany'] = async (items) => {
    const out: E.Either<R.RpcError, unknown>[] = []
    const ambiguous = items.map(() => false)
    const settle = (i: number, reply: E.Either<R.RpcError, unknown>): E.Either<R.RpcError, unknown> => {
      const { call: c, codec, opts } = items[i]!
      const r = E.flatMap(decodeResult(c.method, codec))(reply)
      if (E.isLeft(r) && ambiguous[i] && opts.doneIf !== undefined && isDone(opts.doneIf, r.left))
        return E.right(undefined)
      if (E.isLeft(r) && ambiguous[i] && r.left._tag === 'Remote')
        return E.left({ ...r.left, afterUnansweredAttempt: true as const })
      // A failed login happens before the call is sent: nothing of `c` ran.
      const notRun = (e: R.RpcError) =>
        R.provablyNotExecuted(e) || (e.method === 'auth_login' && c.method !== 'auth_login')
      if (E.isLeft(r) && !notRun(r.left)) ambiguous[i] = true
      return r
    }
    const mayRetry = (i: number, e: R.RpcError) => {
      const { call: c, opts } = items[i]!
      const notRun = R.provablyNotExecuted(e) || (e.method === 'auth_login' && c.method !== 'auth_login')
      return opts.idempotent
        ? readMayRetry(e) || (R.retryable(e) && notRun)
        : R.retryable(e) && (opts.doneIf !== undefined || notRun)
    }
    let pending = items.map((_, i) => i)
    for (let n = 1; ; n++) {
      const chunks: number[][] = []
      for (let k = 0; k < pending.length; k += cfg.maxCallsInFlight)
        chunks.push(pending.slice(k, k + cfg.maxCallsInFlight))
      // All chunks at once: the gate lets in what the cap allows, in order.
      await Promise.all(
        chunks.map(async (chunk) => {
          const rs = await send(chunk.map((i) => items[i]!.call))
          chunk.forEach((i, k) => {
            out[i] = settle(i, E.isLeft(rs) ? rs : rs.right[k]!)
          })
        }),
      )
      const again = pending.filter((i) => {
        const r = out[i]!
        return E.isLeft(r) && mayRetry(i, r.left)
      })
      if (again.length === 0 || n >= cfg.retry.maxAttempts) return out
      const first = out[again[0]!]!
      const delayMs = delayAfter(cfg.retry, n)
      if (E.isLeft(first)) onRetry(first.left, n, delayMs)
      await cfg.clock.sleep(delayMs)
      pending = again
    }
  }

  const call: Channel['call'] = async (c, codec, opts) =>
    (await callMany([{ call: c, codec, opts }]))[0]! as E.Either<R.RpcError, never>

  const batch: Channel['batch'] = async <A>(calls: ReadonlyArray<Call>, codec: t.Decoder<unknown, A>) => {
    const out: E.Either<R.RpcError, A>[] = []
    for (let i = 0; i < calls.length; i += cfg.maxCallsInFlight) {
      const chunk = calls.slice(i, i + cfg.maxCallsInFlight)
      const attempt = async () =>
        E.map((rs: Replies) => rs.map((item, k) => E.flatMap(decodeResult(chunk[k]!.method, codec))(item)))(
          await send(chunk),
        )
      const failure = (r: E.Either<R.RpcError, ReadonlyArray<E.Either<R.RpcError, A>>>) =>
        // A retryable per-item error (e.g. -32603) is worth resending the chunk: every call in it is a read.
        E.isLeft(r)
          ? r.left
          : r.right.find((x): x is E.Left<R.RpcError> => E.isLeft(x) && R.retryable(x.left))?.left
      const r = await retrying(cfg.retry, cfg.clock, attempt, failure, readMayRetry, onRetry)
      if (E.isLeft(r) && i === 0) return r
      if (E.isLeft(r)) {
        // Keep what was answered; send nothing more on top of a host that may still be busy with this.
        for (let k = i; k < calls.length; k++) out.push(r)
        break
      }
      out.push(...r.right)
    }
    return E.right(out)
  }

  const get: Channel['get'] = (path, label) =>
    retrying(
      cfg.retry,
      cfg.clock,
      () =>
        gated(1, () => {
          stats.roundTrip([])
          return exchange(cfg.fetch, cfg.clock, cfg.timeoutMs, label, {
            url: base + path,
            method: 'GET',
            headers: {},
          })
        }),
      (r) =>
        E.isLeft(r)
          ? r.left
          : r.right.status === 429 || r.right.status >= 500
            ? R.http(label, r.right.status, r.right.text)
            : undefined,
      readMayRetry,
      onRetry,
    )

  return { call, callMany, batch, get, stats: stats.snapshot }
}

const isDone = (doneIf: RemoteFailure | ((e: R.RpcError) => boolean), e: R.RpcError): boolean =>
  typeof doneIf === 'function' ? doneIf(e) : remoteFailureOf(e) === doneIf
