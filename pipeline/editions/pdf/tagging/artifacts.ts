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
/** Keywords among operands; all longer than any name in `shortNames`. */
const keywords = new Set(['true', 'false', 'null'])

const pathPainting = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'n'])
// Tested on every operation: compared one by one, quicker than a Set lookup (names are the literals' strings, see `shortNames`).
const isTextShowing = (name: string): boolean => name === 'Tj' || name === 'TJ' || name === "'" || name === '"'
const isXObjectPainting = (name: string): boolean => name === 'Do' || name === 'sh' || name === 'BI'
const isMarking = (name: string): boolean => name === 'BDC' || name === 'BMC' || name === 'EMC'

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
  /** Where the first `Tm` of a text object (the operations from `first` to before `last`) puts its text: in a margin band, or not. */
  const kindOfText = (first: number, last: number): ArtifactKind => {
    const tm = firstBetween(ops, first, last, (name) => name === 'Tm')
    if (!page || !tm) return 'other'
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = numbers(tm)
    const y = multiply([a, b, c, d, e, f], ctm)[5]
    return y > page.height - page.top ? 'Header' : y < page.bottom ? 'Footer' : 'other'
  }

  for (let index = 0; index < ops.length; index++) {
    const op = ops[index] as Operation
    const name = op.name
    if (name === 'q') saved.push(ctm)
    else if (name === 'Q') ctm = saved.pop() ?? ctm
    else if (name === 'cm') {
      const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = numbers(op)
      ctm = multiply([a, b, c, d, e, f], ctm)
    } else if (name === 'BDC' || name === 'BMC') {
      end(op.start)
      depth++
    } else if (name === 'EMC') {
      depth = Math.max(0, depth - 1)
    } else if (name === 'BT') {
      // Text inside marked content (most of it) is looked at one operation at a time.
      const last = depth === 0 ? findIndex(ops, index, (other) => other.name === 'ET') : undefined
      if (last !== undefined && !firstBetween(ops, index + 1, last, isMarking)) {
        // A text object with no marks of its own: one unit.
        if (firstBetween(ops, index + 1, last, isTextShowing)) begin(op.start, kindOfText(index + 1, last))
        index = last
      } else {
        // Marks inside: an artifact must begin and end within the text object.
        end(op.start)
        inText = true
      }
    } else if (name === 'ET') {
      if (inText) end(op.start)
      inText = false
    } else if (isTextShowing(name)) {
      if (inText) begin(op.start)
    } else if (name === 'm' || name === 're') {
      const painted = findIndex(ops, index, (other) => pathPainting.has(other.name))
      if (ops[painted]?.name !== 'n') begin(op.start)
      index = painted
    } else if (isXObjectPainting(name)) {
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

/** The first of the operations from `from` to before `to` whose name matches. */
function firstBetween(ops: readonly Operation[], from: number, to: number, match: (name: string) => boolean): Operation | undefined {
  for (let index = from; index < to; index++) if (match((ops[index] as Operation).name)) return ops[index]
  return undefined
}

/** Split a content stream (as latin1 text) into operators with their operands (strings, arrays, dictionaries and inline images skipped whole). */
export function operations(source: string): Operation[] {
  const ops: Operation[] = []
  let operandStart = -1
  let at = 0
  const length = source.length
  while (at < length) {
    const code = source.charCodeAt(at) & 0xff
    if (kind[code] === 1) {
      at++
      continue
    }
    if (code === 0x25 /* % */) {
      while (at < length && source.charCodeAt(at) !== 0x0a && source.charCodeAt(at) !== 0x0d) at++
      continue
    }
    const start = at
    if (code === 0x28 /* ( */) {
      at = skipString(source, at)
    } else if (code === 0x3c /* < */ && source.charCodeAt(at + 1) !== 0x3c) {
      const closing = source.indexOf('>', at)
      at = closing < 0 ? length : closing + 1
    } else if (kind[code] === 2) {
      // `<<`, `>>`, `[`, `]`, `{`, `}`, or a name's slash.
      at++
      if (code === 0x2f /* / */) while (at < length && isRegular(source.charCodeAt(at) & 0xff)) at++
    } else {
      while (at < length && isRegular(source.charCodeAt(at) & 0xff)) at++
      // Most tokens are numbers: told apart by their first character, without slicing them out.
      const name = isNumberStart(code) ? undefined : operatorName(source, start, at)
      if (name !== undefined) {
        if (name === 'BI') at = skipInlineImage(source, at)
        ops.push({ name, start: operandStart < 0 ? start : operandStart, end: at })
        operandStart = -1
        continue
      }
    }
    if (operandStart < 0) operandStart = start
  }
  return ops
}

/**
 * Operator names of up to three characters by their character codes, each
 * sliced out once per process. Seeded with the names compared here and in
 * `links.ts`, so that a name and the literal it is compared with are one
 * string (compared without reading their characters).
 */
const shortNames = new Map<number, string>()
for (const name of [...pathPainting, 'Tj', 'TJ', "'", '"', 'Do', 'sh', 'BI', 'BDC', 'BMC', 'EMC', 'q', 'Q', 'cm', 'BT', 'ET', 'Tm', 'Tf', 'm', 're']) {
  shortNames.set(shortKey(name, 0, name.length), name)
}

/** The operator named by the word at `start`–`end` (a short name from `shortNames`), or undefined for a keyword operand. */
function operatorName(source: string, start: number, end: number): string | undefined {
  const key = shortKey(source, start, end)
  if (key < 0) {
    const word = source.slice(start, end)
    return keywords.has(word) ? undefined : word
  }
  let name = shortNames.get(key)
  if (name === undefined) {
    name = source.slice(start, end)
    if (shortNames.size < 4096) shortNames.set(key, name)
  }
  return name
}

/** A number for a word of up to three latin1 characters (never 0, so words of different lengths differ), or -1. */
function shortKey(source: string, start: number, end: number): number {
  if (end - start > 3) return -1
  let key = 0
  for (let at = start; at < end; at++) {
    const code = source.charCodeAt(at)
    if (code > 0xff) return -1
    key = key * 256 + code
  }
  return key
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
