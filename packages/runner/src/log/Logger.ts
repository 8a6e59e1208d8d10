/**
 * A small logging capability: four levels, human-readable lines by default or JSON lines on request,
 * structured fields, an injected sink and clock (tests read the lines back), and redaction of anything
 * that looks like a secret.
 *
 * @since 0.1.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Level = 'debug' | 'info' | 'warn' | 'error'
export type Format = 'text' | 'json'
export type Fields = Readonly<Record<string, unknown>>

/** The four levels: all that a module writing lines needs (the daemon's `Capabilities.log`, test fakes). */
export interface Log {
  readonly debug: (message: string, fields?: Fields) => void
  readonly info: (message: string, fields?: Fields) => void
  readonly warn: (message: string, fields?: Fields) => void
  readonly error: (message: string, fields?: Fields) => void
}

export interface Logger extends Log {
  /** A logger that adds `fields` to every line (e.g. `{ dataset: 'tank/data' }`). */
  readonly child: (fields: Fields) => Logger
}

export interface LoggerOptions {
  readonly level: Level
  readonly format: Format
  /** Receives one complete line (without the newline). */
  readonly sink: (line: string) => void
  /** Epoch milliseconds; the runner passes its (possibly virtual) clock. */
  readonly now: () => number
}

const rank: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40 }

// -------------------------------------------------------------------------------------
// redaction
// -------------------------------------------------------------------------------------

const SECRET_KEY = /password|passwd|token|authorization|secret|cookie/i
export const REDACTED = '[redacted]'

/** Bearer tokens inside free text (e.g. an echoed request header). */
export const redactText = (s: string): string => s.replace(/(bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)

/** Copies `value` with secret-named keys masked; Errors become their message; depth-limited. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value)
  if (value instanceof Error) return redactText(value.message)
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') return value
  if (depth >= 6) return '[…]'
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1)]),
  )
}

// -------------------------------------------------------------------------------------
// formatting
// -------------------------------------------------------------------------------------

const scalar = (v: unknown): string => {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
  if (v === undefined) return 'undefined'
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
}

/**
 * `2026-11-27T10:00:00.000Z INFO  [tank/data] created hourly_backup_… (hour boundary crossed) host=nas2`:
 * `dataset` (and `destination`) become the bracketed prefix, other fields trail as key=value.
 */
export const formatText = (time: number, level: Level, message: string, fields: Fields): string => {
  const { dataset, destination, ...rest } = fields
  const scope = [dataset, destination]
    .filter((x) => x !== undefined)
    .map(String)
    .join(' → ')
  const tail = Object.entries(rest).map(([k, v]) => ` ${k}=${scalar(v)}`)
  const oneLine = message.replace(/\r?\n/g, ' ⏎ ')
  return `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)} ${scope === '' ? '' : `[${scope}] `}${oneLine}${tail.join('')}`
}

export const formatJson = (time: number, level: Level, message: string, fields: Fields): string =>
  JSON.stringify({ ...fields, time: new Date(time).toISOString(), level, msg: message })

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const make = (options: LoggerOptions, context: Fields = {}): Logger => {
  const format = options.format === 'json' ? formatJson : formatText
  const log =
    (level: Level) =>
    (message: string, fields: Fields = {}): void => {
      if (rank[level] < rank[options.level]) return
      options.sink(
        format(options.now(), level, redactText(message), redact({ ...context, ...fields }) as Fields),
      )
    }
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => make(options, { ...context, ...fields }),
  }
}

/** Discards everything (for commands and tests that do not care). */
export const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
}

/** Collects lines in memory; for tests. */
export const memory = (
  options: Omit<LoggerOptions, 'sink'>,
): { readonly logger: Logger; readonly lines: ReadonlyArray<string> } => {
  const lines: Array<string> = []
  return { logger: make({ ...options, sink: (l) => lines.push(l) }), lines }
}
