import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { visit } from 'unist-util-visit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Element, Root } from 'xast'
import { fromXml } from 'xast-util-from-xml'
import { build } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { aceViolations, metadataMismatches, runAce, type AceReport } from '../helpers/a11y.ts'
import { articlePath, corpus } from '../helpers/corpus.ts'
import { elements, epubType, textOf } from '../helpers/epub.ts'
import { wordsOf } from '../helpers/words.ts'

/**
 * The EPUB edition judged by Ace by DAISY (`@daisy/ace-cli`, offline, system
 * Chromium): 0 violations, and accessibility metadata that agrees with what
 * Ace finds. The article is built with its PDF in the same run, for the
 * page-list. Ace runs once per book; its report serves both checks.
 */

let out: string
const books = new Map<string, string>()
const reports = new Map<string, Promise<AceReport>>()
const documents: Array<[name: string, source: string]> = [['article', articlePath], ...Object.entries(corpus)]

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-a11y-epub-'))
  // The article with its PDF (the page-list's print edition), the corpus as EPUB only.
  const withPdf = await build({ ...defaultBuildOptions, paths: [articlePath], out: path.join(out, 'dist'), editions: ['epub', 'pdf'] })
  const corpusOnly = await build({ ...defaultBuildOptions, paths: Object.values(corpus), out: path.join(out, 'dist'), editions: ['epub'] })
  for (const report of [withPdf, corpusOnly]) {
    expect(report.failed).toEqual([])
    for (const source of report.sources) if (source.slug) books.set(source.source, path.join(out, 'dist', source.slug, `${source.slug}.epub`))
  }
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function aceReport(source: string): Promise<AceReport> {
  let report = reports.get(source)
  if (!report) {
    const epub = books.get(source)
    if (!epub) throw new Error(`Unexpected source \`${source}\` with no EPUB, expected the build to make one`)
    report = runAce(epub, path.join(out, 'ace', path.basename(epub, '.epub')))
    reports.set(source, report)
  }
  return report
}

async function openBook(source: string): Promise<{ zip: JSZip; read: (name: string) => Promise<Root> }> {
  const zip = await JSZip.loadAsync(await readFile(books.get(source) as string))
  return {
    zip,
    read: async (name) => {
      const file = zip.file(`OEBPS/${name}`)
      if (!file) throw new Error(`Unexpected missing \`OEBPS/${name}\` in the EPUB`)
      return fromXml(await file.async('string'))
    },
  }
}

/** Whether the book's nav has a page-list and its content uses ARIA roles. */
async function bookFacts(source: string): Promise<{ pageList: boolean; usesAria: boolean }> {
  const { zip, read } = await openBook(source)
  const names = Object.keys(zip.files)
    .filter((name) => name.startsWith('OEBPS/') && name.endsWith('.xhtml'))
    .map((name) => name.slice('OEBPS/'.length))
  let pageList = false
  let usesAria = false
  for (const name of names) {
    const tree = await read(name)
    if (elements(tree, 'nav').some((nav) => epubType(nav).includes('page-list'))) pageList = true
    if (elements(tree).some((element) => element.attributes.role !== undefined)) usesAria = true
  }
  return { pageList, usesAria }
}

describe.each(documents)('EPUB edition of %s', (_name, source) => {
  it('has 0 violations from Ace by DAISY', async () => {
    expect(aceViolations(await aceReport(source))).toEqual([])
  })

  it('has accessibility metadata that matches what Ace finds', async () => {
    expect(metadataMismatches(await aceReport(source), await bookFacts(source))).toEqual([])
  })
})

const run = promisify(execFile)

async function pdfPageText(pdf: string, page: number): Promise<string> {
  try {
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', '-f', String(page), '-l', String(page), pdf, '-'])
    return stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('`pdftotext` is missing: install it with `apt-get install poppler-utils`', { cause: error })
    throw error
  }
}

/** The first `count` words of text after `marker` in `tree`. */
function wordsAfter(tree: Root, marker: Element, count: number): string[] {
  const parts: string[] = []
  let passed = false
  visit(tree, (node) => {
    if (node === marker) passed = true
    else if (passed && node.type === 'text') parts.push(node.value)
    return parts.join(' ').length > count * 20 ? false : undefined
  })
  return wordsOf(parts.join(' ')).slice(0, count)
}

describe('EPUB page-list from the PDF of the same run (issue 7)', () => {
  it('lists every PDF page, each a page-break marker placed where that PDF page begins', async () => {
    const { read, zip } = await openBook(articlePath)
    const nav = await read('toc.xhtml')
    const pageList = elements(nav, 'nav').find((element) => epubType(element).includes('page-list'))
    expect(pageList, 'nav epub:type="page-list"').toBeDefined()
    const entries = elements(pageList as Element, 'a').map((link) => ({ href: link.attributes.href ?? '', label: textOf(link).trim() }))
    const pdf = (books.get(articlePath) as string).replace(/\.epub$/, '.pdf')
    const { stdout } = await run('pdfinfo', [pdf])
    const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1])
    expect(entries.map((entry) => entry.label)).toEqual(Array.from({ length: pages }, (_, index) => String(index + 1)))
    const squeeze = (words: readonly string[]) => words.join('').replace(/\u00AD/g, '')
    for (const entry of entries) {
      const [file = '', id = ''] = entry.href.split('#')
      expect(zip.file(`OEBPS/${file}`), entry.href).not.toBeNull()
      const content = await read(file)
      const marker = elements(content).find((element) => element.attributes.id === id)
      expect(marker, entry.href).toBeDefined()
      expect(epubType(marker as Element)).toContain('pagebreak')
      expect(marker?.attributes.role).toBe('doc-pagebreak')
      expect(marker?.attributes['aria-label'] ?? marker?.attributes.title).toBe(entry.label)
      // The words after the marker open that page of the PDF (past its running head).
      const opening = squeeze(wordsAfter(content, marker as Element, 6))
      const page = squeeze(wordsOf(await pdfPageText(pdf, Number(entry.label))).slice(0, 60))
      expect(page, `page ${entry.label}`).toContain(opening)
    }
  })
})
