import { deflateSync, inflateSync } from 'node:zlib'
import { PDFArray, type PDFContext, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, type PDFObject } from 'pdf-lib'
import { markArtifacts, operations, type Operation } from './artifacts.ts'
import { PdfName } from './names.ts'

/** Access to the original file's objects while an incremental update is made. */
export interface PdfObjects {
  context: PDFContext
  read(ref: PDFRef): PDFObject
  /** A fresh object number. */
  allocate(): PDFRef
}

/** An object written by the update, replacing the original of that number or new. */
export type PdfUpdate = readonly [PDFRef, PDFObject]

/**
 * Footnotes reach the PDF as `Aside` (see `inlineFootnotes`): retag each one
 * `Note` with the `/ID` PDF/UA asks of notes, listed in the structure tree
 * root's `/IDTree` with the IDs Chromium gave table headers. `root` is
 * changed in place when it needs a new `/IDTree`.
 */
export function tagNotes(objects: PdfObjects, root: PDFDict, elements: ReadonlyArray<[PDFRef, PDFDict]>): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  const ids: Array<[string, PDFString | PDFHexString, PDFRef]> = []
  for (const [ref, element] of elements) {
    if (element.get(PdfName.S) !== PdfName.Aside) continue
    const id = `note-${ids.length + 1}`
    element.set(PdfName.S, PdfName.Note)
    const name = PDFString.of(id)
    element.set(PdfName.ID, name)
    ids.push([id, name, ref])
    updates.push([ref, element])
  }
  if (ids.length === 0) return updates

  const treeRef = root.get(PdfName.IDTree)
  const names = treeRef instanceof PDFRef ? nameTreeEntries(objects, treeRef) : []
  const sorted = [...names, ...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const array = PDFArray.withContext(objects.context)
  for (const [, name, ref] of sorted) {
    array.push(name)
    array.push(ref)
  }
  const tree = objects.context.obj({})
  tree.set(PdfName.Names, array)
  const ref = treeRef instanceof PDFRef ? treeRef : objects.allocate()
  root.set(PdfName.IDTree, ref)
  updates.push([ref, tree])
  return updates
}

/**
 * PDF 1.7 gives a list item a label (`Lbl`) and a body (`LBody`); Chromium
 * puts the item's content beside the label as it is. A lone `NonStruct` (the
 * item's text) is retagged `LBody`; several elements are wrapped in a new one.
 * An item holding marked content directly is left as it is.
 */
export function giveListItemsBodies(objects: PdfObjects, elements: ReadonlyArray<[PDFRef, PDFDict]>): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  const byNumber = new Map(elements.map(([ref, element]) => [ref.objectNumber, element]))
  for (const [ref, item] of elements) {
    if (item.get(PdfName.S) !== PdfName.LI) continue
    const k = item.get(PdfName.K)
    const kids = k instanceof PDFArray ? k.asArray() : k ? [k] : []
    const children = kids.map((kid) => (kid instanceof PDFRef ? byNumber.get(kid.objectNumber) : undefined))
    if (children.some((child) => !child)) continue
    const body = kids.filter((_, index) => children[index]?.get(PdfName.S) !== PdfName.Lbl) as PDFRef[]
    const only = body.length === 1 ? byNumber.get((body[0] as PDFRef).objectNumber) : undefined
    if (body.length === 0 || only?.get(PdfName.S) === PdfName.LBody) continue
    if (only?.get(PdfName.S) === PdfName.NonStruct) {
      only.set(PdfName.S, PdfName.LBody)
      updates.push([body[0] as PDFRef, only])
      continue
    }
    const bodyRef = objects.allocate()
    const wrapper = objects.context.obj({ Type: 'StructElem', S: 'LBody' })
    wrapper.set(PdfName.P, ref)
    const bodyKids = PDFArray.withContext(objects.context)
    for (const kid of body) {
      bodyKids.push(kid)
      const child = byNumber.get(kid.objectNumber) as PDFDict
      child.set(PdfName.P, bodyRef)
      updates.push([kid, child])
    }
    wrapper.set(PdfName.K, bodyKids)
    const itemKids = PDFArray.withContext(objects.context)
    for (const kid of kids) if (!body.includes(kid as PDFRef)) itemKids.push(kid)
    itemKids.push(bodyRef)
    item.set(PdfName.K, itemKids)
    updates.push([ref, item], [bodyRef, wrapper])
  }
  return updates
}

/** A page and its content streams, decoded (as latin1 text) once for every pass over them. */
export interface PdfPage {
  ref: PDFRef
  dict: PDFDict
  contents: Array<{ ref: PDFRef; stream: PDFRawStream; source: string; ops: Operation[] }>
}

/** The pages in order, with their Flate-encoded or plain content streams. */
export function readPages(objects: PdfObjects, catalog: PDFDict): PdfPage[] {
  const pages: PdfPage[] = []
  const seen = new Set<number>()
  const root = catalog.get(PDFName.of('Pages'))
  const stack: PDFObject[] = root ? [root] : []
  while (stack.length > 0) {
    const ref = stack.pop()
    const node = resolve(objects, ref)
    if (!(node instanceof PDFDict)) continue
    const kids = resolve(objects, node.get(PdfName.Kids))
    if (kids instanceof PDFArray) {
      stack.push(...kids.asArray().reverse())
      continue
    }
    if (!(ref instanceof PDFRef)) continue
    const page: PdfPage = { ref, dict: node, contents: [] }
    const contents = resolve(objects, node.get(PdfName.Contents))
    for (const contentRef of contents instanceof PDFArray ? contents.asArray() : [node.get(PdfName.Contents)]) {
      if (!(contentRef instanceof PDFRef) || seen.has(contentRef.objectNumber)) continue
      seen.add(contentRef.objectNumber)
      const stream = objects.read(contentRef)
      if (!(stream instanceof PDFRawStream)) continue
      const filter = stream.dict.get(PdfName.Filter)
      if (filter !== undefined && filter !== PdfName.FlateDecode) continue
      const source = latin1(filter === undefined ? stream.contents : inflateSync(stream.contents))
      page.contents.push({ ref: contentRef, stream, source, ops: operations(source) })
    }
    pages.push(page)
  }
  return pages
}

/** Bytes as latin1 text, without copying them first. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/** The page margins of `templates/print.css` (`@page { margin: 22mm 20mm 24mm }`), in points: where running heads and page numbers are. */
const margins = { top: (22 / 25.4) * 72, bottom: (24 / 25.4) * 72 }

/**
 * How a re-written content stream is deflated: level 5, with the larger hash
 * table of `memLevel` 9, which finds the same matches sooner. Measured on the
 * article's four pages (352 kB of content), level 6, zlib's default and
 * Chromium's, took 8.3 ms for 32.8 kB and level 5 4.1 ms for 35.1 kB: half the
 * time of the PDF's largest step in Node, for 2.7% more file (0–1.7% for the
 * corpus's documents, whose time changed less). Level 4 and below grow the
 * streams by 17% or more.
 */
const rewritten = { level: 5, memLevel: 9 }

/** Every page content stream with its untagged drawing marked as artifacts (see `markArtifacts`). */
export function markPageArtifacts(objects: PdfObjects, pages: readonly PdfPage[]): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  for (const { dict, contents } of pages) {
    const box = resolve(objects, dict.get(PdfName.MediaBox))
    const [, bottom, , top] = box instanceof PDFArray ? box.asArray().map((value) => (value instanceof PDFNumber ? value.asNumber() : 0)) : []
    const bands = top !== undefined && bottom !== undefined ? { height: top - bottom, ...margins } : undefined
    for (const { ref, stream, source, ops } of contents) {
      const marked = markArtifacts(source, ops, bands)
      if (!marked) continue
      const dict = stream.dict.clone(objects.context)
      dict.delete(PdfName.DecodeParms)
      dict.set(PdfName.Filter, PdfName.FlateDecode)
      updates.push([ref, PDFRawStream.of(dict, deflateSync(marked, rewritten))])
    }
  }
  return updates
}

export function resolve(objects: PdfObjects, value: PDFObject | undefined): PDFObject | undefined {
  return value instanceof PDFRef ? objects.read(value) : value
}

/** The structure elements that are indirect objects, in document order. */
export function structElements(objects: PdfObjects, root: PDFDict): Array<[PDFRef, PDFDict]> {
  const found: Array<[PDFRef, PDFDict]> = []
  const seen = new Set<number>()
  const kids = (node: PDFDict): PDFObject[] => {
    const k = node.get(PdfName.K)
    return k instanceof PDFArray ? k.asArray() : k ? [k] : []
  }
  const stack = kids(root).reverse()
  while (stack.length > 0) {
    const kid = stack.pop()
    if (!(kid instanceof PDFRef) || seen.has(kid.objectNumber)) continue
    seen.add(kid.objectNumber)
    const element = objects.read(kid)
    if (!(element instanceof PDFDict) || !element.has(PdfName.S)) continue
    found.push([kid, element])
    stack.push(...kids(element).reverse())
  }
  return found
}

/** The (name, value) pairs of a name tree's leaves. */
function nameTreeEntries(objects: PdfObjects, ref: PDFRef): Array<[string, PDFString | PDFHexString, PDFRef]> {
  const entries: Array<[string, PDFString | PDFHexString, PDFRef]> = []
  const stack: PDFObject[] = [ref]
  while (stack.length > 0) {
    const node = resolve(objects, stack.pop())
    if (!(node instanceof PDFDict)) continue
    const kids = resolve(objects, node.get(PdfName.Kids))
    if (kids instanceof PDFArray) stack.push(...kids.asArray())
    const names = resolve(objects, node.get(PdfName.Names))
    if (!(names instanceof PDFArray)) continue
    for (let index = 0; index + 1 < names.size(); index += 2) {
      const name = names.get(index)
      const value = names.get(index + 1)
      if ((name instanceof PDFString || name instanceof PDFHexString) && value instanceof PDFRef) entries.push([name.decodeText(), name, value])
    }
  }
  return entries
}
