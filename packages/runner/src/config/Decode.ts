/**
 * From the text of `backup_config.yaml` to a `Config` or every problem in it, each with its path and line.
 * Pure: no file system, the default zone is a parameter.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts/lib/index.js'
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml'
import * as Checks from './Checks.js'
import { type Config, fromRaw } from './Config.js'
import {
  type ConfigError,
  type ConfigErrors,
  type ConfigWarning,
  type InvalidField,
  invalidField,
} from './ConfigError.js'
import { RawConfig } from './Schema.js'
import { firstSyntaxError } from './YamlSyntax.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface DecodeOptions {
  /** Used when `server.timezone` is absent: the zone of the host the daemon runs on. */
  readonly defaultZone: string
  /**
   * `defaultZone` is what the process resolved by itself (no `TZ`): in a container that is UTC unless a
   * zone is passed in, so an absent `server.timezone` resolving to UTC is worth a warning.
   */
  readonly defaultZoneGuessed?: boolean
}

/** Names of UTC itself (a host zone such as Europe/London or Africa/Abidjan was chosen, not fallen into). */
const UTC_NAMES = /^(Etc\/)?(UTC|UCT|GMT|GMT[+-]0|Universal|Zulu|Greenwich)$/

/** The warning for a zone nobody chose: absent from the file, no `TZ`, and the process fell back to UTC. */
const zoneWarning = (js: unknown, options: DecodeOptions): ReadonlyArray<ConfigWarning> => {
  const server = typeof js === 'object' && js !== null ? (js as Record<string, unknown>)['server'] : undefined
  const given = typeof server === 'object' && server !== null && 'timezone' in server
  return !given && options.defaultZoneGuessed === true && UTC_NAMES.test(options.defaultZone)
    ? [
        {
          path: 'server.timezone',
          line: undefined,
          message: `not set and no TZ, so the host's zone is used, and it resolves to ${options.defaultZone}: snapshot windows, calendar boundaries and sync-hold times are read in UTC. If this host is not on UTC, set server.timezone (or TZ; in Docker, pass TZ as docker-compose.yml shows)`,
        },
      ]
    : []
}

/** Aliases can expand exponentially ("billion laughs"); a real config needs none or a few. */
const MAX_ALIAS_COUNT = 100

// -------------------------------------------------------------------------------------
// paths and lines
// -------------------------------------------------------------------------------------

export const formatPath = (path: ReadonlyArray<Checks.PathSegment>): string =>
  path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s === '' ? seg : `${s}.${seg}`),
    '',
  )

/** io-ts context → path segments; a key under a list is an index. */
const contextPath = (c: t.Context): ReadonlyArray<Checks.PathSegment> =>
  c.slice(1).map((entry, i) => (Array.isArray(c[i]?.actual) ? Number(entry.key) : entry.key))

/** 1-based line of the key at `path`, or of the deepest existing node on the way (for missing keys). */
const lineOf = (
  doc: Document,
  lc: LineCounter,
  path: ReadonlyArray<Checks.PathSegment>,
): number | undefined => {
  const lineAt = (n: { range?: unknown } | null | undefined): number | undefined => {
    const r = n?.range
    return Array.isArray(r) && typeof r[0] === 'number' ? lc.linePos(r[0]).line : undefined
  }
  let node: unknown = doc.contents
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) return lineAt(node as Node)
      if (i === path.length - 1) return lineAt(pair.key as Node) ?? lineAt(pair.value as Node)
      node = pair.value ?? pair.key
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg]
      if (item === undefined) return lineAt(node)
      node = item
    } else return lineAt(node as Node)
  }
  return lineAt(node as Node)
}

// -------------------------------------------------------------------------------------
// decode
// -------------------------------------------------------------------------------------

/** `days: 0111111` parses as the number 111111; masks are read from their source text instead. */
const restoreMasks = (doc: Document): void => {
  visit(doc, {
    Pair: (_, pair) => {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) return
      if (pair.key.value !== 'days' && pair.key.value !== 'hours') return
      const src = pair.value.source
      if (typeof pair.value.value === 'number' && typeof src === 'string' && /^[01]+$/.test(src))
        pair.value.value = src
    },
  })
}

/** `? [a]: 1` is legal YAML but no key of ours; rejected before `toJS` would stringify it (with a warning). */
const complexKeys = (doc: Document, lc: LineCounter): ReadonlyArray<ConfigError> => {
  const found: Array<ConfigError> = []
  visit(doc, {
    Pair: (_, pair) => {
      if (isPair(pair) && pair.key !== null && !isScalar(pair.key)) {
        const r = (pair.key as Node).range
        found.push(
          invalidField(
            '',
            r ? lc.linePos(r[0]).line : undefined,
            'a key must be a plain word, not a list or mapping',
          ),
        )
      }
    },
  })
  return found
}

const nonEmpty = (errors: ReadonlyArray<ConfigError>): E.Either<ConfigErrors, never> | undefined => {
  const [head, ...tail] = errors
  return head === undefined ? undefined : E.left([head, ...tail])
}

export const decodeConfig = (text: string, options: DecodeOptions): E.Either<ConfigErrors, Config> => {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  const syntax = firstSyntaxError(text, doc, lc)
  if (syntax !== undefined) return E.left([syntax])
  if (doc.contents === null) return E.left([{ _tag: 'EmptyFile' }])
  restoreMasks(doc)
  const complex = nonEmpty(complexKeys(doc, lc))
  if (complex !== undefined) return complex
  let js: unknown
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (e) {
    return E.left([
      invalidField('', undefined, `cannot expand the YAML: ${e instanceof Error ? e.message : String(e)}`),
    ])
  }
  const at = (path: ReadonlyArray<Checks.PathSegment>, message: string) => ({
    path: formatPath(path),
    line: lineOf(doc, lc, path),
    message,
  })
  const schema = RawConfig(options.defaultZone)
  const decoded = schema.validate(js, [{ key: '', type: schema, actual: js }])
  const schemaErrors: ReadonlyArray<InvalidField> = E.isLeft(decoded)
    ? decoded.left.map((e) => {
        const f = at(contextPath(e.context), e.message ?? 'invalid value')
        return { _tag: 'InvalidField' as const, ...f }
      })
    : []
  const dupErrors = Checks.duplicates(js).map(
    (f): InvalidField => ({ _tag: 'InvalidField', ...at(f.path, f.message) }),
  )
  const treeErrors = E.isRight(decoded)
    ? Checks.trees(decoded.right).map(
        (f): InvalidField => ({ _tag: 'InvalidField', ...at(f.path, f.message) }),
      )
    : []
  // In file order, so the output reads top to bottom like the file.
  const all = nonEmpty(
    [...schemaErrors, ...dupErrors, ...treeErrors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
  )
  if (all !== undefined || E.isLeft(decoded))
    return all ?? E.left([invalidField('', undefined, 'invalid config')])
  const warnings: ReadonlyArray<ConfigWarning> = Checks.warnings(decoded.right).map((f) =>
    at(f.path, f.message),
  )
  return E.right(fromRaw(decoded.right, [...warnings, ...zoneWarning(js, options)]))
}
