/**
 * One HTTP POST to `/` → one reply, as the real server answers it: rate limit, parse, validate, then every
 * call of a batch run (concurrently, order kept) with signature binding, auth, and the injected faults.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Clock } from '../Clock.js'
import type { Auth } from './Auth.js'
import type { Cpu } from './Cost.js'
import type { Fault, FaultInjector } from './Faults.js'
import { AppError, bind, type Ctx, type MethodSpec } from './Method.js'
import type { Recorder } from './Recorder.js'
import * as W from './Wire.js'

export type Reply =
  /** Close the connection without a response. */
  | { readonly _tag: 'Drop' }
  | { readonly _tag: 'Http'; readonly status: number; readonly body: string; readonly contentType?: string }

export interface RateLimit {
  readonly requests: number
  readonly windowMs: number
  /** The real server exempts localhost; set true to limit local callers too. */
  readonly includeLocalhost?: boolean
}

export interface Deps {
  readonly methods: Readonly<Record<string, MethodSpec>>
  readonly ctx: Omit<Ctx, 'fault'>
  readonly clock: Clock
  readonly auth: Auth
  readonly faults: FaultInjector
  readonly recorder: Recorder
  readonly rateLimit?: RateLimit
  /** The host's CPU when the cost model is on: zfs calls then take time and share the cores. */
  readonly cpu?: Cpu
}

export interface Request {
  readonly body: string
  readonly remoteAddress: string
  readonly authorization?: string
}

const LOCAL = new Set(['127.0.0.1', '::1', 'localhost'])
const HTTP_LEVEL = new Set<Fault['kind']>(['drop', 'http500', 'http429', 'malformed'])

export const makeDispatcher = (deps: Deps) => {
  const hits = new Map<string, number[]>()

  const limited = (remote: string): boolean => {
    const rl = deps.rateLimit
    if (rl === undefined || (LOCAL.has(remote) && rl.includeLocalhost !== true)) return false
    const now = deps.clock.now()
    const recent = (hits.get(remote) ?? []).filter((t) => t > now - rl.windowMs)
    const over = recent.length >= rl.requests
    hits.set(remote, over ? recent : [...recent, now])
    return over
  }

  /** Runs one call (unless a fault replaces it); null for a notification. */
  const runCall = (call: W.Call, fault: Fault | undefined, req: Request): Record<string, unknown> | null => {
    const id = call.id ?? null
    const respond = (r: Record<string, unknown>) => (call.id === undefined ? null : r)
    if (fault?.kind === 'rpcError') {
      const { code, message, data } = fault
      return respond(W.errorResponse(data === undefined ? { code, message } : { code, message, data }, id))
    }
    const spec = Object.hasOwn(deps.methods, call.method) ? deps.methods[call.method] : undefined
    if (spec === undefined) return respond(W.errorResponse(W.methodNotFound(call.method), id))
    const args = bind(spec, call.params ?? {})
    if (E.isLeft(args)) return respond(W.errorResponse(W.invalidParams(args.left), id))
    const check = call.method === 'auth_login' ? 'ok' : deps.auth.check(req.remoteAddress, req.authorization)
    if (check !== 'ok') return respond(W.errorResponse(check, id))
    try {
      const result = spec.run(args.right, { ...deps.ctx, fault })
      if (spec.mutates) deps.recorder.mutation(call.method, args.right, undefined)
      const shown = fault?.kind === 'wrongShape' ? (fault.result ?? { unexpected: 'shape' }) : result
      return respond(W.resultResponse(shown, id))
    } catch (e) {
      const error = e instanceof AppError ? { code: e.code, message: e.message } : W.internalError(String(e))
      if (spec.mutates) deps.recorder.mutation(call.method, args.right, error)
      return respond(W.errorResponse(error, id))
    }
  }

  /** CPU time of the zfs process `call` would start, or undefined when it starts none (or is refused first). */
  const costOf = (call: W.Call, fault: Fault | undefined, req: Request): number | undefined => {
    const cpu = deps.cpu
    const spec = Object.hasOwn(deps.methods, call.method) ? deps.methods[call.method] : undefined
    if (cpu === undefined || spec?.zfs === undefined || fault?.kind === 'rpcError') return undefined
    if (
      E.isLeft(bind(spec, call.params ?? {})) ||
      deps.auth.check(req.remoteAddress, req.authorization) !== 'ok'
    )
      return undefined
    const listed = spec.zfs === 'listsHost' ? deps.ctx.model.local.snapshotCount() : 0
    return cpu.model.callMs + listed * cpu.model.perSnapshotListedMs
  }

  /** Each call of a batch starts at once; with a cost model it runs when its process has had its CPU time. */
  const runAll = (calls: ReadonlyArray<W.Call>, faults: ReadonlyArray<Fault | undefined>, req: Request) => {
    const cpu = deps.cpu
    if (cpu === undefined) return Promise.resolve(calls.map((c, i) => runCall(c, faults[i], req)))
    return Promise.all(
      calls.map(async (c, i) => {
        const cost = costOf(c, faults[i], req)
        if (cost !== undefined) await cpu.run(cost)
        return runCall(c, faults[i], req)
      }),
    )
  }

  const answer = async (req: Request): Promise<Reply> => {
    deps.recorder.http()
    if (limited(req.remoteAddress)) return { _tag: 'Http', status: 429, body: W.RATE_LIMIT_BODY }
    const parsed = W.parseBody(req.body)
    if (parsed._tag === 'Error') return json(W.errorResponse(parsed.error, null))
    const calls = parsed._tag === 'Single' ? [parsed.call] : parsed.calls
    const faults = calls.map((c) => {
      deps.recorder.call(c.method)
      return deps.faults.next(c.method)
    })
    const http = faults.find((f) => f !== undefined && HTTP_LEVEL.has(f.kind))
    if (http?.kind === 'http429') return { _tag: 'Http', status: 429, body: W.RATE_LIMIT_BODY }
    if ((http?.kind === 'drop' || http?.kind === 'http500') && http.afterExecute !== true)
      return httpFault(http)
    const delay = Math.max(0, ...faults.map((f) => (f?.kind === 'delay' ? f.ms : 0)))
    if (delay > 0) await deps.clock.sleep(delay)
    const responses = await runAll(calls, faults, req)
    if (http !== undefined) return httpFault(http)
    const shown = responses.filter((r) => r !== null)
    if (shown.length === 0) return { _tag: 'Http', status: 200, body: '' }
    return json(parsed._tag === 'Single' ? shown[0] : shown)
  }

  return (req: Request): Promise<Reply> =>
    deps.cpu === undefined ? answer(req) : deps.cpu.request(() => answer(req))
}

const json = (v: unknown): Reply => ({ _tag: 'Http', status: 200, body: JSON.stringify(v) })

const httpFault = (f: Fault): Reply =>
  f.kind === 'drop'
    ? { _tag: 'Drop' }
    : f.kind === 'http500'
      ? { _tag: 'Http', status: 500, body: W.HTTP_500_BODY }
      : { _tag: 'Http', status: 200, body: '{"jsonrpc": "2.0", "result": {"snapsh' }
