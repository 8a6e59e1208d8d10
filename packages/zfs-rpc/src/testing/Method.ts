/**
 * What a simulated JSON-RPC method is: its Python signature (names, defaults) for jsonrpcserver-style
 * argument binding, and a handler that returns the result or throws an `AppError` (an application error
 * object, no `data`, exactly as the real methods return them).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Clock } from '../Clock.js'
import type { Auth } from './Auth.js'
import type { Fault } from './Faults.js'
import type { Migrations } from './Migrations.js'
import type { ZfsModel } from './ZfsModel.js'

export class AppError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export interface Param {
  readonly name: string
  readonly required: boolean
  readonly default?: unknown
}

export interface Ctx {
  readonly model: ZfsModel
  readonly migrations: Migrations
  readonly clock: Clock
  readonly auth: Auth
  /** IANA zone of the API host's local time (human `creation` values). */
  readonly zone: string
  /** The fault injected into this call, if any (`migration_create` reads `failMigration` / `failReceive`). */
  readonly fault: Fault | undefined
}

export interface MethodSpec {
  readonly params: ReadonlyArray<Param>
  /** Logged in the mutation log. */
  readonly mutates: boolean
  /**
   * The zfs/zpool process the call starts, for the cost model: `'one'` costs one process, `'listsHost'`
   * one that walks every snapshot on the host (`snapshot_list`). Absent: no process (auth, Redis).
   */
  readonly zfs?: 'one' | 'listsHost'
  readonly run: (args: Readonly<Record<string, unknown>>, ctx: Ctx) => unknown
}

export const req = (name: string): Param => ({ name, required: true })
export const opt = (name: string, dflt: unknown): Param => ({ name, required: false, default: dflt })

const pyType = (v: unknown): string =>
  v === null
    ? 'NoneType'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? 'int'
        : 'float'
      : typeof v === 'boolean'
        ? 'bool'
        : Array.isArray(v)
          ? 'list'
          : typeof v === 'object'
            ? 'dict'
            : typeof v

/** A str argument; anything else fails like Python's subprocess does, with the method's exception code. */
export const str = (v: unknown, code: number): string => {
  if (typeof v === 'string') return v
  throw new AppError(code, `expected str, bytes or os.PathLike object, not ${pyType(v)}`)
}

/** Python truthiness, which is how the API reads its bool flags. */
export const truthy = (v: unknown): boolean =>
  !(
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  )

/** Unwraps a zfs result, wrapping stderr as the API does: `"<prefix>: <stderr>"` with `code`. */
export const zfs = <A>(r: E.Either<string, A>, code: number, prefix: string): A => {
  if (E.isLeft(r)) throw new AppError(code, `${prefix}: ${r.left}`)
  return r.right
}

/**
 * Binds JSON-RPC params to the signature like Python's `inspect.Signature.bind` (jsonrpcserver's check);
 * returns the `-32602` data text on failure.
 */
export const bind = (spec: MethodSpec, params: unknown): E.Either<string, Record<string, unknown>> => {
  const args: Record<string, unknown> = {}
  const positional = Array.isArray(params) ? params : []
  const named =
    params !== null && typeof params === 'object' && !Array.isArray(params)
      ? (params as Record<string, unknown>)
      : {}
  if (positional.length > spec.params.length) return E.left('too many positional arguments')
  spec.params.forEach((p, i) => {
    if (i < positional.length) args[p.name] = positional[i]
  })
  for (const p of spec.params) {
    if (Object.hasOwn(named, p.name)) {
      if (Object.hasOwn(args, p.name)) return E.left(`multiple values for argument '${p.name}'`)
      args[p.name] = named[p.name]
    } else if (!Object.hasOwn(args, p.name)) {
      if (p.required) return E.left(`missing a required argument: '${p.name}'`)
      args[p.name] = p.default
    }
  }
  const unknown = Object.keys(named).find((k) => !spec.params.some((p) => p.name === k))
  return unknown === undefined ? E.right(args) : E.left(`got an unexpected keyword argument '${unknown}'`)
}
