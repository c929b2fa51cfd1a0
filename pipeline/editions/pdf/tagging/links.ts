import { inflateSync } from 'node:zlib'
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, type PDFObject } from 'pdf-lib'
import { latin1, resolve, type PdfObjects, type PdfPage, type PdfUpdate } from './tags.ts'
import { PdfName } from './names.ts'

/**
 * PDF/UA-1 (7.18.5) asks every link annotation for an alternate description
 * in /Contents; Chromium writes none. Each gets the text of its `Link`
 * structure element, read from the page content through the fonts'
 * ToUnicode maps, or its address when it has no text.
 */
export function describeLinks(file: PdfObjects, pages: readonly PdfPage[], root: PDFDict | undefined): PdfUpdate[] {
  const objects = readOnce(file)
  const parents = root ? numberTree(objects, root.get(PDFName.of('ParentTree'))) : new Map<number, PDFObject>()
  const pageOf = new Map(pages.map((page) => [page.ref.objectNumber, page]))
  // First the marked content each link owns, then the text of only that content: a page's other text is not decoded.
  const links: Array<{ ref: PDFRef; annot: PDFDict; marks: Mark[] }> = []
  const wanted = new Map<number, Set<number>>()
  for (const page of pages) {
    const annots = resolve(objects, page.dict.get(PdfName.Annots))
    if (!(annots instanceof PDFArray)) continue
    for (const ref of annots.asArray()) {
      const annot = ref instanceof PDFRef ? file.read(ref) : undefined
      if (!(ref instanceof PDFRef) || !(annot instanceof PDFDict) || annot.get(PdfName.Subtype) !== PdfName.Link || annot.has(PdfName.Contents)) continue
      const key = annot.get(PdfName.StructParent)
      const element = key instanceof PDFNumber ? parents.get(key.asNumber()) : undefined
      const marks = element ? elementMarks(objects, element, page.ref) : []
      for (const [pageNumber, mcid] of marks) {
        let set = wanted.get(pageNumber)
        if (!set) wanted.set(pageNumber, (set = new Set()))
        set.add(mcid)
      }
      links.push({ ref, annot, marks })
    }
  }
  const textOnPage = new Map<number, Map<number, string>>()
  const fonts = new Map<number, FontMap>()
  const textOf = ([pageNumber, mcid]: Mark): string => {
    const page = pageOf.get(pageNumber)
    if (!page) return ''
    let texts = textOnPage.get(pageNumber)
    if (!texts) textOnPage.set(pageNumber, (texts = markedTexts(objects, page, fonts, wanted.get(pageNumber) ?? new Set())))
    return texts.get(mcid) ?? ''
  }
  const updates: PdfUpdate[] = []
  for (const { ref, annot, marks } of links) {
    const description =
      marks
        .map(textOf)
        .join('')
        .replace(/\u00AD/g, '')
        .replace(/\s+/g, ' ')
        .trim() || address(objects, annot)
    if (!description) continue
    annot.set(PdfName.Contents, PDFHexString.fromText(description))
    updates.push([ref, annot])
  }
  return updates
}

/**
 * Everything read through it parsed once: the structure elements, fonts and
 * pages that several links share. Only the annotations are changed here, and
 * they are read apart, each as the file has it.
 */
function readOnce(objects: PdfObjects): PdfObjects {
  const parsed = new Map<number, PDFObject>()
  const read = (ref: PDFRef): PDFObject => {
    let object = parsed.get(ref.objectNumber)
    if (!object) parsed.set(ref.objectNumber, (object = objects.read(ref)))
    return object
  }
  return { ...objects, read }
}

/** The URI or named destination of a link annotation. */
function address(objects: PdfObjects, annot: PDFDict): string {
  const action = resolve(objects, annot.get(PdfName.A))
  const target = action instanceof PDFDict ? resolve(objects, action.get(PdfName.URI)) : resolve(objects, annot.get(PdfName.Dest))
  if (target instanceof PDFString || target instanceof PDFHexString) return target.decodeText()
  return target instanceof PDFName ? target.decodeText() : ''
}

/** A page's object number and an MCID on it: one marked-content sequence. */
type Mark = [page: number, mcid: number]

/** The marked content a structure element owns, in order: its MCIDs on its page, and its children's. */
function elementMarks(objects: PdfObjects, element: PDFObject, page: PDFRef, marks: Mark[] = [], depth = 0): Mark[] {
  const node = resolve(objects, element)
  if (!(node instanceof PDFDict) || depth > 50) return marks
  const own = node.get(PdfName.Pg)
  const here = own instanceof PDFRef ? own : page
  const kids = resolve(objects, node.get(PdfName.K))
  for (const kid of kids instanceof PDFArray ? kids.asArray() : kids ? [kids] : []) {
    if (kid instanceof PDFNumber) {
      marks.push([here.objectNumber, kid.asNumber()])
      continue
    }
    const child = resolve(objects, kid)
    if (!(child instanceof PDFDict)) continue
    const mcid = child.get(PdfName.MCID)
    if (mcid instanceof PDFNumber) {
      const pg = child.get(PdfName.Pg)
      marks.push([(pg instanceof PDFRef ? pg : here).objectNumber, mcid.asNumber()])
    } else if (child.has(PdfName.S)) elementMarks(objects, kid, here, marks, depth + 1)
  }
  return marks
}

/** The entries of a number tree (ParentTree). */
function numberTree(objects: PdfObjects, root: PDFObject | undefined): Map<number, PDFObject> {
  const entries = new Map<number, PDFObject>()
  const stack: Array<PDFObject | undefined> = [root]
  while (stack.length > 0) {
    const node = resolve(objects, stack.pop())
    if (!(node instanceof PDFDict)) continue
    const kids = resolve(objects, node.get(PdfName.Kids))
    if (kids instanceof PDFArray) stack.push(...kids.asArray())
    const nums = resolve(objects, node.get(PdfName.Nums))
    if (!(nums instanceof PDFArray)) continue
    for (let index = 0; index + 1 < nums.size(); index += 2) {
      const key = nums.get(index)
      if (key instanceof PDFNumber) entries.set(key.asNumber(), nums.get(index + 1))
    }
  }
  return entries
}

/**
 * Open marked content as seen by the text inside it: the MCID its text goes
 * to (its own or the nearest enclosing one), and whether it or an enclosing
 * mark replaces its glyphs with /ActualText.
 */
interface OpenMark {
  owner: number | undefined
  replaced: boolean
}

/** Text shown in each `wanted` marked-content sequence (by MCID) on a page, decoded with the fonts' ToUnicode maps. */
function markedTexts(objects: PdfObjects, page: PdfPage, cache: Map<number, FontMap>, wanted: ReadonlySet<number>): Map<number, string> {
  const fonts = pageFonts(objects, page.dict, cache)
  const texts = new Map<number, string>()
  const append = (mcid: number | undefined, text: string): void => {
    if (mcid !== undefined && wanted.has(mcid)) texts.set(mcid, (texts.get(mcid) ?? '') + text)
  }
  for (const { source, ops } of page.contents) {
    const marks: OpenMark[] = []
    let font: FontMap | undefined
    for (const op of ops) {
      const name = op.name
      const top = marks[marks.length - 1]
      if (name === 'Tj' || name === 'TJ') {
        // Most text: one operator per glyph, so no operand is sliced out here.
        if (font && top?.owner !== undefined && !top.replaced && wanted.has(top.owner)) append(top.owner, shownText(font, source, op.start, op.end - name.length))
      } else if (name === 'BDC') {
        const properties = source.slice(op.start, op.end - name.length)
        const mcid = /\/MCID\s+(\d+)/.exec(properties)?.[1]
        // Chromium draws a soft hyphen as a space glyph with `/ActualText <FEFF00AD>`.
        const actual = /\/ActualText\s*<([0-9A-Fa-f\s]*)>/.exec(properties)?.[1]
        if (actual !== undefined) append(top?.owner, utf16(actual.replace(/\s+/g, '').replace(/^feff/i, '')))
        marks.push({ owner: mcid === undefined ? top?.owner : Number(mcid), replaced: actual !== undefined || top?.replaced === true })
      } else if (name === 'BMC') marks.push({ owner: top?.owner, replaced: top?.replaced === true })
      else if (name === 'EMC') marks.pop()
      else if (name === 'Tf') font = fonts.get(/\/([^\s/]+)/.exec(source.slice(op.start, op.end - name.length))?.[1] ?? '')
    }
  }
  return texts
}

interface FontMap {
  /** Bytes per character code: 2 for Identity-H (Chromium's CID fonts), else 1. */
  width: number
  unicode: Map<number, string>
}

/**
 * The text of the hex strings (`<…>`, white space allowed) in `source` from
 * `start` to `end` (a `Tj` or `TJ` operator's operands), each decoded on its
 * own; a trailing part of a character code is dropped.
 */
function shownText(font: FontMap, source: string, start: number, end: number): string {
  const step = font.width * 2
  let text = ''
  let at = start
  while (at < end) {
    if (source.charCodeAt(at++) !== 0x3c /* < */) continue
    // Decoded as it is read, and dropped again when the string is not closed.
    const before = text
    let closed = false
    let code = 0
    let digits = 0
    for (; at < end; at++) {
      const char = source.charCodeAt(at)
      const value = hexValue(char)
      if (value < 0) {
        if (isSpace(char)) continue
        closed = char === 0x3e /* > */
        if (closed) at++
        break
      }
      code = code * 16 + value
      if (++digits < step) continue
      text += font.unicode.get(code) ?? ''
      code = 0
      digits = 0
    }
    if (!closed) text = before
  }
  return text
}

/** A hex digit's value, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/** White space as a regular expression's `\s` has it, among latin1 characters. */
function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0
}

/** The page's fonts by resource name, with their ToUnicode maps. */
function pageFonts(objects: PdfObjects, page: PDFDict, cache: Map<number, FontMap>): Map<string, FontMap> {
  const fonts = new Map<string, FontMap>()
  const resources = resolve(objects, page.get(PdfName.Resources))
  const dict = resources instanceof PDFDict ? resolve(objects, resources.get(PdfName.Font)) : undefined
  if (!(dict instanceof PDFDict)) return fonts
  for (const [name, value] of dict.entries()) {
    const cached = value instanceof PDFRef ? cache.get(value.objectNumber) : undefined
    if (cached) {
      fonts.set(name.decodeText(), cached)
      continue
    }
    const font = resolve(objects, value)
    if (!(font instanceof PDFDict)) continue
    const stream = resolve(objects, font.get(PdfName.ToUnicode))
    if (!(stream instanceof PDFRawStream)) continue
    const bytes = stream.dict.get(PdfName.Filter) === PdfName.FlateDecode ? inflateSync(stream.contents) : stream.contents
    const width = font.get(PdfName.Subtype) === PdfName.Type0 ? 2 : 1
    const map = { width, unicode: toUnicodeMap(latin1(bytes)) }
    if (value instanceof PDFRef) cache.set(value.objectNumber, map)
    fonts.set(name.decodeText(), map)
  }
  return fonts
}

/** UTF-16BE code units written in hex (hex digits only). */
function utf16(hex: string): string {
  let text = ''
  for (let at = 0; at + 4 <= hex.length; at += 4) {
    let unit = 0
    for (let digit = at; digit < at + 4; digit++) unit = unit * 16 + hexValue(hex.charCodeAt(digit))
    text += String.fromCharCode(unit)
  }
  return text
}

/** A ToUnicode CMap's `bfchar` and `bfrange` entries. */
function toUnicodeMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>()
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, value] of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(Number.parseInt(code ?? '', 16), utf16(value ?? ''))
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, low, high, target] of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])/g)) {
      const from = Number.parseInt(low ?? '', 16)
      const to = Math.min(Number.parseInt(high ?? '', 16), from + 0xffff)
      const values = target?.startsWith('[') ? [...target.matchAll(/<([0-9A-Fa-f]+)>/g)].map((match) => match[1] ?? '') : undefined
      const start = values ? 0 : Number.parseInt((target ?? '<>').slice(1, -1), 16)
      const last = values ? '' : (target ?? '<>').slice(1, -1)
      for (let code = from; code <= to; code++) {
        const value = values ? values[code - from] : (start + code - from).toString(16).padStart(last.length, '0')
        if (value) map.set(code, utf16(value))
      }
    }
  }
  return map
}
