import { createHash } from 'node:crypto'
import { PDFArray, PDFContext, PDFDict, PDFHexString, PDFName, PDFNumber, PDFObjectParser, PDFRef, type PDFObject } from 'pdf-lib'

/** Reading Chromium's PDF (one cross-reference table, no object streams) and writing it back with some objects replaced. */

export interface XrefEntry {
  offset: number
  generation: number
}

export interface PdfTail {
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
 * The file with `updated` objects replacing (or added to) the originals,
 * every other object copied byte for byte, a new cross-reference table and a
 * trailer whose /ID is a hash of the content. A rewrite rather than an
 * incremental update: the replaced page contents would otherwise stay in the
 * file as dead bytes (a third to a half of its size).
 */
export function writePdf(bytes: Uint8Array, tail: PdfTail, updated: ReadonlyArray<readonly [PDFRef, PDFObject]>, info: PDFRef, context: PDFContext): Uint8Array {
  const replacements = new Map(updated.map(([ref, object]) => [ref.objectNumber, [ref.generationNumber, serializeIndirect(ref, object)] as const]))
  const originals = [...tail.entries].sort((a, b) => a[1].offset - b[1].offset)
  const chunks: Uint8Array[] = [bytes.subarray(0, originals[0]?.[1].offset ?? tail.startxref)]
  const offsets = new Map<number, [number, number]>()
  let position = chunks[0]?.length ?? 0
  const add = (number: number, generation: number, chunk: Uint8Array): void => {
    offsets.set(number, [position, generation])
    chunks.push(chunk)
    position += chunk.length
  }
  originals.forEach(([number, entry], index) => {
    if (replacements.has(number)) return
    // Chromium writes objects back to back: each runs to the next one, the last to the table.
    add(number, entry.generation, bytes.subarray(entry.offset, originals[index + 1]?.[1].offset ?? tail.startxref))
  })
  for (const [number, [generation, chunk]] of replacements) add(number, generation, chunk)
  // The body hashed piece by piece and copied once, with the table, at the end.
  const hash = createHash('sha256')
  for (const chunk of chunks) hash.update(chunk)
  const id = hash.digest('hex').slice(0, 32)

  const size = Math.max(tail.size, ...offsets.keys()) + 1
  const xref = ['xref', `0 ${size}`, '0000000000 65535 f\r']
  for (let number = 1; number < size; number++) {
    const [offset, generation] = offsets.get(number) ?? [0, 65535]
    xref.push(`${String(offset).padStart(10, '0')} ${String(generation).padStart(5, '0')} ${offsets.has(number) ? 'n' : 'f'}\r`)
  }
  const trailer = context.obj({})
  trailer.set(PDFName.of('Size'), PDFNumber.of(size))
  trailer.set(PDFName.of('Root'), tail.root)
  trailer.set(PDFName.of('Info'), info)
  const ids = PDFArray.withContext(context)
  ids.push(PDFHexString.of(id))
  ids.push(PDFHexString.of(id))
  trailer.set(PDFName.of('ID'), ids)
  const end = ascii.encode(`${xref.join('\n')}\ntrailer\n${trailer.toString()}\nstartxref\n${position}\n%%EOF\n`)
  chunks.push(end)
  return concat(chunks)
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
export function readTail(bytes: Uint8Array): PdfTail {
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
export function readObject(bytes: Uint8Array, entry: XrefEntry | undefined, context: PDFContext): PDFObject {
  if (!entry) throw new Error('Unexpected object missing from the cross-reference table')
  const head = /^\s*\d+\s+\d+\s+obj\s*/.exec(latin1.decode(bytes.subarray(entry.offset, entry.offset + 40)))
  if (!head) throw new Error(`Unexpected bytes at offset ${entry.offset}, expected an indirect object`)
  return PDFObjectParser.forBytes(bytes.subarray(entry.offset + head[0].length), context).parseObject()
}

function indexOf(bytes: Uint8Array, needle: string, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, 'latin1')
}
