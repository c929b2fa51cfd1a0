/**
 * PDF/UA asks that everything drawn on a page be either tagged content or an
 * artifact. Chromium tags what its accessibility tree holds and leaves the
 * rest bare: Paged.js's running heads and page numbers (CSS-generated text of
 * the page margins), rules and backgrounds. `markArtifacts` wraps whatever a
 * page content stream draws outside any marked content in `/Artifact BMC …
 * EMC`, never splitting a path or crossing a text object's bounds.
 */

/** One operator of a content stream, from its first operand to its end. */
export interface Operation {
  name: string
  start: number
  end: number
}

/** Character classes of PDF syntax, by byte: 1 white space, 2 delimiter, 0 regular. */
const kind = new Uint8Array(256)
for (const code of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) kind[code] = 1
for (const char of '()<>[]{}/%') kind[char.charCodeAt(0)] = 2
const isRegular = (code: number): boolean => kind[code] === 0
/** A number's first character: a digit, `+`, `-` or `.`. */
const isNumberStart = (code: number): boolean => (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e
const keywords = new Set(['true', 'false', 'null'])

const textShowing = new Set(['Tj', 'TJ', "'", '"'])
const pathPainting = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'n'])
const xobjectPainting = new Set(['Do', 'sh', 'BI'])
const marking = new Set(['BDC', 'BMC', 'EMC'])

/** The page's height and the heights of its top and bottom margins, in points. */
export interface PageBands {
  height: number
  top: number
  bottom: number
}

/** Text in a page margin is a running head or foot: a pagination artifact (PDF/UA-1 7.8); other bare drawing is an untyped one. */
type ArtifactKind = 'Header' | 'Footer' | 'other'
const opening: Record<ArtifactKind, string> = {
  Header: '/Artifact <</Type /Pagination /Subtype /Header>> BDC\n',
  Footer: '/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n',
  other: '/Artifact BMC\n',
}
const close = 'EMC\n'

type Matrix = [number, number, number, number, number, number]
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
]

/**
 * The content stream (as latin1 text, with its operations) with its bare
 * drawing marked as artifacts, or undefined when it has none. With the
 * page's bands, text in its top or bottom margin is a pagination artifact.
 */
export function markArtifacts(source: string, ops: readonly Operation[] = operations(source), page?: PageBands): Uint8Array | undefined {
  const pieces: string[] = []
  let copied = 0
  const insert = (at: number, text: string): void => {
    pieces.push(source.slice(copied, at), text)
    copied = at
  }
  const numbers = (op: Operation): number[] =>
    source
      .slice(op.start, op.end - op.name.length)
      .trim()
      .split(/\s+/)
      .map(Number)
  let depth = 0
  let open: ArtifactKind | undefined
  let inText = false
  let ctm: Matrix = [1, 0, 0, 1, 0, 0]
  const saved: Matrix[] = []
  const end = (at: number): void => {
    if (!open) return
    insert(at, close)
    open = undefined
  }
  const begin = (at: number, kind: ArtifactKind = 'other'): void => {
    if (depth > 0 || kind === open) return
    end(at)
    insert(at, opening[kind])
    open = kind
  }
  /** Where a text object's first `Tm` puts its text: in a margin band, or not. */
  const kindOfText = (inner: readonly Operation[]): ArtifactKind => {
    const tm = inner.find((other) => other.name === 'Tm')
    if (!page || !tm) return 'other'
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = numbers(tm)
    const y = multiply([a, b, c, d, e, f], ctm)[5]
    return y > page.height - page.top ? 'Header' : y < page.bottom ? 'Footer' : 'other'
  }

  for (let index = 0; index < ops.length; index++) {
    const op = ops[index] as Operation
    if (op.name === 'q') saved.push(ctm)
    else if (op.name === 'Q') ctm = saved.pop() ?? ctm
    else if (op.name === 'cm') {
      const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = numbers(op)
      ctm = multiply([a, b, c, d, e, f], ctm)
    } else if (op.name === 'BDC' || op.name === 'BMC') {
      end(op.start)
      depth++
    } else if (op.name === 'EMC') {
      depth = Math.max(0, depth - 1)
    } else if (op.name === 'BT') {
      const last = findIndex(ops, index, (other) => other.name === 'ET')
      const inner = ops.slice(index + 1, last)
      if (depth === 0 && !inner.some((other) => marking.has(other.name))) {
        // A text object with no marks of its own: one unit.
        if (inner.some((other) => textShowing.has(other.name))) begin(op.start, kindOfText(inner))
        index = last
      } else {
        // Marks inside: an artifact must begin and end within the text object.
        end(op.start)
        inText = true
      }
    } else if (op.name === 'ET') {
      if (inText) end(op.start)
      inText = false
    } else if (textShowing.has(op.name)) {
      if (inText) begin(op.start)
    } else if (op.name === 'm' || op.name === 're') {
      const painted = findIndex(ops, index, (other) => pathPainting.has(other.name))
      if (ops[painted]?.name !== 'n') begin(op.start)
      index = painted
    } else if (xobjectPainting.has(op.name)) {
      begin(op.start)
    }
  }
  if (pieces.length === 0) return undefined
  pieces.push(source.slice(copied), open ? `\n${close}` : '')
  return Buffer.from(pieces.join(''), 'latin1')
}

/** The index of the first operation after `from` that matches, or the last index. */
function findIndex(ops: readonly Operation[], from: number, match: (op: Operation) => boolean): number {
  for (let index = from + 1; index < ops.length; index++) if (match(ops[index] as Operation)) return index
  return ops.length - 1
}

/** Split a content stream (as latin1 text) into operators with their operands (strings, arrays, dictionaries and inline images skipped whole). */
export function operations(source: string): Operation[] {
  const ops: Operation[] = []
  let operandStart = -1
  let at = 0
  const length = source.length
  const mark = (position: number): void => {
    if (operandStart < 0) operandStart = position
  }
  while (at < length) {
    const code = source.charCodeAt(at) & 0xff
    if (kind[code] === 1) {
      at++
    } else if (code === 0x25 /* % */) {
      while (at < length && source.charCodeAt(at) !== 0x0a && source.charCodeAt(at) !== 0x0d) at++
    } else if (code === 0x28 /* ( */) {
      mark(at)
      at = skipString(source, at)
    } else if (code === 0x3c /* < */ && source.charCodeAt(at + 1) !== 0x3c) {
      mark(at)
      const closing = source.indexOf('>', at)
      at = closing < 0 ? length : closing + 1
    } else if (kind[code] === 2) {
      // `<<`, `>>`, `[`, `]`, `{`, `}`, or a name's slash.
      mark(at)
      at++
      if (code === 0x2f /* / */) while (at < length && isRegular(source.charCodeAt(at) & 0xff)) at++
    } else {
      const start = at
      while (at < length && isRegular(source.charCodeAt(at) & 0xff)) at++
      // Most tokens are numbers: told apart by their first character, without slicing them out.
      const word = isNumberStart(code) ? '' : source.slice(start, at)
      if (word === '' || keywords.has(word)) {
        mark(start)
        continue
      }
      if (word === 'BI') at = skipInlineImage(source, at)
      ops.push({ name: word, start: operandStart < 0 ? start : operandStart, end: at })
      operandStart = -1
    }
  }
  return ops
}

/** The position after a literal string `( … )`, with nested parentheses and escapes. */
function skipString(source: string, from: number): number {
  let nesting = 0
  for (let at = from; at < source.length; at++) {
    const char = source[at]
    if (char === '\\') at++
    else if (char === '(') nesting++
    else if (char === ')' && --nesting === 0) return at + 1
  }
  return source.length
}

/** The position after an inline image's `EI` (its data, after `ID`, is binary). */
function skipInlineImage(source: string, from: number): number {
  const data = /\sID\s/g
  data.lastIndex = from
  if (!data.exec(source)) return source.length
  const end = /\sEI(?=\s|$)/g
  end.lastIndex = data.lastIndex
  return end.exec(source) ? end.lastIndex : source.length
}
