import { PDFBool, PDFContext, PDFDict, PDFHexString, PDFName, PDFRawStream, PDFRef, PDFString } from 'pdf-lib'
import { readObject, readTail, writePdf } from './pdf-file.ts'
import { describeLinks } from './links.ts'
import { renumberElementIds } from './element-ids.ts'
import { giveListItemsBodies, markPageArtifacts, readPages, structElements, tagNotes, type PdfObjects, type PdfUpdate } from './tags.ts'
import { type PdfMetadata, xmpPacket } from './xmp.ts'

/** The document information offprint writes into every PDF. */
const ascii = new TextEncoder()

/**
 * Add metadata and accessibility fixes to Chromium's PDF: a new Catalog with
 * /Lang, /ViewerPreferences and XMP /Metadata, the structure tree root with a
 * /RoleMap, footnotes retagged `Note`, list items with `LBody`, links described, page contents with
 * their untagged drawing marked as artifacts, and a new Info (Chromium's
 * holds the wall-clock time; the file must be the same on every build). Every
 * other object is copied byte for byte (see `writePdf`).
 */
export function addPdfMetadata(bytes: Uint8Array, metadata: PdfMetadata): Uint8Array {
  const tail = readTail(bytes)

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

  const infoRef = tail.info ?? objects.allocate()
  const info = context.obj({})
  info.set(PDFName.of('Title'), text(metadata.title))
  if (metadata.authors.length > 0) info.set(PDFName.of('Author'), text(metadata.authors.join(', ')))
  if (metadata.subject) info.set(PDFName.of('Subject'), text(metadata.subject))
  if (metadata.keywords.length > 0) info.set(PDFName.of('Keywords'), text(metadata.keywords.join(', ')))
  info.set(PDFName.of('Creator'), text(metadata.creator))
  info.set(PDFName.of('Producer'), text(metadata.producer))
  info.set(PDFName.of('CreationDate'), PDFString.fromDate(metadata.date))
  info.set(PDFName.of('ModDate'), PDFString.fromDate(metadata.date))

  const updated: PdfUpdate[] = [[tail.root, catalog], ...structure, ...links, ...artifacts, [metadataRef, metadataStream], [infoRef, info]]
  return writePdf(bytes, tail, updated, infoRef, context)
}

/**
 * Chromium tags emphasis as `Em` and `Strong` and complementary content as
 * `Aside`, PDF 2.0 types that PDF 1.7 (and PDF/UA-1) do not know: map them to
 * standard types in the structure tree root's /RoleMap. The print page's only
 * complementary content is its footnotes, retagged `Note` by `tagNotes`.
 */
const roleMap: Record<string, string> = { Em: 'Span', Strong: 'Span', Aside: 'Note' }

/** The structure tree root with its /RoleMap, footnotes tagged `Note` and list items given bodies (see `pdf-tags.ts`). */
function structureUpdates(objects: PdfObjects, catalog: PDFDict): PdfUpdate[] {
  const ref = catalog.get(PDFName.of('StructTreeRoot'))
  if (!(ref instanceof PDFRef)) return []
  const root = objects.read(ref)
  if (!(root instanceof PDFDict)) return []
  const map = objects.context.obj({})
  for (const [from, to] of Object.entries(roleMap)) map.set(PDFName.of(from), PDFName.of(to))
  root.set(PDFName.of('RoleMap'), map)
  const elements = structElements(objects, root)
  const notes = tagNotes(objects, root, elements)
  return [[ref, root], ...notes, ...renumberElementIds(objects, root, elements), ...giveListItemsBodies(objects, elements)]
}

function text(value: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(value) ? PDFString.of(value.replace(/[\\()]/g, '\\$&')) : PDFHexString.fromText(value)
}
