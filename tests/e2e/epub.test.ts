import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Root as HastRoot } from 'hast'
import { selectAll } from 'hast-util-select'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Root } from 'xast'
import { fromXml } from 'xast-util-from-xml'
import type { ArticleData } from '../../pipeline/common/article.ts'
import { build } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { glossaryFor } from '../../pipeline/glossary/resolve.ts'
import { parseSource } from '../../pipeline/source/parse-source.ts'
import { articlePath, corpus } from '../helpers/corpus.ts'
import { documentWords, elements, epubcheck, epubType, requireEpubcheck, textOf } from '../helpers/epub.ts'
import { missingWords, sourceWords } from '../helpers/words.ts'

const sources: Record<string, string> = { article: articlePath, ...corpus }

// ---------------------------------------------------------------- the books

interface Book {
  slug: string
  bytes: Buffer
  again: Buffer
  cover: Buffer
  coverAgain: Buffer
  zip: JSZip
  /** Parsed XML of every `.xhtml`, `.opf` and `.ncx` entry, by path. */
  xml: Map<string, Root>
  /** Raw text of the same entries. */
  raw: Map<string, string>
  article: ArticleData
  canonical: HastRoot
  problems: string[]
}

let work: string
const books = new Map<string, Book>()

beforeAll(async () => {
  await requireEpubcheck()
  work = await mkdtemp(path.join(tmpdir(), 'offprint-epub-'))
  const paths = Object.values(sources)
  const first = await build({ ...defaultBuildOptions, paths, out: path.join(work, 'one'), editions: ['epub'], force: true })
  const second = await build({ ...defaultBuildOptions, paths, out: path.join(work, 'two'), editions: ['epub'], force: true })
  expect(first.failed).toEqual([])
  expect(second.failed).toEqual([])
  const slugOf = new Map(first.sources.map((source) => [path.resolve(source.source), source.slug]))
  const epubs: string[] = []
  for (const [label, sourcePath] of Object.entries(sources)) {
    const slug = slugOf.get(path.resolve(sourcePath))
    if (!slug) throw new Error(`Unexpected missing slug for ${sourcePath}`)
    const file = (out: string, name: string) => path.join(work, out, slug, name)
    const bytes = await readFile(file('one', `${slug}.epub`))
    const zip = await JSZip.loadAsync(bytes)
    const xml = new Map<string, Root>()
    const raw = new Map<string, string>()
    for (const name of Object.keys(zip.files)) {
      if (!/\.(xhtml|opf|ncx)$/.test(name)) continue
      const text = await zip.file(name)!.async('string')
      raw.set(name, text)
      xml.set(name, fromXml(text))
    }
    const glossary = await glossaryFor(sourcePath, path.dirname(sourcePath), new Map())
    const { file: vfile, tree } = await parseSource(sourcePath, glossary.entries)
    if (!tree || !vfile.data.article) throw new Error(`Unexpected failure to process ${sourcePath}`)
    epubs.push(file('one', `${slug}.epub`))
    books.set(label, {
      slug,
      bytes,
      again: await readFile(file('two', `${slug}.epub`)),
      cover: await readFile(file('one', 'cover.png')),
      coverAgain: await readFile(file('two', 'cover.png')),
      zip,
      xml,
      raw,
      article: vfile.data.article,
      canonical: tree,
      problems: [],
    })
  }
  const checked = await epubcheck(epubs, work)
  for (const book of books.values()) book.problems = checked.get(path.join(work, 'one', book.slug, `${book.slug}.epub`)) ?? ['not checked']
}, 600_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

function book(label: string): Book {
  const found = books.get(label)
  if (!found) throw new Error(`Unexpected missing book ${label}`)
  return found
}

function doc(b: Book, name: string): Root {
  const tree = b.xml.get(`OEBPS/${name}`)
  if (!tree) throw new Error(`Unexpected missing OEBPS/${name} in ${b.slug}.epub`)
  return tree
}

function contentDocuments(b: Book): Array<[string, Root]> {
  return [...b.xml].filter(([name]) => name.endsWith('.xhtml')).map(([name, tree]) => [name.slice('OEBPS/'.length), tree])
}

/** Every id of every content document, as `file#id`. */
function targets(b: Book): Set<string> {
  const found = new Set<string>()
  for (const [name, tree] of contentDocuments(b)) {
    found.add(name)
    for (const node of elements(tree)) if (node.attributes.id) found.add(`${name}#${node.attributes.id}`)
  }
  return found
}

function resolve(from: string, href: string): string {
  return href.startsWith('#') ? `${from}${href}` : href
}

// ---------------------------------------------------------------- tests

describe.each(Object.keys(sources))('EPUB edition of %s', (label) => {
  it('passes EPUBCheck with no error and no warning', () => {
    expect(book(label).problems).toEqual([])
  })

  it('rebuilds byte-identical, cover included', () => {
    const b = book(label)
    expect(b.bytes.equals(b.again)).toBe(true)
    expect(b.cover.equals(b.coverAgain)).toBe(true)
  })

  it('is an EPUB 3.0 zip: mimetype first and stored, ASCII paths', () => {
    const { bytes, zip } = book(label)
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50)
    expect(bytes.readUInt16LE(8)).toBe(0) // stored
    const nameLength = bytes.readUInt16LE(26)
    const extraLength = bytes.readUInt16LE(28)
    expect(bytes.subarray(30, 30 + nameLength).toString('latin1')).toBe('mimetype')
    expect(extraLength).toBe(0)
    expect(bytes.subarray(30 + nameLength, 30 + nameLength + 20).toString('latin1')).toBe('application/epub+zip')
    for (const name of Object.keys(zip.files)) expect(name).toMatch(/^[A-Za-z0-9._/-]+$/)
  })

  it('stores the cover PNG as it is and deflates the text (the PNG is compressed already)', () => {
    const { bytes } = book(label)
    const methods = zipMethods(bytes)
    expect(methods.get('OEBPS/cover.png')).toBe(0)
    expect(methods.get('OEBPS/text.xhtml')).toBe(8)
    expect(methods.get('OEBPS/content.opf')).toBe(8)
  })

  it('describes the book in its package: identifier, metadata, accessibility, cover', () => {
    const b = book(label)
    const opf = doc(b, 'content.opf')
    const pkg = elements(opf, 'package')[0]!
    expect(pkg.attributes.version).toBe('3.0')
    const value = (name: string) => elements(opf, name).map(textOf)
    const meta = (property: string) =>
      elements(opf, 'meta')
        .filter((m) => m.attributes.property === property)
        .map(textOf)
    expect(value('dc:identifier')).toEqual([expect.stringMatching(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)])
    expect(value('dc:title')).toEqual([b.article.meta.title])
    expect(value('dc:language')).toEqual([b.article.meta.lang])
    expect(value('dc:creator')).toEqual(b.article.meta.authors)
    expect(value('dc:subject')).toEqual(b.article.meta.keywords)
    expect(meta('dcterms:modified')).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)])
    for (const property of ['schema:accessMode', 'schema:accessModeSufficient', 'schema:accessibilityFeature', 'schema:accessibilityHazard', 'schema:accessibilitySummary']) {
      expect(meta(property).length, property).toBeGreaterThan(0)
    }
    // Built without its PDF: no page-list, and no claim of one. The summary names footnotes only when there are some.
    expect(meta('schema:accessibilityFeature')).not.toContain('pageBreakMarkers')
    expect(meta('schema:accessibilityFeature')).not.toContain('pageNavigation')
    expect(value('dc:source')).toEqual([])
    expect(elements(doc(b, 'toc.xhtml'), 'nav').filter((nav) => epubType(nav).includes('page-list'))).toEqual([])
    expect(/footnote/i.test(meta('schema:accessibilitySummary').join(' '))).toBe(b.article.notes.length > 0)
    const items = elements(opf, 'item')
    const cover = items.find((item) => item.attributes.properties === 'cover-image')
    expect(cover?.attributes['media-type']).toBe('image/png')
    expect(b.zip.file(`OEBPS/${cover?.attributes.href}`)).not.toBeNull()
    expect(b.cover.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect([b.cover.readUInt32BE(16), b.cover.readUInt32BE(20)]).toEqual([1600, 2560])
    expect(items.some((item) => item.attributes.properties === 'nav')).toBe(true)
    // No HTML table of contents page in the reading order: the nav document is in the spine only as non-linear.
    const nav = items.find((item) => item.attributes.properties === 'nav')
    for (const ref of elements(opf, 'itemref')) if (ref.attributes.idref === nav?.attributes.id) expect(ref.attributes.linear).toBe('no')
  })

  it('lists every heading in the nav document, with landmarks', () => {
    const b = book(label)
    const nav = doc(b, 'toc.xhtml')
    const toc = elements(nav, 'nav').find((n) => epubType(n).includes('toc'))!
    const links = new Map(elements(toc, 'a').map((a) => [a.attributes.href, textOf(a)]))
    for (const heading of b.article.headings) {
      expect(links.get(`text.xhtml#${heading.id}`), heading.id).toBe(heading.text.trim() || heading.id)
    }
    const landmarks = elements(nav, 'nav').find((n) => epubType(n).includes('landmarks'))!
    const kinds = elements(landmarks, 'a').flatMap(epubType)
    expect(kinds).toEqual(b.article.terms.length > 0 ? ['toc', 'bodymatter', 'glossary'] : ['toc', 'bodymatter'])
    const all = targets(b)
    for (const a of [...elements(toc, 'a'), ...elements(landmarks, 'a')]) expect(all.has(resolve('toc.xhtml', a.attributes.href!)), String(a.attributes.href)).toBe(true)
  })

  it('pairs every noteref with a footnote aside in the same document', () => {
    const b = book(label)
    const text = doc(b, 'text.xhtml')
    const ids = new Map(
      elements(text)
        .filter((e) => e.attributes.id)
        .map((e) => [e.attributes.id!, e]),
    )
    const calls = elements(text, 'a').filter((a) => epubType(a).includes('noteref'))
    const asides = elements(text, 'aside').filter((a) => epubType(a).includes('footnote'))
    expect(asides.map((a) => a.attributes.id)).toEqual(b.article.notes.map((note) => note.id))
    expect(calls.map((a) => a.attributes.id).sort()).toEqual(b.article.notes.flatMap((note) => note.refIds).sort())
    for (const call of calls) {
      expect(call.attributes.role).toBe('doc-noteref')
      const target = ids.get(call.attributes.href!.replace(/^#/, ''))
      expect(target?.name, String(call.attributes.href)).toBe('aside')
      expect(target?.attributes.role).toBe('doc-footnote')
    }
    for (const aside of asides) {
      for (const back of elements(aside, 'a').filter((a) => a.attributes.role === 'doc-backlink')) {
        expect(ids.get(back.attributes.href!.replace(/^#/, ''))?.attributes['epub:type'], String(back.attributes.href)).toBe('noteref')
      }
    }
  })

  it('links every glossary term to its entry in the glossary document', () => {
    const b = book(label)
    const text = doc(b, 'text.xhtml')
    const refs = elements(text, 'a').filter((a) => epubType(a).includes('glossref'))
    expect(refs.map((a) => a.attributes.href).sort()).toEqual(b.article.terms.map((term) => `glossary.xhtml#${term.id}`).sort())
    if (b.article.terms.length === 0) {
      expect(b.xml.has('OEBPS/glossary.xhtml')).toBe(false)
      return
    }
    const glossary = doc(b, 'glossary.xhtml')
    expect(elements(glossary, 'section').some((s) => epubType(s).includes('glossary') && s.attributes.role === 'doc-glossary')).toBe(true)
    const entries = new Map(elements(glossary, 'dt').map((dt) => [dt.attributes.id, dt]))
    for (const term of b.article.terms) expect(textOf(entries.get(term.id)!)).toBe(term.entry.term)
    const item = elements(doc(b, 'content.opf'), 'item').find((i) => i.attributes.href === 'glossary.xhtml')
    expect(item?.attributes.properties).toBe('glossary')
    const all = targets(b)
    for (const a of elements(glossary, 'a')) if (a.attributes.href) expect(all.has(resolve('glossary.xhtml', a.attributes.href)), a.attributes.href).toBe(true)
  })

  it('resolves every internal link', () => {
    const b = book(label)
    const all = targets(b)
    const broken: string[] = []
    for (const [name, tree] of contentDocuments(b)) {
      for (const a of elements(tree, 'a')) {
        const href = a.attributes.href
        if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href)) continue
        const target = resolve(name, href)
        if (!all.has(target) && !b.zip.file(`OEBPS/${target}`)) broken.push(`${name}: ${href}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('keeps every word of the source', async () => {
    const b = book(label)
    const words = contentDocuments(b)
      .filter(([name]) => name !== 'toc.xhtml')
      .flatMap(([, tree]) => documentWords(tree))
    expect(missingWords(await sourceWords(sources[label]!), words)).toEqual([])
  })

  it('has no script, no event handler, no remote resource', () => {
    const b = book(label)
    for (const [name, tree] of contentDocuments(b)) {
      for (const node of elements(tree)) {
        expect(node.name, name).not.toBe('script')
        for (const attribute of Object.keys(node.attributes)) expect(attribute, `${name} <${node.name}>`).not.toMatch(/^on/i)
        if (node.name === 'img') {
          expect(node.attributes.src).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/\//i)
          expect(b.zip.file(`OEBPS/${node.attributes.src}`), String(node.attributes.src)).not.toBeNull()
        }
      }
    }
  })

  it('writes characters as UTF-8, never as numeric references to non-ASCII characters', () => {
    const b = book(label)
    for (const [name, text] of b.raw) {
      const references = [...text.matchAll(/&#(x[0-9a-f]+|\d+);/gi)].map((m) => m[1]!)
      const nonAscii = references.filter((ref) => (ref.startsWith('x') || ref.startsWith('X') ? parseInt(ref.slice(1), 16) : Number(ref)) > 0x7f)
      expect(nonAscii, name).toEqual([])
    }
  })

  it('keeps the attributes that carry meaning', () => {
    const b = book(label)
    const wanted: Array<[string, string, string]> = [
      ['ol', 'start', 'start'],
      ['time', 'dateTime', 'datetime'],
      ['th', 'scope', 'scope'],
      ['td', 'scope', 'scope'],
      ['img', 'width', 'width'],
      ['img', 'height', 'height'],
      ['img', 'alt', 'alt'],
      ['td', 'colSpan', 'colspan'],
      ['th', 'colSpan', 'colspan'],
      ['td', 'rowSpan', 'rowspan'],
      ['th', 'rowSpan', 'rowspan'],
      ['abbr', 'title', 'title'],
    ]
    const expected: string[] = []
    const actual: string[] = []
    for (const [tag, property, attribute] of wanted) {
      for (const node of selectAll(`${tag}[${attribute}]`, b.canonical)) expected.push(`${tag} ${attribute}=${String(node.properties[property])}`)
      for (const [, tree] of contentDocuments(b)) {
        for (const node of elements(tree, tag)) if (node.attributes[attribute] !== undefined) actual.push(`${tag} ${attribute}=${node.attributes[attribute]}`)
      }
    }
    expect(missingWords(expected, actual)).toEqual([])
  })
})

describe('EPUB edition: what the corpus exercises', () => {
  it('keeps ol@start (CommonMark spec) and img@width/height with an empty alt kept empty (aqyndar)', () => {
    const spec = doc(book('commonmark-spec'), 'text.xhtml')
    expect(elements(spec, 'ol').some((ol) => ol.attributes.start && ol.attributes.start !== '1')).toBe(true)
    const aqyndar = doc(book('aqyndar'), 'text.xhtml')
    const images = elements(aqyndar, 'img')
    expect(images.some((img) => img.attributes.width === '80' && img.attributes.height === '80')).toBe(true)
    expect(images.some((img) => img.attributes.alt === '')).toBe(true)
    expect(images.every((img) => img.attributes.alt !== 'image-placeholder')).toBe(true)
  })

  it('keeps `]]>` of code samples as text (well-formed XML)', () => {
    expect(book('commonmark-spec').raw.get('OEBPS/text.xhtml')).toContain(']]&gt;')
  })

  it('stores Kazakh and Russian text as characters', () => {
    expect(book('aqyndar').raw.get('OEBPS/text.xhtml')).toMatch(/[әғқңөұүі]/)
    expect(book('art-of-command-line').raw.get('OEBPS/text.xhtml')).toMatch(/Искусство командной строки/)
  })

  it('gives the same book the same identifier, and different books different ones', () => {
    const ids = [...books.values()].map((b) => textOf(elements(doc(b, 'content.opf'), 'dc:identifier')[0]!))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('dates the article from its date and describes it fully', () => {
    const b = book('article')
    const opf = doc(b, 'content.opf')
    const meta = (property: string) =>
      elements(opf, 'meta')
        .filter((m) => m.attributes.property === property)
        .map(textOf)
    expect(elements(opf, 'dc:publisher').map(textOf)).toEqual(['Kazinform'])
    expect(elements(opf, 'dc:date').map(textOf)).toEqual(['2022-11-16'])
    expect(elements(opf, 'dc:description').map(textOf)[0]).toMatch(/^On a working visit to Almaty/)
    if (!process.env.SOURCE_DATE_EPOCH) expect(meta('dcterms:modified')).toEqual(['2022-11-16T00:00:00Z'])
    expect(meta('dcterms:conformsTo')).toEqual(['EPUB Accessibility 1.1 - WCAG 2.1 Level AA'])
    expect(meta('schema:accessibilityHazard')).toEqual(['none'])
  })
})

/** A PDF's page count, from poppler's `pdfinfo`. */
async function pdfPages(pdf: string): Promise<number> {
  try {
    const { stdout } = await promisify(execFile)('pdfinfo', [pdf])
    return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('`pdfinfo` is missing: install it with `apt-get install poppler-utils`', { cause: error })
    throw error
  }
}

describe('EPUB edition with the page-list of the PDF built in the same run', () => {
  // The article and dagoba (footnotes, code blocks across pages), with their PDFs.
  const paged = { article: articlePath, dagoba: corpus.dagoba as string }
  const built = new Map<string, { slug: string; bytes: Buffer; opf: Root; nav: Root; problems: string[]; rebuilt: Buffer; pages: number }>()

  beforeAll(async () => {
    await requireEpubcheck()
    const out = path.join(work, 'paged')
    const report = await build({ ...defaultBuildOptions, paths: Object.values(paged), out, editions: ['epub', 'pdf'] })
    expect(report.failed).toEqual([])
    const epubOf = (slug: string) => path.join(out, slug, `${slug}.epub`)
    const slugs = new Map(report.sources.map((source) => [path.resolve(source.source), source.slug as string]))
    const firstBytes = new Map<string, Buffer>()
    for (const slug of slugs.values()) {
      firstBytes.set(slug, await readFile(epubOf(slug)))
      await unlink(epubOf(slug))
    }
    // Only the EPUBs are stale now: their page starts come from `entry.json`, the PDFs are kept.
    const again = await build({ ...defaultBuildOptions, paths: Object.values(paged), out, editions: ['epub', 'pdf'] })
    expect(again.failed).toEqual([])
    for (const source of again.sources) expect(Object.keys(source.timings)).not.toContain('pdf')
    const checked = await epubcheck([...slugs.values()].map(epubOf), work)
    for (const [label, sourcePath] of Object.entries(paged)) {
      const slug = slugs.get(path.resolve(sourcePath)) as string
      const bytes = firstBytes.get(slug) as Buffer
      const zip = await JSZip.loadAsync(bytes)
      const read = async (name: string) => fromXml(await zip.file(`OEBPS/${name}`)!.async('string'))
      const pages = await pdfPages(path.join(out, slug, `${slug}.pdf`))
      built.set(label, {
        slug,
        bytes,
        opf: await read('content.opf'),
        nav: await read('toc.xhtml'),
        problems: checked.get(epubOf(slug)) ?? ['not checked'],
        rebuilt: await readFile(epubOf(slug)),
        pages,
      })
    }
  }, 600_000)

  describe.each(Object.keys(paged))('%s', (label) => {
    const paging = () => built.get(label) as NonNullable<ReturnType<typeof built.get>>

    it('passes EPUBCheck with no error and no warning', () => {
      expect(paging().problems).toEqual([])
    })

    it('has one page-list entry per PDF page, each a page-break marker', () => {
      const { nav, pages } = paging()
      const list = elements(nav, 'nav').filter((element) => epubType(element).includes('page-list'))
      expect(list).toHaveLength(1)
      expect(list[0]?.attributes.hidden).toBeDefined()
      expect(pages).toBeGreaterThan(1)
      expect(elements(list[0] as (typeof list)[number], 'a').map((link) => textOf(link))).toEqual(Array.from({ length: pages }, (_, index) => String(index + 1)))
    })

    it('names the PDF as the source of its pagination, and claims the page navigation', () => {
      const { opf, slug } = paging()
      const meta = (property: string) => elements(opf, 'meta').filter((m) => m.attributes.property === property)
      const source = elements(opf, 'dc:source')
      expect(source.map(textOf)).toEqual([expect.stringContaining(`${slug}.pdf`)])
      expect(meta('source-of').map((m) => [m.attributes.refines, textOf(m)])).toEqual([[`#${source[0]?.attributes.id}`, 'pagination']])
      expect(meta('schema:accessibilityFeature').map(textOf)).toEqual(expect.arrayContaining(['pageBreakMarkers', 'pageNavigation']))
      expect(meta('schema:accessibilitySummary').map(textOf).join(' ')).toContain(`${slug}.pdf`)
    })

    it('is rebuilt byte-identical from the page starts stored with a fresh PDF', () => {
      expect(paging().rebuilt.equals(paging().bytes)).toBe(true)
    })
  })
})

/** Each entry's compression method (0 stored, 8 deflated), from the zip's central directory. */
function zipMethods(bytes: Buffer): Map<string, number> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const methods = new Map<string, number>()
  let at = bytes.readUInt32LE(end + 16)
  for (let count = bytes.readUInt16LE(end + 10); count > 0; count--) {
    expect(bytes.readUInt32LE(at)).toBe(0x02014b50)
    const nameLength = bytes.readUInt16LE(at + 28)
    methods.set(bytes.subarray(at + 46, at + 46 + nameLength).toString('latin1'), bytes.readUInt16LE(at + 10))
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
  }
  return methods
}
