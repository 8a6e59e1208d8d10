/**
 * Command-line arguments of the operator tools: `--flag value` / `--flag=value` pairs and boolean
 * switches, plus the value syntaxes they share (ISO 8601 instants with an offset, durations like `10m`).
 * Every problem is a message naming the flag, so the command can print it and exit 2.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { DateTime } from 'luxon'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface Parsed {
  readonly values: ReadonlyMap<string, string>
  readonly switches: ReadonlySet<string>
}

export interface Spec {
  /** Flags that take a value, without the leading `--`. */
  readonly values: ReadonlyArray<string>
  /** Flags without a value. */
  readonly switches: ReadonlyArray<string>
}

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/** Parses `args` against `spec`; unknown flags, missing values and positional arguments are errors. */
export const parse = (spec: Spec, args: ReadonlyArray<string>): E.Either<string, Parsed> => {
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) return E.left(`unexpected argument '${arg}'`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (spec.switches.includes(name)) {
      if (eq >= 0) return E.left(`--${name} takes no value`)
      switches.add(name)
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i]
      if (value === undefined || (eq < 0 && value.startsWith('--'))) return E.left(`--${name} needs a value`)
      if (values.has(name)) return E.left(`--${name} given twice`)
      values.set(name, value)
    } else return E.left(`unknown option --${name}`)
  }
  return E.right({ values, switches })
}

/**
 * An instant in ISO 8601 with an explicit offset or `Z` (`2026-03-29T01:50:00+01:00`). A time without an
 * offset is refused: the zone it would be read in is exactly the kind of ambiguity these tools explain.
 */
export const instant = (flag: string, text: string): E.Either<string, number> => {
  const dt = DateTime.fromISO(text, { setZone: true })
  if (!dt.isValid)
    return E.left(`--${flag}: '${text}' is not an ISO 8601 time (${dt.invalidExplanation ?? ''})`)
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text))
    return E.left(`--${flag}: '${text}' needs an offset or Z, e.g. 2026-03-29T01:50:00+01:00`)
  return E.right(dt.toMillis())
}

const units: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A positive duration: `600`, `600s`, `10m`, `2h`, `1d` (a bare number is seconds). Returns ms. */
export const duration = (flag: string, text: string): E.Either<string, number> => {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim())
  const ms = m === null ? Number.NaN : Number(m[1]) * (units[m[2] || 's'] ?? 1_000)
  return Number.isFinite(ms) && ms >= 1_000
    ? E.right(Math.round(ms))
    : E.left(`--${flag}: '${text}' is not a duration of at least 1s (e.g. 600, 10m, 2h, 1d)`)
}

/** A probability in [0, 1]. */
export const probability = (flag: string, text: string): E.Either<string, number> => {
  const p = Number(text)
  return text.trim() !== '' && Number.isFinite(p) && p >= 0 && p <= 1
    ? E.right(p)
    : E.left(`--${flag}: '${text}' is not a probability between 0 and 1`)
}

/** A non-negative integer (seeds, seconds). */
export const natural = (flag: string, text: string): E.Either<string, number> => {
  const n = Number(text)
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(n)
    ? E.right(n)
    : E.left(`--${flag}: '${text}' is not a non-negative integer`)
}

/** The value of `flag` decoded by `f`, or `fallback` when absent. */
export const optional = <A>(
  p: Parsed,
  flag: string,
  f: (flag: string, text: string) => E.Either<string, A>,
  fallback: A,
): E.Either<string, A> => {
  const v = p.values.get(flag)
  return v === undefined ? E.right(fallback) : f(flag, v)
}

/** The value of `flag` decoded by `f`; absent is an error. */
export const required = <A>(
  p: Parsed,
  flag: string,
  f: (flag: string, text: string) => E.Either<string, A>,
): E.Either<string, A> => {
  const v = p.values.get(flag)
  return v === undefined ? E.left(`--${flag} is required`) : f(flag, v)
}
