import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { decodePDFRawStream, PDFArray, PDFBool, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString, PDFHexString } from 'pdf-lib'
import { visit } from 'unist-util-visit'
import { fromXml } from 'xast-util-from-xml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { pdfStructure, popplerStructTypes, type PdfStructure, type PdfTag } from '../helpers/a11y.ts'
import { articlePath } from '../helpers/corpus.ts'

/**
 * The PDF edition as a tagged PDF (toward PDF/UA-1): the structure tree read
 * by poppler (`pdfinfo -struct`) and pdf.js (text, `Alt`, `Lang`), the
 * catalog read by pdf-lib. The article, and a sampler that has every element
 * the issue names (the article has no table, figure or deep headings).
 */

/** A 4×4 red PNG. */
const squarePng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP4z8AARwzEcQAA9+YL9Q3W8d4AAAAASUVORK5CYII=', 'base64')

const samplerSource = `---
title: Structure sampler
lang: en
date: 2024-01-01
---

An opening paragraph with *emphasis*, **strong words**, a [link to the tables](#tables) and a note.[^1]

A paragraph with [a link whose words run on over the end of the first line and well into the second line of the paragraph, so that it wraps](#lists).

## Lists

- one
- two

1. first
2. second

## Tables

| Name | Value |
|------|-------|
| a    | 1     |

## Figures

![A red square on white](square.png)

### Level three

#### Level four

##### Level five

###### Level six

<p lang="fr">Ce paragraphe est en français.</p>

A phrase in Kazakh: <span lang="kk">Сәлеметсіз бе</span>.

[^1]: The note’s text.
`
const samplerHeadings = ['Structure sampler', 'Lists', 'Tables', 'Figures', 'Level three', 'Level four', 'Level five', 'Level six']

let out: string
const pdfs = new Map<string, { path: string; data: Uint8Array; structure: PdfStructure; types: string[] }>()
const samplerPath = () => path.join(out, 'src', 'sampler.md')

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-a11y-pdf-'))
  await mkdir(path.join(out, 'src'))
  await writeFile(samplerPath(), samplerSource)
  await writeFile(path.join(out, 'src', 'square.png'), squarePng)
  const report = await build({ ...defaultBuildOptions, paths: [articlePath, samplerPath()], out: path.join(out, 'dist'), editions: ['pdf'] })
  expect(report.failed).toEqual([])
  for (const source of report.sources) {
    if (!source.slug) continue
    const file = path.join(out, 'dist', source.slug, `${source.slug}.pdf`)
    const data = new Uint8Array(await readFile(file))
    pdfs.set(source.source, { path: file, data, structure: await pdfStructure(data), types: await popplerStructTypes(file) })
  }
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function pdfOf(source: string) {
  const pdf = pdfs.get(source)
  if (!pdf) throw new Error(`Unexpected source \`${source}\` with no PDF, expected the build to make one`)
  return pdf
}

/** Standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), which PDF/UA-1 builds on. */
const standardTypes = new Set(
  'Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form'.split(
    ' ',
  ),
)

const headings = (tags: readonly PdfTag[]) => tags.filter((tag) => /^H[1-6]$/.test(tag.role))
const squeeze = (text: string) => text.replace(/[\s\u00AD]+/g, '')

/** Heading levels that skip going down (`H2` → `H4`). */
function skippedLevels(tags: readonly PdfTag[]): string[] {
  let previous = 0
  const skips: string[] = []
  for (const tag of headings(tags)) {
    const level = Number(tag.role.slice(1))
    if (level > previous + 1) skips.push(`H${previous}→${tag.role} “${tag.text.trim()}”`)
    previous = level
  }
  return skips
}

async function catalog(data: Uint8Array): Promise<{ lang?: string; displayDocTitle?: boolean; marked?: boolean; title?: string }> {
  const document = await PDFDocument.load(data, { updateMetadata: false })
  const root = document.catalog
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined)
  const prefs = root.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict)
  const mark = root.lookupMaybe(PDFName.of('MarkInfo'), PDFDict)
  const result: { lang?: string; displayDocTitle?: boolean; marked?: boolean; title?: string } = {}
  const lang = text(root.lookup(PDFName.of('Lang')))
  if (lang !== undefined) result.lang = lang
  const display = prefs?.lookup(PDFName.of('DisplayDocTitle'))
  if (display instanceof PDFBool) result.displayDocTitle = display.asBoolean()
  const marked = mark?.lookup(PDFName.of('Marked'))
  if (marked instanceof PDFBool) result.marked = marked.asBoolean()
  const title = document.getTitle()
  if (title !== undefined) result.title = title
  return result
}

describe.each([
  ['article', () => articlePath],
  ['sampler', samplerPath],
])('tagged PDF of the %s', (name, source) => {
  it('is marked, has its language, and shows its title in the title bar', async () => {
    const info = await catalog(pdfOf(source()).data)
    expect(info).toMatchObject({ lang: 'en', displayDocTitle: true, marked: true })
    expect(info.title).toBe(name === 'article' ? 'Tokayev in Almaty: diplomacy, the January events, reforms and women’s role' : 'Structure sampler')
  })

  it('has XMP metadata with its title and language (PDF/UA-1 asks for dc:title)', async () => {
    const document = await PDFDocument.load(pdfOf(source()).data, { updateMetadata: false })
    const stream = document.catalog.lookup(PDFName.of('Metadata'))
    expect(stream).toBeInstanceOf(PDFRawStream)
    const xmp = fromXml(new TextDecoder().decode((stream as PDFRawStream).contents))
    const textOf = (name: string): string[] => {
      const found: string[] = []
      visit(xmp, 'element', (node) => {
        if (node.name !== name) return
        const parts: string[] = []
        visit(node, 'text', (child) => void parts.push(child.value))
        found.push(parts.join(''))
      })
      return found
    }
    expect(textOf('dc:title')).toEqual([name === 'article' ? 'Tokayev in Almaty: diplomacy, the January events, reforms and women’s role' : 'Structure sampler'])
    expect(textOf('dc:language')).toEqual(['en'])
  })

  it('has one H1, the title, and heading levels that never skip', () => {
    const { structure } = pdfOf(source())
    const h1 = structure.tags.filter((tag) => tag.role === 'H1')
    // The title, word spaces included where it wraps (tags and bookmarks are read aloud).
    expect(h1.map((tag) => tag.text.trim())).toEqual([name === 'article' ? 'Tokayev in Almaty: diplomacy, the January events, reforms and women’s role' : 'Structure sampler'])
    expect(headings(structure.tags)[0]?.role).toBe('H1')
    expect(skippedLevels(structure.tags)).toEqual([])
  })

  it('has every figure described with Alt', () => {
    const figures = pdfOf(source()).structure.tags.filter((tag) => tag.role === 'Figure')
    expect(figures.filter((figure) => !figure.alt?.trim()).map((figure) => `page ${figure.page}: ${figure.text}`)).toEqual([])
  })
})

describe('tagged PDF structure', () => {
  it('pdfinfo -struct shows the article as Document with H1, H2, P, Link and Note', () => {
    const types = new Set(pdfOf(articlePath).types)
    for (const type of ['Document', 'H1', 'H2', 'P', 'Link', 'Note']) expect(types, type).toContain(type)
  })

  it('uses only standard PDF 1.7 structure types, or role-maps the others', () => {
    for (const source of [articlePath, samplerPath()]) {
      const roles = new Set(pdfOf(source).structure.tags.map((tag) => tag.role))
      expect([...roles].filter((role) => !standardTypes.has(role))).toEqual([])
    }
  })

  it('pdfinfo -struct shows the sampler with H1–H6, P, L/LI/Lbl, Table/TR/TH/TD, Link and Figure', () => {
    const types = new Set(pdfOf(samplerPath()).types)
    for (const type of ['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'P', 'L', 'LI', 'Lbl', 'Table', 'TR', 'TH', 'TD', 'Link', 'Figure']) expect(types, type).toContain(type)
  })

  it('describes every link annotation with its text in /Contents', async () => {
    const contents = async (data: Uint8Array): Promise<string[]> => {
      const document = await PDFDocument.load(data, { updateMetadata: false })
      const found: string[] = []
      for (const [, object] of document.context.enumerateIndirectObjects()) {
        if (!(object instanceof PDFDict) || object.get(PDFName.of('Subtype')) !== PDFName.of('Link')) continue
        const value = object.get(PDFName.of('Contents'))
        found.push(value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : '(none)')
      }
      return found.sort()
    }
    // A link that wraps keeps the space at its line end (Chromium draws it only with `white-space: pre-wrap`).
    const wrapped = 'a link whose words run on over the end of the first line and well into the second line of the paragraph, so that it wraps'
    // Chromium writes one annotation per line of a wrapped link, each in the same Link element.
    expect([...new Set(await contents(pdfOf(samplerPath()).data))]).toEqual(['1', wrapped, 'link to the tables'])
    const article = await contents(pdfOf(articlePath).data)
    expect(article).toEqual(expect.arrayContaining(['1', '2', '3', '4', 'tenge']))
    expect(article.filter((text) => text.trim() === '' || text === '(none)')).toEqual([])
  })

  it('describes the sampler’s image with its alt text', () => {
    const figures = pdfOf(samplerPath()).structure.tags.filter((tag) => tag.role === 'Figure')
    expect(figures.map((figure) => figure.alt)).toContain('A red square on white')
  })

  it('reads headings in source order', async () => {
    expect(headings(pdfOf(samplerPath()).structure.tags).map((tag) => tag.text.trim())).toEqual(samplerHeadings)
    const source = await readFile(articlePath, 'utf8')
    const outline = [...source.matchAll(/^#{2,6} +(.+)$/gm)].map((match) => squeeze(match[1] ?? ''))
    const read = headings(pdfOf(articlePath).structure.tags).map((tag) => squeeze(tag.text))
    expect(read.slice(1, 1 + outline.length)).toEqual(outline)
  })

  it('reads the article’s paragraphs in source order', async () => {
    const source = squeeze(
      (await readFile(articlePath, 'utf8'))
        .replace(/\[\^[^\]]+\]/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/[*_]/g, ''),
    )
    const paragraphs = pdfOf(articlePath)
      .structure.tags.filter((tag) => tag.role === 'P')
      .map((tag) => squeeze(tag.text).slice(0, 24))
      .filter((text) => text.length >= 12)
    let at = 0
    const found: string[] = []
    const outOfOrder: string[] = []
    for (const opening of paragraphs) {
      const index = source.indexOf(opening)
      if (index === -1) continue
      found.push(opening)
      if (index < at) outOfOrder.push(opening)
      at = Math.max(at, index)
    }
    expect(found.length).toBeGreaterThan(paragraphs.length * 0.8)
    expect(outOfOrder).toEqual([])
  })

  it('keeps a block-level foreign-language passage’s Lang', () => {
    const tags = pdfOf(samplerPath()).structure.tags
    expect(tags.filter((tag) => tag.lang === 'fr').map((tag) => tag.text.trim())).toEqual(['Ce paragraphe est en français.'])
  })

  it('keeps an inline foreign-language passage’s Lang', () => {
    expect(
      pdfOf(samplerPath())
        .structure.tags.filter((tag) => tag.lang === 'kk')
        .map((tag) => tag.text.trim()),
    ).toEqual(['Сәлеметсіз бе'])
  })

  it('tags footnotes as Note, each with an ID listed in the IDTree', async () => {
    expect(pdfOf(articlePath).types).toContain('Note')
    const notes = pdfOf(articlePath).structure.tags.filter((tag) => tag.role === 'Note')
    expect(notes.map((note) => note.text.trim().slice(0, 2))).toEqual(['1.', '2.', '3.', '4.'])
    const ids = await noteIds(pdfOf(articlePath).data)
    expect(ids.notes).toEqual(['note-1', 'note-2', 'note-3', 'note-4'])
    expect(ids.listed).toEqual(expect.arrayContaining(ids.notes))
  })

  it('puts every LI in an L (Paged.js shows each footnote as a list item of no list)', () => {
    const { structure } = pdfOf(articlePath)
    const orphans = structure.tags.filter((tag, index) => {
      if (tag.role !== 'LI') return false
      const parent = structure.tags
        .slice(0, index)
        .reverse()
        .find((other) => other.depth === tag.depth - 1)
      return parent?.role !== 'L'
    })
    expect(orphans.map((tag) => tag.text.slice(0, 40))).toEqual([])
  })

  it('gives every LI only a Lbl and an LBody', () => {
    for (const source of [articlePath, samplerPath()]) {
      const { tags } = pdfOf(source).structure
      const children = tags.flatMap((tag, index) => {
        if (tag.role !== 'LI') return []
        const end = tags.findIndex((other, at) => at > index && other.depth <= tag.depth)
        return tags
          .slice(index + 1, end === -1 ? undefined : end)
          .filter((other) => other.depth === tag.depth + 1)
          .map((other) => other.role)
      })
      if (source !== articlePath) expect(children).toContain('LBody')
      expect(children.filter((role) => role !== 'Lbl' && role !== 'LBody')).toEqual([])
    }
  })

  it('marks every piece of drawn text as tagged content or an artifact (running heads, page numbers)', () => {
    expect(pdfOf(articlePath).structure.untagged).toEqual([])
  })

  it('makes artifacts of running heads and page numbers only (footnote numbers and the glossary’s dashes are tagged text)', async () => {
    const { data } = pdfOf(articlePath)
    const source = await readFile(articlePath, 'utf8')
    const heads = new Set([
      'Tokayev in Almaty: diplomacy, the January events, reforms and women’s role',
      ...[...source.matchAll(/^## +(.+)$/gm)].map((match) => match[1]?.trim() ?? ''),
      'Glossary',
    ])
    const artifacts = await artifactTexts(data)
    expect(artifacts.length).toBeGreaterThan(0)
    // A page's number is its only artifact number: a footnote call drawn as an artifact would show here.
    expect(artifacts.filter(({ page, text }) => text !== String(page) && !heads.has(text))).toEqual([])
    // Running heads (not on the first page) and page numbers are pagination artifacts (PDF/UA-1 7.8).
    const document = await PDFDocument.load(data, { updateMetadata: false })
    const bands = document.getPages().map((page) => {
      const contents = page.node.Contents()
      const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => document.context.lookup(ref)) : [contents]
      const source = streams.map((stream) => (stream instanceof PDFRawStream ? Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1') : '')).join('\n')
      return ['Header', 'Footer'].filter((band) => source.includes(`/Artifact <</Type /Pagination /Subtype /${band}>> BDC`)).join(' ')
    })
    expect(bands).toEqual(['Footer', 'Header Footer', 'Header Footer', 'Header Footer'])
  })
})

/** Text drawn inside `/Artifact` marked content, one string per text item, with its page. */
async function artifactTexts(data: Uint8Array): Promise<Array<{ page: number; text: string }>> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const document = await getDocument({ data: new Uint8Array(data), verbosity: 0 }).promise
  const texts: Array<{ page: number; text: string }> = []
  try {
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent({ includeMarkedContent: true })
      const open: string[] = []
      for (const item of content.items) {
        if ('type' in item) {
          if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') open.push((item as { tag?: string }).tag ?? '')
          else if (item.type === 'endMarkedContent') open.pop()
        } else if (open.includes('Artifact') && item.str.trim() !== '') texts.push({ page: number, text: item.str.trim() })
      }
    }
  } finally {
    await document.destroy()
  }
  return texts
}

/** The IDs of the Note structure elements, and the IDs the structure tree root's IDTree lists. */
async function noteIds(data: Uint8Array): Promise<{ notes: string[]; listed: string[] }> {
  const document = await PDFDocument.load(data, { updateMetadata: false })
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined)
  const notes: string[] = []
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(PDFName.of('S')) === PDFName.of('Note')) notes.push(text(object.get(PDFName.of('ID'))) ?? '(no ID)')
  }
  const root = document.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict)
  const listed: string[] = []
  const walk = (node: PDFDict): void => {
    const names = node.lookupMaybe(PDFName.of('Names'), PDFArray)
    for (let index = 0; names && index < names.size(); index += 2) listed.push(text(names.lookup(index)) ?? '')
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray)
    for (let index = 0; kids && index < kids.size(); index++) walk(kids.lookup(index, PDFDict))
  }
  const tree = root.lookupMaybe(PDFName.of('IDTree'), PDFDict)
  if (tree) walk(tree)
  return { notes: notes.sort(), listed }
}
