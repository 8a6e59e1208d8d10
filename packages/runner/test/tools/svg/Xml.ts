/**
 * A tiny, strict XML reader for tests (no dependency, no regular expressions): it walks the text character
 * by character and throws on anything not well-formed (unbalanced or crossed tags, unquoted or duplicate
 * attributes, stray `<`/`&`, unknown entities, text outside the root, several roots).
 */

export interface Element {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<Element>
  readonly text: string
}

interface Building {
  name: string
  attrs: Record<string, string>
  children: Element[]
  text: string
}

const isNameStart = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':'
const isNameChar = (c: string): boolean => isNameStart(c) || (c >= '0' && c <= '9') || c === '-' || c === '.'
const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r'

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export const parseXml = (src: string): Element => {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`XML not well-formed at ${i}: ${why}`)
  }
  const name = (): string => {
    const start = i
    if (!isNameStart(src[i] ?? '')) fail('expected a name')
    while (i < src.length && isNameChar(src[i]!)) i++
    return src.slice(start, i)
  }
  const spaces = (): void => {
    while (i < src.length && isSpace(src[i]!)) i++
  }
  const decode = (raw: string): string => {
    let out = ''
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k]!
      if (c === '<') fail('raw < in text')
      if (c !== '&') {
        out += c
        continue
      }
      const end = raw.indexOf(';', k)
      if (end < 0) fail('unterminated entity')
      const ent = raw.slice(k + 1, end)
      const value = entities[ent]
      if (value === undefined) fail(`unknown entity &${ent};`)
      out += value
      k = end
    }
    return out
  }

  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>')
    if (end < 0) fail('unterminated declaration')
    i = end + 2
  }
  const stack: Building[] = []
  let root: Element | undefined
  while (i < src.length) {
    const c = src[i]!
    if (c !== '<') {
      const next = src.indexOf('<', i)
      const raw = src.slice(i, next < 0 ? src.length : next)
      const text = decode(raw)
      const top = stack[stack.length - 1]
      if (top === undefined) {
        for (const ch of text) if (!isSpace(ch)) fail('text outside the root element')
      } else top.text += text
      i = next < 0 ? src.length : next
      continue
    }
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i)
      if (end < 0) fail('unterminated comment')
      i = end + 3
      continue
    }
    if (src[i + 1] === '/') {
      i += 2
      const n = name()
      spaces()
      if (src[i] !== '>') fail('expected > in end tag')
      i++
      const open = stack.pop()
      if (open === undefined || open.name !== n) fail(`end tag </${n}> does not match <${open?.name}>`)
      const done: Element = {
        name: open!.name,
        attrs: open!.attrs,
        children: open!.children,
        text: open!.text,
      }
      const parent = stack[stack.length - 1]
      if (parent === undefined) {
        if (root !== undefined) fail('more than one root element')
        root = done
      } else parent.children.push(done)
      continue
    }
    i++
    const el: Building = { name: name(), attrs: {}, children: [], text: '' }
    if (stack.length === 0 && root !== undefined) fail('more than one root element')
    for (;;) {
      const before = i
      spaces()
      if (src[i] === '/' && src[i + 1] === '>') {
        i += 2
        const done: Element = { name: el.name, attrs: el.attrs, children: [], text: '' }
        const parent = stack[stack.length - 1]
        if (parent === undefined) root = done
        else parent.children.push(done)
        break
      }
      if (src[i] === '>') {
        i++
        stack.push(el)
        break
      }
      if (i === before) fail('expected space before attribute')
      const key = name()
      if (key in el.attrs) fail(`duplicate attribute ${key}`)
      if (src[i] !== '=') fail('expected =')
      i++
      const q = src[i]
      if (q !== '"' && q !== "'") fail('attribute value not quoted')
      const end = src.indexOf(q!, i + 1)
      if (end < 0) fail('unterminated attribute value')
      el.attrs[key] = decode(src.slice(i + 1, end))
      i = end + 1
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]!.name}>`)
  if (root === undefined) fail('no root element')
  return root!
}

/** All elements of the tree, depth first. */
export const elements = (root: Element): ReadonlyArray<Element> => [root, ...root.children.flatMap(elements)]
