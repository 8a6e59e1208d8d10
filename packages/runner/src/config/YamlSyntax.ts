/**
 * The one syntax error to show. The yaml library reports an indentation slip as several errors, none on
 * the line that slipped (one key indented too far at line 7 gives errors at lines 6, or 8, 11 and 18), and
 * everything after the first is an echo. So: the first error only, and for indentation the line that
 * broke it, found by reading the indentation of block mappings the way a reader does.
 *
 * The scan only *locates* an error the parser found; it never rejects a file the parser accepts.
 *
 * @since 0.1.0
 */
import type { Document, LineCounter } from 'yaml'
import type { YamlSyntax } from './ConfigError.js'

interface Line {
  readonly number: number
  readonly indent: number
  /** Column where the line's key starts, after any `- ` sequence markers. */
  readonly content: number
  readonly text: string
}

const stripComment = (s: string): string => s.replace(/(^|\s)#.*$/, '').trimEnd()

/** A `key: value` or `key:` shape (what a plain scalar's continuation line may not contain). */
const looksLikeKey = (s: string): boolean => /^(- +)*[^\s#'"[{][^#]*?:(\s|$)/.test(s)

/** Opens a deeper block: `key:` with no value, or a bare `-`. */
const opensBlock = (s: string): boolean => s.endsWith(':') || /^(- *)+$/.test(s)

/** `key: |` or `key: >-`: the lines below, indented deeper, are text. */
const opensBlockScalar = (s: string): boolean => /(^|[:-])\s*[|>][-+]?\d?$/.test(s)

const unbalancedFlow = (s: string): boolean => {
  const bare = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '')
  let depth = 0
  for (const ch of bare) depth += ch === '[' || ch === '{' ? 1 : ch === ']' || ch === '}' ? -1 : 0
  return depth !== 0
}

const linesOf = (text: string): ReadonlyArray<Line> =>
  text.split(/\r?\n/).flatMap((raw, i) => {
    const text = stripComment(raw).trimStart()
    if (text === '' || text === '---') return []
    const indent = raw.length - raw.trimStart().length
    const markers = /^(- +)*/.exec(text)?.[0].length ?? 0
    return [{ number: i + 1, indent, content: indent + markers, text }]
  })

const slip = (line: Line, message: string): YamlSyntax => ({
  _tag: 'YamlSyntax',
  line: line.number,
  column: line.indent + 1,
  message: `bad indentation: ${message}`,
})

/**
 * The first line whose indentation breaks the block structure. A line deeper than the one above must
 * follow a `key:` that opens a block; a line that dedents must land on an enclosing block's column. When
 * a dedent lands between columns, the block it left is the slip if the rest of the parent agrees with
 * the dedented line (a first key indented too far), else the dedented line is.
 */
const indentationSlip = (text: string): YamlSyntax | undefined => {
  const lines = linesOf(text)
  if (lines.some((l) => unbalancedFlow(l.text))) return undefined // flow collections: the parser's word
  const levels: Array<{ readonly column: number; readonly first: Line; count: number }> = []
  let previous: Line | undefined
  let textBelow: number | undefined
  for (const [i, line] of lines.entries()) {
    if (textBelow !== undefined && line.indent > textBelow) continue
    textBelow = undefined
    let popped: (typeof levels)[number] | undefined
    while (levels.length > 0 && levels[levels.length - 1]!.column > line.content) popped = levels.pop()
    const top = levels[levels.length - 1]
    if (previous === undefined || top === undefined)
      levels.push({ column: line.content, first: line, count: 1 })
    else if (line.content === top.column) top.count++
    else if (popped !== undefined) {
      // Between two columns: count the lines of the parent block at this line's column.
      const parent = levels[levels.length - 2]?.column ?? -1
      let agreeing = 0
      for (const later of lines.slice(i)) {
        if (later.content <= parent) break
        if (later.content === line.content) agreeing++
      }
      return agreeing > popped.count
        ? slip(
            popped.first,
            `${popped.first.indent} spaces, but the rest of its block (line ${line.number} on) has ${line.indent}`,
          )
        : slip(
            line,
            `${line.indent} spaces match no enclosing block (line ${popped.first.number} has ${popped.first.indent}, line ${top.first.number} has ${top.first.indent})`,
          )
    } else if (opensBlock(previous.text)) levels.push({ column: line.content, first: line, count: 1 })
    else if (looksLikeKey(line.text))
      return slip(
        line,
        `${line.indent} spaces, deeper than line ${previous.number}, whose key already has a value`,
      )
    else continue // a plain scalar continued on the next line
    if (opensBlockScalar(line.text)) textBelow = line.indent
    previous = line
  }
  return undefined
}

/** The first syntax error of `doc` (in file order), or undefined when the YAML parses. */
export const firstSyntaxError = (text: string, doc: Document, lc: LineCounter): YamlSyntax | undefined => {
  const [first] = doc.errors
    .map((e) => ({ e, pos: lc.linePos(e.pos[0]) }))
    .sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col)
  if (first === undefined) return undefined
  const slip = indentationSlip(text)
  // Trust the scan only near where the parser stumbled (it reads a slip at line n on line n-1 or n+1).
  if (slip !== undefined && slip.line <= first.pos.line + 1) return slip
  return {
    _tag: 'YamlSyntax',
    line: first.pos.line,
    column: first.pos.col,
    message: first.e.message.split('\n')[0] ?? first.e.code,
  }
}
