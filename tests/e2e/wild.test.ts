import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { Element } from 'hast'
import { selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../../pipeline/editions/browser.ts'
import { projectRoot } from '../helpers/corpus.ts'
import { epubcheck, requireEpubcheck } from '../helpers/epub.ts'
import { parseHtml, validateWithNu } from '../helpers/html.ts'
import { justifiedLines, outsideTextBlock, overlappingWords, type PageWords, pageWords, poppler, printedWords, printMargin } from '../helpers/pdf-words.ts'
import { missingWords, renderedWords, sourceWords, wordsOf } from '../helpers/words.ts'

/**
 * Markdown found in the wild (issue 16): a real public document of each
 * class (`tests/fixtures/wild/`, with its source and licence) and the
 * wide-table fixtures (`tests/fixtures/wide-tables/`), built in one run of the
 * real CLI into all three editions, each judged on its class's property in
 * the real output: poppler's word boxes for the PDF, the W3C Nu checker for
 * the HTML, the EPUB's content documents.
 */

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')
const wild = path.join(projectRoot, 'tests', 'fixtures', 'wild')
const tables = path.join(projectRoot, 'tests', 'fixtures', 'wide-tables')

/** The five documents, under names of their own (two are README.md), and the wide-table fixtures. */
const sources = {
  webgen: { from: path.join(wild, 'kramdown-quickref', 'quickref.md'), name: 'class1-webgen-blocks.md' },
  braces: { from: path.join(wild, 'kotlin-logging-opentracing', 'README.md'), name: 'class2-braces-in-link.md' },
  addresses: { from: path.join(wild, 'kramdown-news', 'news.md'), name: 'class2-addresses.md' },
  forms: { from: path.join(wild, 'bootstrap-forms', 'overview.md'), name: 'class3-form-controls.md' },
  longUrls: { from: path.join(wild, 'kramdown-readme', 'README.md'), name: 'class4-long-urls.md' },
  // The whole table is 1,300 rows and 49 pages: its first 120 rows make the same columns.
  wideTable: { from: path.join(wild, 'benefit-from-end-of-ie', 'README.md'), name: 'class5-wide-table.md', lines: 150 },
  sixteen: { from: path.join(tables, 'sixteen-columns.md'), name: 'sixteen-columns.md' },
  tallRow: { from: path.join(tables, 'tall-row.md'), name: 'tall-row.md' },
} as const
type Key = keyof typeof sources

interface JsonReport {
  sources: Array<{ source: string; status: string; messages: Array<{ line: number | null; column: number | null; ruleId: string | null }> }>
}

let root: string
let report: JsonReport
/** Output folder of each source. */
const folder = {} as Record<Key, string>

beforeAll(async () => {
  await requireEpubcheck()
  root = await mkdtemp(path.join(tmpdir(), 'offprint-wild-'))
  await mkdir(path.join(root, 'src'))
  for (const { from, name, ...rest } of Object.values(sources)) {
    const text = await readFile(from, 'utf8')
    const lines = 'lines' in rest ? rest.lines : undefined
    await writeFile(path.join(root, 'src', name), lines ? `${text.split('\n').slice(0, lines).join('\n')}\n` : text)
  }
  await run(process.execPath, [bin, 'build', 'src', '--out', 'out', '--editions', 'html,pdf,epub', '--json', 'report.json'], {
    cwd: root,
    timeout: 540_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stderr?: string }) => {
    throw new Error(`the build failed: ${error.stderr ?? ''}`)
  })
  report = JSON.parse(await readFile(path.join(root, 'report.json'), 'utf8')) as JsonReport
  for (const name of await readdir(path.join(root, 'out'))) {
    const entry = await readFile(path.join(root, 'out', name, 'entry.json'), 'utf8').catch(() => undefined)
    if (!entry) continue
    const source = path.basename((JSON.parse(entry) as { source: string }).source)
    const key = (Object.keys(sources) as Key[]).find((candidate) => sources[candidate].name === source)
    if (key) folder[key] = path.join(root, 'out', name)
  }
}, 600_000)

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

const html = (key: Key): string => path.join(folder[key], 'index.html')
const pdf = (key: Key): string => path.join(folder[key], `${path.basename(folder[key])}.pdf`)
const epub = (key: Key): string => path.join(folder[key], `${path.basename(folder[key])}.epub`)
const messagesOf = (key: Key): string[] =>
  (report.sources.find((source) => path.basename(source.source) === sources[key].name)?.messages ?? []).map((m) => `${m.line}:${m.column} ${m.ruleId}`)

/** The XHTML content documents of an EPUB (navigation and cover left out), parsed. */
async function epubPages(key: Key): Promise<ReturnType<typeof parseHtml>[]> {
  const zip = await JSZip.loadAsync(await readFile(epub(key)))
  const names = Object.keys(zip.files).filter((name) => name.endsWith('.xhtml') && !/nav|toc|cover/.test(name))
  return Promise.all(names.map(async (name) => parseHtml(await (zip.file(name) as JSZip.JSZipObject).async('string'))))
}

/** Where a PDF's words leave the text block or overlap, page by page, and how far right its words reach. */
function layoutProblems(pages: readonly PageWords[]): { outside: string[]; overlaps: string[]; maxRight: number; textRight: number } {
  return {
    outside: pages.flatMap(outsideTextBlock),
    overlaps: pages.flatMap(overlappingWords),
    maxRight: Math.max(...pages.flatMap((page) => page.words.map((word) => word.right))),
    textRight: (pages[0]?.width ?? 0) - printMargin.right,
  }
}

describe('Markdown found in the wild: every document builds in every edition', () => {
  it('builds all of them, and epubcheck finds nothing in their books', async () => {
    expect(report.sources.map((source) => `${path.basename(source.source)} ${source.status}`).sort()).toEqual(
      Object.values(sources)
        .map((source) => `${source.name} built`)
        .sort(),
    )
    const books = (Object.keys(sources) as Key[]).map(epub)
    const problems = [...(await epubcheck(books, root))].flatMap(([book, found]) => found.map((problem) => `${path.basename(book)}: ${problem}`))
    expect(problems).toEqual([])
  }, 300_000)

  it('every HTML page passes the W3C Nu checker (one Java run)', async () => {
    const pages = (Object.keys(sources) as Key[]).map(html)
    const errors = [...(await validateWithNu(pages))].flatMap(([, found]) => found)
    expect(errors).toEqual([])
  }, 300_000)
})

describe('class 1: a webgen multi-block page (kramdown, doc/quickref.page)', () => {
  it('warns at the opening line and builds the body, every word of it', async () => {
    expect(messagesOf('webgen')).toContain('1:1 frontmatter-unclosed')
    const page = parseHtml(await readFile(html('webgen'), 'utf8'))
    // The page's `# Quick Reference`, under the title block's heading.
    expect(selectAll('h1, h2', page).map((heading) => toString(heading))).toContain('Quick Reference')
    expect(missingWords(await sourceWords(path.join(root, 'src', sources.webgen.name)), renderedWords(page))).toEqual([])
  })
})

/** Addresses HTML does not allow as written (the URL standard's forbidden ASCII) in a page's `href` and `src`. */
const invalidAddresses = (tree: ReturnType<typeof parseHtml>): string[] =>
  selectAll('[href], [src]', tree)
    .flatMap((node: Element) => [node.properties.href, node.properties.src])
    .filter((value): value is string => typeof value === 'string' && /[\s[\]|{}^`]/.test(value))

describe('class 2: `{` and `}` in a Markdown link (kotlin-logging-opentracing-decorator, README.md)', () => {
  it('writes the address percent-encoded in the HTML and the EPUB, the link kept', async () => {
    expect(await readFile(sources.braces.from, 'utf8')).toContain('(https://github.com/{userName}/{repoName}/actions)')
    const encoded = 'https://github.com/%7BuserName%7D/%7BrepoName%7D/actions'
    const page = parseHtml(await readFile(html('braces'), 'utf8'))
    expect(invalidAddresses(page)).toEqual([])
    expect(selectAll('a', page).map((node: Element) => node.properties.href)).toContain(encoded)
    const chapters = await epubPages('braces')
    expect(chapters.flatMap(invalidAddresses)).toEqual([])
    expect(chapters.flatMap((chapter) => selectAll('a', chapter).map((node: Element) => node.properties.href))).toContain(encoded)
  })
})

describe('class 2: an address with `{`, `}` and a space in raw HTML (kramdown, doc/news.page)', () => {
  it('leaves no address HTML does not allow as written in the HTML or the EPUB', async () => {
    expect(await readFile(sources.addresses.from, 'utf8')).toContain('<a href="{relocatable: news.atom}">Atom-Feed</a>')
    const page = parseHtml(await readFile(html('addresses'), 'utf8'))
    expect(invalidAddresses(page)).toEqual([])
    // The link's text stays (the address, a webgen template with no scheme a reader can follow, goes).
    expect(toString(page)).toContain('Atom-Feed')
    expect((await epubPages('addresses')).flatMap(invalidAddresses)).toEqual([])
  })
})

describe('class 3: form controls in raw HTML (Bootstrap, forms/overview.md)', () => {
  const controls = 'form, input, button, select, option, textarea, label, fieldset, legend'
  it('leaves no form control in the HTML or the EPUB, keeping their text', async () => {
    const page = parseHtml(await readFile(html('forms'), 'utf8'))
    expect(selectAll(controls, page).map((node: Element) => node.tagName)).toEqual([])
    expect(toString(page)).toContain('Disabled fieldset example')
    const chapters = await epubPages('forms')
    expect(chapters.flatMap((chapter) => selectAll(controls, chapter).map((node: Element) => node.tagName))).toEqual([])
    expect(chapters.map((chapter) => toString(chapter)).join(' ')).toContain('Check me out')
  })

  it("prints no form field in the PDF, and the controls' text", async () => {
    const bytes = await readFile(pdf('forms'), 'latin1')
    expect(/\/(?:AcroForm|Widget)\b/.exec(bytes)?.[0]).toBeUndefined()
    const printed = new Set(await printedWords(pdf('forms')))
    for (const word of wordsOf('Email address Password Check me out Submit Disabled select menu Disabled fieldset example')) expect(printed).toContain(word)
  })

  it('reports each control it removed at its place', () => {
    expect(messagesOf('forms').filter((message) => message.endsWith('html-removed')).length).toBeGreaterThanOrEqual(10)
  })
})

describe('class 4: long addresses in justified prose (kramdown, README.md)', () => {
  it('prints them inside the text block, no justified line spread past twice its word space', async () => {
    const pages = await pageWords(pdf('longUrls'))
    expect(pages.flatMap(outsideTextBlock)).toEqual([])
    const lines = justifiedLines(pages)
    // The addresses sit in justified lines (filled to the edge, not pushed whole to the next line) …
    expect(lines.filter((line) => line.long).length).toBeGreaterThanOrEqual(2)
    // … whose word spaces stay at about twice their width at most (the "about twice": this
    // README's worst line, an address's tail and six words, is at 2.29).
    expect(lines.filter((line) => line.long && line.ratio > 2.5).map((line) => `${line.ratio.toFixed(2)} ${line.text}`)).toEqual([])
    // Every character of each address is printed, in order, wherever it broke.
    const squeezed = (await poppler('pdftotext', ['-enc', 'UTF-8', pdf('longUrls'), '-'])).replace(/\u00AD[-\u2010]?/g, '').replace(/\s+/g, '')
    for (const address of ['http://kramdown.gettalong.org/quickref.html', 'https://github.com/gettalong/kramdown/wiki']) expect(squeezed).toContain(address)
  })
})

describe('class 5 and the fixtures: tables far wider than the page (PDF)', () => {
  it('fits the real nine-column table (benefit-from-end-of-ie) in the text block, no two words over each other', async () => {
    const { outside, overlaps, maxRight, textRight } = layoutProblems(await pageWords(pdf('wideTable')))
    expect(outside).toEqual([])
    expect(overlaps).toEqual([])
    expect(maxRight).toBeLessThanOrEqual(textRight + 0.5)
  })

  it('fits sixteen columns and a raw HTML table with a spanning header, breaking words only where they hyphenate', async () => {
    const pages = await pageWords(pdf('sixteen'))
    const { outside, overlaps } = layoutProblems(pages)
    expect(outside).toEqual([])
    expect(overlaps).toEqual([])
    // Words break only where they hyphenate: a word box that ends without a hyphen is a whole word,
    // never the head of one cut where the column ended ("Identifie" of "Identifier"). Long addresses,
    // paths and code may break anywhere and are left out.
    const source = await readFile(sources.sixteen.from, 'utf8')
    const body = source.slice(source.indexOf('\n---\n') + 5).replace(/<[^>]*>/g, ' ')
    const words = new Set(
      body
        .split(/[\s|]+/)
        .filter((token) => token.length < 24 && !/`|=/.test(token))
        .flatMap(wordsOf),
    )
    const cut = pages.flatMap((page) =>
      page.words
        .map((box) => box.text.replaceAll('\u00AD', ''))
        // A box of letters alone (a piece of an address holds its punctuation) that is no word but begins one,
        // and is not the end of one (the second half of a word hyphenated, "time" of "Run-time").
        .filter((text) => /^\p{L}+$/u.test(text) && !words.has(text))
        .filter((text) => [...words].some((word) => word.length > text.length && word.startsWith(text)))
        .filter((text) => ![...words].some((word) => word.length > text.length && word.endsWith(text))),
    )
    expect(cut).toEqual([])
    // Set small, never below 6.5 pt: a word's box is about 1.36 em tall (symbols from a fallback font, as ≥, less).
    const heights = pages.flatMap((page) => page.words.filter((word) => /[\p{L}\p{N}]/u.test(word.text)).map((word) => word.bottom - word.top))
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(6.5 * 1.3)
  })

  it('breaks a row taller than a page across pages, losing and repeating no line', async () => {
    const { outside, overlaps } = layoutProblems(await pageWords(pdf('tallRow')))
    expect(outside).toEqual([])
    expect(overlaps).toEqual([])
    const numbers = (await printedWords(pdf('tallRow'))).join(' ').match(/sentence number \d+/g) ?? []
    expect(numbers).toEqual(Array.from({ length: 90 }, (_, index) => `sentence number ${index + 1}`))
  })

  it('keeps every word of the tables in the HTML and the EPUB', async () => {
    for (const key of ['wideTable', 'sixteen', 'tallRow'] as const) {
      const words = await sourceWords(path.join(root, 'src', sources[key].name))
      expect(missingWords(words, renderedWords(parseHtml(await readFile(html(key), 'utf8')))), key).toEqual([])
      expect(missingWords(words, (await epubPages(key)).flatMap(renderedWords)), key).toEqual([])
    }
  })
})

describe('class 5 on screens: the HTML edition and the EPUB', () => {
  /** In Chromium at `width` CSS pixels: how far the page scrolls sideways, and each table's width against its container's. */
  async function measure(file: string, width: number): Promise<{ pageOverflow: number; tables: Array<{ width: number; room: number; scrolls: boolean }> }> {
    const session = await launchBrowser({ jobs: 1 })
    try {
      return await session.withPage({ allow: [root] }, async (page) => {
        await page.setViewport({ width, height: 900 })
        await page.goto(pathToFileURL(file).href)
        await page.setJavaScriptEnabled(true)
        return page.evaluate(() => ({
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          tables: Array.from(document.querySelectorAll('table')).map((table) => ({
            width: table.getBoundingClientRect().width,
            room: (table.parentElement as HTMLElement).clientWidth,
            scrolls: table.scrollWidth > table.clientWidth,
          })),
        }))
      })
    } finally {
      await session.close()
    }
  }

  it('HTML: the page never scrolls sideways; a table wider than the measure scrolls in its own box', async () => {
    const { pageOverflow, tables } = await measure(html('sixteen'), 800)
    expect(pageOverflow).toBeLessThanOrEqual(0)
    expect(tables.length).toBe(3)
    for (const table of tables) expect(table.width).toBeLessThanOrEqual(table.room + 0.5)
    expect(tables[0]?.scrolls).toBe(true)
  })

  it('EPUB: at a reader’s 600 pixels every table fits the page, its cells wrapping', async () => {
    const zip = await JSZip.loadAsync(await readFile(epub('sixteen')))
    const folder = path.join(root, 'epub-sixteen')
    for (const [name, entry] of Object.entries(zip.files)) {
      if (entry.dir) continue
      await mkdir(path.dirname(path.join(folder, name)), { recursive: true })
      await writeFile(path.join(folder, name), await entry.async('uint8array'))
    }
    const chapter = Object.keys(zip.files).find((name) => name.endsWith('.xhtml') && !/nav|toc|cover/.test(name))
    const { pageOverflow, tables } = await measure(path.join(folder, chapter as string), 600)
    expect(pageOverflow).toBeLessThanOrEqual(0)
    expect(tables.length).toBe(3)
    for (const table of tables) expect(table).toEqual(expect.objectContaining({ scrolls: false }))
    for (const table of tables) expect(table.width).toBeLessThanOrEqual(table.room + 0.5)
  })
})
