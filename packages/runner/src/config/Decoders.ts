/**
 * io-ts combinators for a strict config schema: closed records (unknown keys are errors), defaults for
 * absent keys, bounded integers and fixed-length masks, all with messages a sysadmin can act on.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts/lib/index.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Only decoding matters here; a `t.Type` is one too. */
export type Decoder<A> = t.Decoder<unknown, A>

export interface Field<A> {
  readonly decoder: Decoder<A>
  /** Absent (or `null`) keys take this value; without it the key is required. */
  readonly fallback?: { readonly value: A }
  /** Absent (or `null`) sections decode as `{}`, i.e. take all their own defaults. */
  readonly section?: true
}

type Out<F> = F extends Field<infer A> ? A : never

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const decoder = <A>(name: string, validate: (u: unknown, c: t.Context) => t.Validation<A>): Decoder<A> => ({
  name,
  validate,
  decode: (u) => validate(u, [{ key: '', type: t.unknown, actual: u }]),
})

const describe = (u: unknown): string => {
  if (u === null) return 'null'
  if (Array.isArray(u)) return 'a list'
  if (typeof u === 'object') return 'a mapping'
  if (typeof u === 'string') return `the string ${JSON.stringify(u.length > 40 ? u.slice(0, 40) + '…' : u)}`
  return `${typeof u} ${String(u)}`
}

export const required = <A>(d: Decoder<A>): Field<A> => ({ decoder: d })
export const withDefault = <A>(d: Decoder<A>, value: A): Field<A> => ({ decoder: d, fallback: { value } })
export const section = <A>(d: Decoder<A>): Field<A> => ({ decoder: d, section: true })
export const optional = <A>(d: Decoder<A>): Field<A | undefined> => ({
  decoder: d,
  fallback: { value: undefined },
})

/**
 * A mapping with exactly these keys. Reports every missing, unknown and invalid key (not just the first);
 * `hints` give a better message for known mistakes (e.g. an inline `password`).
 */
export const closed = <F extends Readonly<Record<string, Field<unknown>>>>(
  name: string,
  fields: F,
  hints: Readonly<Record<string, string>> = {},
): Decoder<{ readonly [K in keyof F]: Out<F[K]> }> =>
  decoder(name, (u, c) => {
    if (u === null || typeof u !== 'object' || Array.isArray(u))
      return t.failure(u, c, `expected a mapping (${name}), got ${describe(u)}`)
    const input = u as Readonly<Record<string, unknown>>
    const errors: Array<t.ValidationError> = []
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(fields, key)) {
        const known = Object.keys(fields).join(', ')
        errors.push({
          value: input[key],
          context: t.appendContext(c, key, t.never, input[key]),
          // own keys only: a YAML key such as `toString` must not find Object.prototype's
          message:
            (Object.hasOwn(hints, key) ? hints[key] : undefined) ?? `unknown key (expected one of: ${known})`,
        })
      }
    }
    for (const [key, field] of Object.entries(fields)) {
      const given = input[key]
      const value = (given === undefined || given === null) && field.section === true ? {} : given
      if (value === undefined || value === null) {
        if (field.fallback !== undefined) out[key] = field.fallback.value
        else errors.push({ value, context: t.appendContext(c, key, t.never, value), message: 'required' })
        continue
      }
      const r = field.decoder.validate(value, t.appendContext(c, key, t.unknown, value))
      if (E.isLeft(r)) errors.push(...r.left)
      else out[key] = r.right
    }
    return errors.length > 0 ? t.failures(errors) : t.success(out as { readonly [K in keyof F]: Out<F[K]> })
  })

/** A list whose every element is checked (errors from all elements are kept). */
export const list = <A>(item: Decoder<A>): Decoder<ReadonlyArray<A>> =>
  decoder(`list of ${item.name}`, (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, `expected a list, got ${describe(u)}`)
    const errors: Array<t.ValidationError> = []
    const out: Array<A> = []
    u.forEach((v: unknown, i) => {
      const r = item.validate(v, t.appendContext(c, String(i), t.unknown, v))
      if (E.isLeft(r)) errors.push(...r.left)
      else out.push(r.right)
    })
    return errors.length > 0 ? t.failures(errors) : t.success(out)
  })

/** An integer in [min, max]; `unit` names what it counts in messages. */
export const integer = (min: number, max: number, unit: string, maxHint = `${max}`): Decoder<number> =>
  decoder('integer', (u, c) => {
    if (typeof u !== 'number')
      return t.failure(u, c, `expected a whole number of ${unit}, got ${describe(u)}`)
    if (!Number.isInteger(u)) return t.failure(u, c, `expected a whole number of ${unit}, got ${u}`)
    if (u < min) return t.failure(u, c, `must be at least ${min} ${unit}, got ${u}`)
    if (u > max) return t.failure(u, c, `must be at most ${maxHint} ${unit}, got ${u}`)
    return t.success(u)
  })

/** A number (fractions allowed) in (0, max]. */
export const positive = (max: number, unit: string): Decoder<number> =>
  decoder('positive number', (u, c) => {
    if (typeof u !== 'number' || !Number.isFinite(u))
      return t.failure(u, c, `expected a number of ${unit}, got ${describe(u)}`)
    if (u <= 0) return t.failure(u, c, `must be greater than 0 ${unit}, got ${u}`)
    if (u > max) return t.failure(u, c, `must be at most ${max} ${unit}, got ${u}`)
    return t.success(u)
  })

export const boolean: Decoder<boolean> = decoder('boolean', (u, c) =>
  typeof u === 'boolean' ? t.success(u) : t.failure(u, c, `expected true or false, got ${describe(u)}`),
)

/** A non-empty string that `problem` accepts. */
export const text = (name: string, problem: (s: string) => string | undefined = () => undefined) =>
  decoder<string>(name, (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, `expected ${name}, got ${describe(u)}`)
    if (u.trim() === '') return t.failure(u, c, `expected ${name}, got an empty string`)
    const p = problem(u)
    return p === undefined ? t.success(u) : t.failure(u, c, p)
  })

/** One of the given strings. */
export const oneOf = <L extends string>(...values: ReadonlyArray<L>): Decoder<L> =>
  decoder(values.join(' | '), (u, c) =>
    typeof u === 'string' && (values as ReadonlyArray<string>).includes(u)
      ? t.success(u as L)
      : t.failure(u, c, `expected one of ${values.join(', ')}, got ${describe(u)}`),
  )

/**
 * A mask of `length` characters '0'/'1', e.g. days "1111100" (Mon..Sun). The parser restores unquoted masks
 * from their source text (`days: 0111111` would otherwise read as the number 111111).
 */
export const mask = (length: number, what: string): Decoder<string> =>
  decoder(`mask of ${length}`, (u, c) => {
    if (typeof u !== 'string')
      return t.failure(
        u,
        c,
        `expected a string of ${length} '0'/'1' characters (${what}), got ${describe(u)}`,
      )
    if (!/^[01]*$/.test(u)) return t.failure(u, c, `may only contain '0' and '1' (${what}), got "${u}"`)
    if (u.length !== length)
      return t.failure(u, c, `must have exactly ${length} characters (${what}), got ${u.length}`)
    return t.success(u)
  })

/** Runs `check` on a decoded value; its message is reported at the value's own path. */
export const refine = <A>(d: Decoder<A>, check: (a: A) => string | undefined): Decoder<A> =>
  decoder(d.name, (u, c) =>
    E.chain((a: A) => {
      const p = check(a)
      return p === undefined ? t.success(a) : t.failure<A>(u, c, p)
    })(d.validate(u, c)),
  )
