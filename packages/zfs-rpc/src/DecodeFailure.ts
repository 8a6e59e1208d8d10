/**
 * Turns io-ts validation errors into one `Decode` error whose path reads like the wire JSON
 * (`result.tasks[2].progress.rate_mbps`) and whose message says what was expected and what came.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import * as R from './RpcError.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const INDEXED = new Set(['ArrayType', 'ReadonlyArrayType', 'TupleType', 'ReadonlyTupleType'])
const OBJECTS = new Set(['InterfaceType', 'PartialType', 'IntersectionType', 'ExactType', 'StrictType'])
/** Combinators whose context keys are member numbers, not wire keys. */
const TRANSPARENT = new Set(['UnionType', 'IntersectionType', 'RefinementType', 'ExactType', 'StrictType'])

const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined =>
  (type as { readonly _tag?: string })._tag

/** `result.snapshots[2]` from an io-ts context rooted at `root`. */
export const pathOf = (root: string, context: t.Context): string => {
  let path = root
  for (let i = 1; i < context.length; i++) {
    const parent = tagOf(context[i - 1]!.type) ?? ''
    const key = context[i]!.key
    if (TRANSPARENT.has(parent) || key === '') continue
    path += INDEXED.has(parent) ? `[${key}]` : `.${key}`
  }
  return path
}

export const showValue = (u: unknown): string => {
  if (u === undefined) return 'nothing (field missing)'
  let s: string
  try {
    s = JSON.stringify(u) ?? String(u)
  } catch {
    s = String(u)
  }
  return s.length > 60 ? `${s.slice(0, 60)}…` : s
}

/** The first error, as `{ path, message: "expected string, got 5" }`. */
export const firstFailure = (
  root: string,
  errors: t.Errors,
): { readonly path: string; readonly message: string } => {
  const first = errors[0]
  if (first === undefined) return { path: root, message: 'invalid value' }
  const last = first.context[first.context.length - 1]
  const tag = last === undefined ? undefined : tagOf(last.type)
  // Struct names spell out every field; say what kind of value was wanted instead.
  const expected = OBJECTS.has(tag ?? '')
    ? 'an object'
    : INDEXED.has(tag ?? '')
      ? `an array (${last?.type.name})`
      : (last?.type.name ?? 'a valid value')
  return {
    path: pathOf(root, first.context),
    message: first.message ?? `expected ${expected}, got ${showValue(first.value)}`,
  }
}

/** Decodes the `result` of `method` with `codec`; a failure names method and path. */
export const decodeResult =
  <A>(method: string, codec: t.Decoder<unknown, A>) =>
  (u: unknown): E.Either<R.RpcError, A> =>
    E.mapLeft((errors: t.Errors) => {
      const f = firstFailure('result', errors)
      return R.decode(method, f.path, f.message)
    })(codec.decode(u))
