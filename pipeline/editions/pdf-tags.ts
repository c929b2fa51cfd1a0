import { deflateSync, inflateSync } from 'node:zlib'
import { PDFArray, PDFContext, PDFDict, PDFName, PDFRawStream, PDFRef, PDFString, PDFHexString, type PDFObject } from 'pdf-lib'
import { markArtifacts, operations, type Operation } from './pdf-artifacts.ts'

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
export function tagNotes(objects: PdfObjects, root: PDFDict): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  const ids: Array<[string, PDFString | PDFHexString, PDFRef]> = []
  for (const [ref, element] of structElements(objects, root)) {
    if (element.get(PDFName.of('S')) !== PDFName.of('Aside')) continue
    const id = `note-${ids.length + 1}`
    element.set(PDFName.of('S'), PDFName.of('Note'))
    const name = PDFString.of(id)
    element.set(PDFName.of('ID'), name)
    ids.push([id, name, ref])
    updates.push([ref, element])
  }
  if (ids.length === 0) return updates

  const treeRef = root.get(PDFName.of('IDTree'))
  const names = treeRef instanceof PDFRef ? nameTreeEntries(objects, treeRef) : []
  const sorted = [...names, ...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const array = PDFArray.withContext(objects.context)
  for (const [, name, ref] of sorted) {
    array.push(name)
    array.push(ref)
  }
  const tree = objects.context.obj({})
  tree.set(PDFName.of('Names'), array)
  const ref = treeRef instanceof PDFRef ? treeRef : objects.allocate()
  root.set(PDFName.of('IDTree'), ref)
  updates.push([ref, tree])
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
    const kids = resolve(objects, node.get(PDFName.of('Kids')))
    if (kids instanceof PDFArray) {
      stack.push(...kids.asArray().reverse())
      continue
    }
    if (!(ref instanceof PDFRef)) continue
    const page: PdfPage = { ref, dict: node, contents: [] }
    const contents = resolve(objects, node.get(PDFName.of('Contents')))
    for (const contentRef of contents instanceof PDFArray ? contents.asArray() : [node.get(PDFName.of('Contents'))]) {
      if (!(contentRef instanceof PDFRef) || seen.has(contentRef.objectNumber)) continue
      seen.add(contentRef.objectNumber)
      const stream = objects.read(contentRef)
      if (!(stream instanceof PDFRawStream)) continue
      const filter = stream.dict.get(PDFName.of('Filter'))
      if (filter !== undefined && filter !== PDFName.of('FlateDecode')) continue
      const source = Buffer.from(filter === undefined ? stream.contents : inflateSync(stream.contents)).toString('latin1')
      page.contents.push({ ref: contentRef, stream, source, ops: operations(source) })
    }
    pages.push(page)
  }
  return pages
}

/** Every page content stream with its untagged drawing marked as artifacts (see `markArtifacts`). */
export function markPageArtifacts(objects: PdfObjects, pages: readonly PdfPage[]): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  for (const { contents } of pages) {
    for (const { ref, stream, source, ops } of contents) {
      const marked = markArtifacts(source, ops)
      if (!marked) continue
      const dict = stream.dict.clone(objects.context)
      dict.delete(PDFName.of('DecodeParms'))
      dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'))
      updates.push([ref, PDFRawStream.of(dict, deflateSync(marked))])
    }
  }
  return updates
}

export function resolve(objects: PdfObjects, value: PDFObject | undefined): PDFObject | undefined {
  return value instanceof PDFRef ? objects.read(value) : value
}

/** The structure elements that are indirect objects, in document order. */
function structElements(objects: PdfObjects, root: PDFDict): Array<[PDFRef, PDFDict]> {
  const found: Array<[PDFRef, PDFDict]> = []
  const seen = new Set<number>()
  const kids = (node: PDFDict): PDFObject[] => {
    const k = node.get(PDFName.of('K'))
    return k instanceof PDFArray ? k.asArray() : k ? [k] : []
  }
  const stack = kids(root).reverse()
  while (stack.length > 0) {
    const kid = stack.pop()
    if (!(kid instanceof PDFRef) || seen.has(kid.objectNumber)) continue
    seen.add(kid.objectNumber)
    const element = objects.read(kid)
    if (!(element instanceof PDFDict) || !element.has(PDFName.of('S'))) continue
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
    const kids = resolve(objects, node.get(PDFName.of('Kids')))
    if (kids instanceof PDFArray) stack.push(...kids.asArray())
    const names = resolve(objects, node.get(PDFName.of('Names')))
    if (!(names instanceof PDFArray)) continue
    for (let index = 0; index + 1 < names.size(); index += 2) {
      const name = names.get(index)
      const value = names.get(index + 1)
      if ((name instanceof PDFString || name instanceof PDFHexString) && value instanceof PDFRef) entries.push([name.decodeText(), name, value])
    }
  }
  return entries
}
