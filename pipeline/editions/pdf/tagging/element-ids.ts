import { PDFArray, PDFDict, PDFHexString, PDFRef, PDFString } from 'pdf-lib'
import type { PdfObjects, PdfUpdate } from './tags.ts'
import { PdfName } from './names.ts'

/** Chromium's structure element ids: its DOM node ids (`node00000328`). */
const chromiumId = /^node\d+$/

/**
 * Chromium names the structure elements of table header cells after their
 * DOM node ids (`/ID (node00000328)`, and `/Headers` in the cells they head).
 * Those count every node the renderer made before, on other pages of the
 * same build too, so the same document printed after another got other
 * bytes. Renumber them in tree order (`node00000001`, …, as wide as
 * Chromium's, so names sort as numbers), and rebuild the structure tree
 * root's `/IDTree` from the elements' ids, sorted; the nodes below the old
 * root (no longer referenced) are renamed too, so no old id is left in the
 * file. Run after `tagNotes`; `root` is changed in place when it gets an `/IDTree`.
 */
export function renumberElementIds(objects: PdfObjects, root: PDFDict, elements: ReadonlyArray<[PDFRef, PDFDict]>): PdfUpdate[] {
  const renamed = new Map<string, string>()
  for (const [, element] of elements) {
    const id = textOf(element.get(PdfName.ID))
    if (id !== undefined && chromiumId.test(id) && !renamed.has(id)) renamed.set(id, `node${String(renamed.size + 1).padStart(8, '0')}`)
  }
  if (renamed.size === 0) return []
  const updates: PdfUpdate[] = []
  const named: Array<[string, PDFRef]> = []
  for (const [ref, element] of elements) {
    let changed = false
    const id = textOf(element.get(PdfName.ID))
    const next = id === undefined ? undefined : renamed.get(id)
    if (next) {
      element.set(PdfName.ID, PDFString.of(next))
      changed = true
    }
    if (id !== undefined) named.push([next ?? id, ref])
    for (const attributes of attributeDicts(element.get(PdfName.A))) {
      const headers = attributes.get(PdfName.Headers)
      if (!(headers instanceof PDFArray)) continue
      for (let index = 0; index < headers.size(); index++) {
        const header = renamed.get(textOf(headers.get(index)) ?? '')
        if (header === undefined) continue
        headers.set(index, PDFString.of(header))
        changed = true
      }
    }
    if (changed) updates.push([ref, element])
  }
  const names = PDFArray.withContext(objects.context)
  for (const [id, ref] of named.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    names.push(PDFString.of(id))
    names.push(ref)
  }
  const tree = objects.context.obj({})
  tree.set(PdfName.Names, names)
  const existing = root.get(PdfName.IDTree)
  const treeRef = existing instanceof PDFRef ? existing : objects.allocate()
  if (existing instanceof PDFRef) updates.push(...renameTreeNodes(objects, existing, renamed))
  root.set(PdfName.IDTree, treeRef)
  updates.push([treeRef, tree])
  return updates
}

/** The nodes below a name tree's root as the file has them, with their names and limits renamed. */
function renameTreeNodes(objects: PdfObjects, rootRef: PDFRef, renamed: ReadonlyMap<string, string>): PdfUpdate[] {
  const updates: PdfUpdate[] = []
  const seen = new Set<number>([rootRef.objectNumber])
  const stack: PDFRef[] = kidsOf(objects.read(rootRef))
  while (stack.length > 0) {
    const ref = stack.pop() as PDFRef
    if (seen.has(ref.objectNumber)) continue
    seen.add(ref.objectNumber)
    const node = objects.read(ref)
    if (!(node instanceof PDFDict)) continue
    stack.push(...kidsOf(node))
    for (const key of [PdfName.Names, PdfName.Limits]) {
      const array = node.get(key)
      if (!(array instanceof PDFArray)) continue
      for (let index = 0; index < array.size(); index++) {
        const name = renamed.get(textOf(array.get(index)) ?? '')
        if (name !== undefined) array.set(index, PDFString.of(name))
      }
    }
    updates.push([ref, node])
  }
  return updates
}

function kidsOf(node: unknown): PDFRef[] {
  const kids = node instanceof PDFDict ? node.get(PdfName.Kids) : undefined
  return kids instanceof PDFArray ? kids.asArray().filter((kid): kid is PDFRef => kid instanceof PDFRef) : []
}

function textOf(value: unknown): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined
}

/** An element's `/A`: one attribute dictionary or an array of them (written inline by Chromium). */
function attributeDicts(value: unknown): PDFDict[] {
  if (value instanceof PDFDict) return [value]
  if (value instanceof PDFArray) return value.asArray().filter((item): item is PDFDict => item instanceof PDFDict)
  return []
}
