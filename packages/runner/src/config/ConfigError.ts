/**
 * What can be wrong with a config file. Every problem carries where it is (the YAML path and line), so
 * `check-config` and the reload loop can print all of them at once.
 *
 * @since 0.1.0
 */
import type * as RNEA from 'fp-ts/lib/ReadonlyNonEmptyArray.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The file could not be read (missing, permissions, too big). */
export interface Unreadable {
  readonly _tag: 'Unreadable'
  readonly message: string
}

/** The YAML itself does not parse; `line` and `column` are 1-based. */
export interface YamlSyntax {
  readonly _tag: 'YamlSyntax'
  readonly line: number
  readonly column: number
  readonly message: string
}

/** The file holds no document (empty or only comments). */
export interface EmptyFile {
  readonly _tag: 'EmptyFile'
}

/** A key or value breaks the schema: missing, unknown, wrong type, out of range, duplicate. */
export interface InvalidField {
  readonly _tag: 'InvalidField'
  /** e.g. `datasets[1].destinations[0].remote_host`; `''` for the document itself. */
  readonly path: string
  /** 1-based line of the key (or of the nearest enclosing node when the key is missing). */
  readonly line: number | undefined
  readonly message: string
}

export type ConfigError = Unreadable | YamlSyntax | EmptyFile | InvalidField

/** At least one error; decoding collects all of them. */
export type ConfigErrors = RNEA.ReadonlyNonEmptyArray<ConfigError>

/** Accepted but probably not what the user meant (e.g. two destinations of one dataset on one host). */
export interface ConfigWarning {
  readonly path: string
  readonly line: number | undefined
  readonly message: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

export const invalidField = (path: string, line: number | undefined, message: string): ConfigError => ({
  _tag: 'InvalidField',
  path,
  line,
  message,
})

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

const at = (line: number | undefined): string => (line === undefined ? '' : `line ${line}: `)

/** One line per problem, e.g. `line 12: datasets[1].destinations[0].remote_host: required`. */
export const format = (e: ConfigError): string => {
  switch (e._tag) {
    case 'Unreadable':
      return `cannot read: ${e.message}`
    case 'YamlSyntax':
      return `line ${e.line}: YAML syntax error (column ${e.column}): ${e.message}`
    case 'EmptyFile':
      return 'the file is empty: expected at least a "datasets:" list'
    case 'InvalidField':
      return `${at(e.line)}${e.path === '' ? '(document)' : e.path}: ${e.message}`
  }
}

export const formatWarning = (w: ConfigWarning): string => `${at(w.line)}${w.path}: ${w.message}`
