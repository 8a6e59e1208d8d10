/**
 * Two io-ts building blocks for wire codecs: `nullable` (null or a value, with one clean error instead of a
 * union's two) and `mapped` (decode the wire shape, then rename into the domain shape, and back).
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

export const nullable = <A, O>(codec: t.Type<A, O, unknown>): t.Type<A | null, O | null, unknown> =>
  new t.Type<A | null, O | null, unknown>(
    `${codec.name} | null`,
    (u): u is A | null => u === null || codec.is(u),
    (u, c) => (u === null ? t.success(null) : codec.validate(u, c)),
    (a) => (a === null ? null : codec.encode(a)),
  )

/**
 * A codec from the wire shape `W` (validated by `wire`) to the domain shape `A`. The context is passed
 * extended without a key, so error paths name wire keys (`rate_mbps`), which is what a reader of the reply sees.
 */
export const mapped = <W, O, A>(
  name: string,
  wire: t.Type<W, O, unknown>,
  is: (u: unknown) => u is A,
  toDomain: (w: W) => A,
  toWire: (a: A) => O,
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    name,
    is,
    // An empty key adds no path segment but lets the path reader see the wire combinator (e.g. an intersection).
    (u, c) => E.map(toDomain)(wire.validate(u, t.appendContext(c, '', wire, u))),
    toWire,
  )

export const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

export const isStringArray = (u: unknown): u is ReadonlyArray<string> =>
  Array.isArray(u) && u.every((x) => typeof x === 'string')
