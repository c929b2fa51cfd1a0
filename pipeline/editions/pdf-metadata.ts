import { createHash } from 'node:crypto'
import {
  PDFArray,
  PDFBool,
  PDFContext,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFObject,
} from 'pdf-lib'
import { describeLinks } from './pdf-links.ts'
import { markPageArtifacts, readPages, tagNotes, type PdfObjects, type PdfUpdate } from './pdf-tags.ts'
import { xmpPacket } from './pdf-xmp.ts'

/** The document information offprint writes into every PDF. */
export interface PdfMetadata {
  title: string
  authors: readonly string[]
  subject?: string
  keywords: readonly string[]
  /** BCP 47 tag for the catalog's `/Lang`. */
  lang: string
  /** `/Creator` and `/Producer`. */
  creator: string
  producer: string
  /** CreationDate and ModDate. */
  date: Date
}

interface XrefEntry {
  offset: number
  generation: number
}

interface PdfTail {
  /** Offset of the last cross-reference table (`startxref`). */
  startxref: number
  size: number
  root: PDFRef
  info: PDFRef | undefined
  entries: Map<number, XrefEntry>
}

const latin1 = new TextDecoder('latin1')
const ascii = new TextEncoder()

/**
 * Add metadata to Chromium's PDF without rewriting it: one incremental
 * update (new Catalog with /Lang and /ViewerPreferences, the structure tree
 * root with a /RoleMap, footnotes retagged `Note`, links described, page contents with their
 * untagged drawing marked as artifacts, XMP metadata, new Info, trailer with /ID) appended
 * to the original bytes. The only in-place change blanks
 * Chromium's own Info dictionary (same length, so no offset moves): it holds
 * the wall-clock time, and the file must be the same on every build. The
 * /ID is a hash of the content, so it is stable too.
 */
export function addPdfMetadata(original: Uint8Array, metadata: PdfMetadata): Uint8Array {
  const bytes = new Uint8Array(original)
  const tail = readTail(bytes)
  if (tail.info) blankObject(bytes, tail.entries.get(tail.info.objectNumber))

  const context = PDFContext.create()
  const catalog = readObject(bytes, tail.entries.get(tail.root.objectNumber), context)
  if (!(catalog instanceof PDFDict)) throw new Error('Unexpected PDF catalog that is not a dictionary, expected `<< /Type /Catalog … >>`')
  catalog.set(PDFName.of('Lang'), PDFString.of(metadata.lang))
  const preferences = context.obj({})
  preferences.set(PDFName.of('DisplayDocTitle'), PDFBool.True)
  catalog.set(PDFName.of('ViewerPreferences'), preferences)

  let next = tail.size
  const objects: PdfObjects = {
    context,
    read: (ref) => readObject(bytes, tail.entries.get(ref.objectNumber), context),
    allocate: () => PDFRef.of(next++),
  }
  const structure = structureUpdates(objects, catalog)
  const pages = readPages(objects, catalog)
  const structRoot = structure[0]?.[1]
  const links = describeLinks(objects, pages, structRoot instanceof PDFDict ? structRoot : undefined)
  const artifacts = markPageArtifacts(objects, pages)

  const xmp = ascii.encode(xmpPacket(metadata))
  const xmpRef = catalog.get(PDFName.of('Metadata'))
  const metadataRef = xmpRef instanceof PDFRef ? xmpRef : objects.allocate()
  catalog.set(PDFName.of('Metadata'), metadataRef)
  const metadataStream = PDFRawStream.of(context.obj({ Type: 'Metadata', Subtype: 'XML' }), xmp)

  const infoRef = objects.allocate()
  const info = context.obj({})
  info.set(PDFName.of('Title'), text(metadata.title))
  if (metadata.authors.length > 0) info.set(PDFName.of('Author'), text(metadata.authors.join(', ')))
  if (metadata.subject) info.set(PDFName.of('Subject'), text(metadata.subject))
  if (metadata.keywords.length > 0) info.set(PDFName.of('Keywords'), text(metadata.keywords.join(', ')))
  info.set(PDFName.of('Creator'), text(metadata.creator))
  info.set(PDFName.of('Producer'), text(metadata.producer))
  info.set(PDFName.of('CreationDate'), PDFString.fromDate(metadata.date))
  info.set(PDFName.of('ModDate'), PDFString.fromDate(metadata.date))

  const start = bytes.length + 1
  const chunks: Uint8Array[] = [ascii.encode('\n')]
  const offsets: Array<[PDFRef, number]> = []
  let position = start
  const updated: PdfUpdate[] = [[tail.root, catalog], ...structure, ...links, ...artifacts, [metadataRef, metadataStream], [infoRef, info]]
  for (const [ref, object] of updated) {
    const serialized = serializeIndirect(ref, object)
    offsets.push([ref, position])
    chunks.push(serialized)
    position += serialized.length
  }
  const body = concat([bytes, ...chunks])
  const id = createHash('sha256').update(body).digest('hex').slice(0, 32)

  const trailer = context.obj({})
  trailer.set(PDFName.of('Size'), PDFNumber.of(next))
  trailer.set(PDFName.of('Root'), tail.root)
  trailer.set(PDFName.of('Info'), infoRef)
  trailer.set(PDFName.of('Prev'), PDFNumber.of(tail.startxref))
  const ids = PDFArray.withContext(context)
  ids.push(PDFHexString.of(id))
  ids.push(PDFHexString.of(id))
  trailer.set(PDFName.of('ID'), ids)

  const xref = ['xref']
  for (const [ref, offset] of offsets.sort((a, b) => a[0].objectNumber - b[0].objectNumber)) {
    xref.push(`${ref.objectNumber} 1`, `${String(offset).padStart(10, '0')} ${String(ref.generationNumber).padStart(5, '0')} n\r`)
  }
  const end = ascii.encode(`${xref.join('\n')}\ntrailer\n${trailer.toString()}\nstartxref\n${position}\n%%EOF\n`)
  return concat([body, end])
}

/**
 * Chromium tags emphasis as `Em` and `Strong` and complementary content as
 * `Aside`, PDF 2.0 types that PDF 1.7 (and PDF/UA-1) do not know: map them to
 * standard types in the structure tree root's /RoleMap. The print page's only
 * complementary content is its footnotes, retagged `Note` by `tagNotes`.
 */
const roleMap: Record<string, string> = { Em: 'Span', Strong: 'Span', Aside: 'Note' }

/** The structure tree root with its /RoleMap, and the footnotes tagged `Note` (see `tagNotes`). */
function structureUpdates(objects: PdfObjects, catalog: PDFDict): PdfUpdate[] {
  const ref = catalog.get(PDFName.of('StructTreeRoot'))
  if (!(ref instanceof PDFRef)) return []
  const root = objects.read(ref)
  if (!(root instanceof PDFDict)) return []
  const map = objects.context.obj({})
  for (const [from, to] of Object.entries(roleMap)) map.set(PDFName.of(from), PDFName.of(to))
  root.set(PDFName.of('RoleMap'), map)
  const notes = tagNotes(objects, root)
  return [[ref, root], ...notes]
}

function text(value: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(value) ? PDFString.of(value.replace(/[\\()]/g, '\\$&')) : PDFHexString.fromText(value)
}

function serializeIndirect(ref: PDFRef, object: PDFObject): Uint8Array {
  const head = ascii.encode(`${ref.objectNumber} ${ref.generationNumber} obj\n`)
  const content = new Uint8Array(object.sizeInBytes())
  object.copyBytesInto(content, 0)
  return concat([head, content, ascii.encode('\nendobj\n')])
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Read `startxref`, the last cross-reference table and its trailer (Chromium writes a plain table). */
function readTail(bytes: Uint8Array): PdfTail {
  const end = latin1.decode(bytes.subarray(Math.max(0, bytes.length - 1024)))
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(end)?.[1])
  if (!Number.isInteger(startxref)) throw new Error('Unexpected PDF without `startxref`, expected Chromium’s output')
  const trailerAt = indexOf(bytes, 'trailer', startxref)
  if (latin1.decode(bytes.subarray(startxref, startxref + 4)) !== 'xref' || trailerAt < 0) {
    throw new Error('Unexpected cross-reference stream, expected a cross-reference table')
  }
  const entries = new Map<number, XrefEntry>()
  const lines = latin1.decode(bytes.subarray(startxref + 4, trailerAt)).split(/\r\n|\r|\n/)
  let number = 0
  for (const line of lines) {
    const section = /^\s*(\d+)\s+(\d+)\s*$/.exec(line)
    if (section) {
      number = Number(section[1])
      continue
    }
    const entry = /^(\d{10}) (\d{5}) ([nf])/.exec(line)
    if (!entry) continue
    if (entry[3] === 'n') entries.set(number, { offset: Number(entry[1]), generation: Number(entry[2]) })
    number++
  }
  const context = PDFContext.create()
  const trailer = PDFObjectParser.forBytes(bytes.subarray(trailerAt + 'trailer'.length), context).parseObject()
  if (!(trailer instanceof PDFDict)) throw new Error('Unexpected PDF trailer that is not a dictionary')
  const root = trailer.get(PDFName.of('Root'))
  const info = trailer.get(PDFName.of('Info'))
  const size = trailer.get(PDFName.of('Size'))
  if (!(root instanceof PDFRef) || !(size instanceof PDFNumber)) throw new Error('Unexpected PDF trailer without /Root or /Size')
  return { startxref, size: size.asNumber(), root, info: info instanceof PDFRef ? info : undefined, entries }
}

/** Parse the indirect object at `entry` (`N G obj … endobj`). */
function readObject(bytes: Uint8Array, entry: XrefEntry | undefined, context: PDFContext): PDFObject {
  if (!entry) throw new Error('Unexpected object missing from the cross-reference table')
  const head = /^\s*\d+\s+\d+\s+obj\s*/.exec(latin1.decode(bytes.subarray(entry.offset, entry.offset + 40)))
  if (!head) throw new Error(`Unexpected bytes at offset ${entry.offset}, expected an indirect object`)
  return PDFObjectParser.forBytes(bytes.subarray(entry.offset + head[0].length), context).parseObject()
}

/** Overwrite an indirect object's value with `<<>>` and spaces, keeping its length. */
function blankObject(bytes: Uint8Array, entry: XrefEntry | undefined): void {
  if (!entry) return
  const head = /^\s*\d+\s+\d+\s+obj\s*/.exec(latin1.decode(bytes.subarray(entry.offset, entry.offset + 40)))
  const end = indexOf(bytes, 'endobj', entry.offset)
  if (!head || end < 0) return
  const from = entry.offset + head[0].length
  const blank = ascii.encode('<<>>'.padEnd(Math.max(4, end - from), ' '))
  if (blank.length > end - from) return
  bytes.set(blank, from)
}

function indexOf(bytes: Uint8Array, needle: string, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, 'latin1')
}
