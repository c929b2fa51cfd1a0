import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Root } from 'hast'
import type { Page } from 'puppeteer-core'
import { h } from 'hastscript'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { PDFBool, PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArticleData } from '../../pipeline/common/article.ts'
import type { EditionInput } from '../../pipeline/editions/edition.ts'
import { launchBrowser, type BrowserSession } from '../../pipeline/editions/browser.ts'
import { writePdf, type PdfEdition, type PdfOptions } from '../../pipeline/editions/pdf/write-pdf.ts'
import { printPage } from '../../pipeline/editions/pdf/print-page.ts'
import { justifiedLines, pageWords, printMargin } from '../helpers/pdf-words.ts'
import { drawsFrames } from '../helpers/frames.ts'
import { compileGlossary } from '../../pipeline/glossary/matcher.ts'
import { loadGlossary } from '../../pipeline/glossary/load.ts'
import { parseSource } from '../../pipeline/source/parse-source.ts'
import { readSource } from '../../pipeline/source/read-source.ts'
import { articlePath, corpus, projectRoot } from '../helpers/corpus.ts'
import { missingWords, sourceWords, wordsOf } from '../helpers/words.ts'

const run = promisify(execFile)
const templatesDir = path.join(projectRoot, 'templates')
const epoch = 1_668_556_800 // 2022-11-16T00:00:00Z

/** Run a poppler or qpdf tool; a missing one fails with how to install it. */
async function tool(command: string, args: string[], input?: Uint8Array): Promise<string> {
  let file: string | undefined
  if (input) {
    file = path.join(scratch, `in-${Math.random().toString(36).slice(2)}.pdf`)
    await writeFile(file, input)
  }
  try {
    const { stdout } = await run(command, file ? [...args, file, ...(command === 'pdftotext' ? ['-'] : [])] : args, { maxBuffer: 256 * 1024 * 1024 })
    return stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`\`${command}\` is missing: install it with \`apt-get install ${command === 'qpdf' ? 'qpdf' : 'poppler-utils'}\``, { cause: error })
    }
    throw error
  } finally {
    if (file) await rm(file, { force: true })
  }
}

/** PDF text with soft hyphens (and the hyphen Chromium draws at a break on one) removed. */
function dehyphenate(text: string): string {
  return text.replace(/\u00AD[-\u2010]?[ \t]*\n?[ \t]*/g, '')
}
const squeeze = (text: string): string => dehyphenate(text).replace(/\s+/g, '')

async function pageTexts(pdf: Uint8Array, pages: number): Promise<string[]> {
  const all = await tool('pdftotext', ['-enc', 'UTF-8'], pdf)
  const split = all.split('\f')
  expect(split.length).toBeGreaterThanOrEqual(pages)
  return split.slice(0, pages).map(dehyphenate)
}

interface Built {
  article: ArticleData
  tree: Root
  edition: PdfEdition
  pdf: Uint8Array
}

let session: BrowserSession
let scratch: string
let glossary: Awaited<ReturnType<typeof loadGlossary>>['entries']

async function buildPdf(sourcePath: string, options: PdfOptions = {}, browser: BrowserSession = session, theme?: EditionInput['theme']): Promise<Built> {
  const { file, tree } = await parseSource(sourcePath, glossary)
  const article = file.data.article
  if (!tree || !article) throw new Error(`no tree for ${sourcePath}: ${file.messages.join('; ')}`)
  const input: EditionInput = { tree, article, sourcePath, sourceDir: path.dirname(sourcePath), templatesDir, epoch, ...(theme ? { theme } : {}) }
  const edition = await writePdf(input, browser, options)
  const data = edition.files[0]?.data
  if (!(data instanceof Uint8Array)) throw new Error('no PDF bytes')
  expect(edition.files.map((entry) => entry.path)).toEqual([`${article.slug}.pdf`])
  return { article, tree, edition, pdf: data }
}

/**
 * Run `fn` with a browser of its own, whose print page is prepared by
 * `prepareWith` (default: as every build prepares it) and handed to `fn`.
 */
async function withOwnPrintPage(
  fn: (browser: BrowserSession, page: () => Page) => Promise<void>,
  prepareWith?: (page: Page, prepare: (page: Page) => Promise<void>) => Promise<void>,
): Promise<void> {
  const own = await launchBrowser({ jobs: 1 })
  const prepare = printPage.prepare
  let kept: Page | undefined
  printPage.prepare = async (page) => {
    await (prepareWith ? prepareWith(page, prepare) : prepare(page))
    kept = page
  }
  try {
    await fn(own, () => {
      if (!kept) throw new Error('Unexpected print page never prepared, expected a build to have made one')
      return kept
    })
  } finally {
    printPage.prepare = prepare
    await own.close()
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'offprint-pdf-test-'))
  glossary = (await loadGlossary(path.join(projectRoot, 'source', 'glossary.yaml'))).entries
  session = await launchBrowser({ jobs: 2 })
})
afterAll(async () => {
  await session?.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('PDF edition of the article', () => {
  let built: Built
  let texts: string[]
  beforeAll(async () => {
    built = await buildPdf(articlePath)
    texts = await pageTexts(built.pdf, built.edition.pages)
  })

  it('has a sane page count, the same in Paged.js and in the file', async () => {
    const info = await tool('pdfinfo', [], built.pdf)
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBe(built.edition.pages)
    expect(built.edition.pages).toBeGreaterThanOrEqual(2)
    expect(built.edition.pages).toBeLessThanOrEqual(8)
    expect(info).toMatch(/^Page size:\s+594\.96 x 841\.92 pts \(A4\)/m)
    expect(info).toMatch(/^Tagged:\s+yes/m)
  })

  it('heads each page after the first with the section it opens, else the one it goes on with (string-set)', async () => {
    const sections: string[] = []
    visit(built.tree, 'element', (node) => {
      if (node.tagName !== 'h2') return
      let text = ''
      visit(node, 'text', (leaf) => {
        text += leaf.value
      })
      sections.push(text.trim())
    })
    expect(sections.length).toBeGreaterThan(2)
    const file = path.join(scratch, 'running-heads.pdf')
    await writeFile(file, built.pdf)
    const pages = await pageWords(file)
    const heads: string[] = []
    const expected: string[] = []
    let current = ''
    for (const page of pages) {
      const inBand = (word: { top: number }): boolean => word.top <= printMargin.top - 2
      const body = page.words
        .filter((word) => !inBand(word))
        .map((word) => word.text)
        .join(' ')
      const opened = sections.filter((section) => body.includes(section))
      const first = opened[0] ?? current
      current = opened.at(-1) ?? current
      if (page.page === 1) continue
      // The title at the left, the section at the right: the band's text ends with the section.
      const band = page.words
        .filter(inBand)
        .sort((a, b) => a.left - b.left)
        .map((word) => word.text)
        .join(' ')
      heads.push(band.slice(-first.length - 1))
      expected.push(` ${first}`)
    }
    expect(heads).toEqual(expected)
    expect(new Set(expected).size).toBeGreaterThan(1)
  })

  it('carries every metadata field', async () => {
    const { meta } = built.article
    const document = await getDocument({ data: built.pdf.slice(), isEvalSupported: false }).promise
    const info = (await document.getMetadata()).info as Record<string, unknown>
    expect(info.Title).toBe(meta.title)
    expect(info.Author).toBe(meta.authors.join(', '))
    expect(info.Subject).toBe(meta.description)
    expect(info.Keywords).toBe(meta.keywords.join(', '))
    expect(info.Creator).toBe('offprint')
    expect(info.Producer).toMatch(/^offprint/)
    expect(info.CreationDate).toBe('D:20221116000000Z')
    expect(info.ModDate).toBe('D:20221116000000Z')
    expect(info.Language).toBe('en')
    expect(await document.getViewerPreferences()).toMatchObject({ DisplayDocTitle: true })
    await document.destroy()

    const parsed = await PDFDocument.load(built.pdf, { updateMetadata: false })
    expect(parsed.catalog.get(PDFName.of('Lang'))).toEqual(PDFString.of('en'))
    const preferences = parsed.catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict)
    expect(preferences.get(PDFName.of('DisplayDocTitle'))).toBe(PDFBool.True)
    expect(parsed.getTitle()).toBe(meta.title)
  })

  it('has an outline equal to the headings (and the glossary)', async () => {
    const document = await getDocument({ data: built.pdf.slice(), isEvalSupported: false }).promise
    const titles: string[] = []
    const walk = (items: Array<{ title: string; items: unknown[] }>): void => {
      for (const item of items) {
        titles.push(item.title)
        walk(item.items as typeof items)
      }
    }
    walk((await document.getOutline()) ?? [])
    await document.destroy()
    // The title block's H1 opens the outline (the article's title is from its front matter).
    expect(titles).toEqual([built.article.meta.title, ...built.article.headings.map((heading) => heading.text), 'Glossary'])
  })

  it('keeps every word of the article', async () => {
    const expected = await sourceWords(articlePath)
    const meta = built.article.meta
    // A note call prints its number right after the word: `amendments4`.
    const numbers = built.article.notes.map((note) => String(note.number))
    const actual = wordsOf(texts.join('\n')).flatMap((word) => {
      const number = numbers.find((n) => word.length > n.length && word.endsWith(n))
      return number ? [word, word.slice(0, -number.length)] : [word]
    })
    expect(missingWords([...expected, ...wordsOf(meta.title), ...wordsOf(meta.authors.join(' '))], actual)).toEqual([])
  })

  it('prints each footnote on the page of its call', async () => {
    const document = await getDocument({ data: built.pdf.slice(), isEvalSupported: false }).promise
    // A note's first call links to it (`#fn-N`); a later call links to it too, from another place.
    const calls: Array<{ page: number; target: number }> = []
    const seen = new Set<string>()
    for (let index = 0; index < document.numPages; index++) {
      const annotations = (await (await document.getPage(index + 1)).getAnnotations()) as Array<{ dest?: unknown }>
      for (const annotation of annotations) {
        if (typeof annotation.dest !== 'string' || !/^fn-\d+$/.test(annotation.dest) || seen.has(annotation.dest)) continue
        seen.add(annotation.dest)
        const destination = await document.getDestination(annotation.dest)
        calls.push({ page: index, target: await document.getPageIndex(destination?.[0]) })
      }
    }
    await document.destroy()
    expect(calls).toHaveLength(built.article.notes.length)
    built.article.notes.forEach((note, index) => {
      const call = calls[index]
      expect(call?.target, `note ${note.number}`).toBe(call?.page)
      const pagesWithNote = texts.flatMap((text, page) => (squeeze(text).includes(squeeze(note.text).slice(0, 60)) ? [page] : []))
      expect(pagesWithNote, `note ${note.number}: ${note.text}`).toEqual([call?.page])
    })
  })

  it('lists in the glossary the pages where each term is used', () => {
    const matcher = compileGlossary(built.article.terms.map((term) => term.entry))
    expect(matcher).toBeDefined()
    const label = texts.findIndex((text) => /^Glossary$/m.test(text))
    expect(label).toBeGreaterThan(0)
    const body = texts.slice(0, label + 1).map((text, page) => (page === label ? text.slice(0, text.search(/^Glossary$/m)) : text))
    for (const term of built.article.terms) {
      const forms = [term.entry.term, ...term.entry.variants]
      const expected = body.flatMap((text, page) => ([...text.matchAll(new RegExp(matcher!.pattern.source, 'gu'))].some((match) => forms.includes(match[0])) ? [page + 1] : []))
      expect(expected.length, term.entry.term).toBeGreaterThan(0)
      expect(built.edition.termPages[term.id], term.entry.term).toEqual(expected)
      const glossaryText = squeeze(texts.slice(label).join('\n'))
      expect(glossaryText, term.entry.term).toContain(squeeze(`${term.entry.term} — ${expected.join(', ')}`))
    }
  })

  it('passes qpdf --check and embeds every font', async () => {
    const check = await tool('qpdf', ['--check'], built.pdf)
    expect(check).toMatch(/No syntax or stream encoding errors found/)
    const fonts = (await tool('pdffonts', [], built.pdf)).split('\n').slice(2).filter(Boolean)
    expect(fonts.length).toBeGreaterThan(0)
    for (const row of fonts) expect(row.split(/\s+/).at(-5), row).toBe('yes')
    expect(fonts.every((row) => /\+Noto(Serif|SansMono)-/.test(row))).toBe(true)
  })

  it('reuses its print page for the next documents of the build, whatever their source folders: Paged.js is evaluated once', async () => {
    const prepare = printPage.prepare
    let prepared = 0
    printPage.prepare = (page) => {
      prepared++
      return prepare(page)
    }
    try {
      const first = await buildPdf(articlePath)
      // Another source folder: the same build, the same page.
      const elsewhere = path.join(scratch, 'elsewhere.md')
      await writeFile(elsewhere, '---\ntitle: Elsewhere\nlang: en\n---\n\nA second document, in a folder of its own.\n')
      await buildPdf(elsewhere)
      const second = await buildPdf(articlePath)
      expect(prepared).toBeLessThanOrEqual(1)
      expect(Buffer.compare(Buffer.from(second.pdf), Buffer.from(first.pdf))).toBe(0)
    } finally {
      printPage.prepare = prepare
    }
  })

  it('loads each font face once per print page, and only the faces its documents need', async () => {
    const prepared: string[] = []
    const fonts: string[][] = []
    let preparing = false
    const otherScripts = /-(?:cyrillic|greek|vietnamese|math|symbols)/
    const countRequests = async (page: Page, prepare: (page: Page) => Promise<void>): Promise<void> => {
      page.on('request', (request) => {
        if (/\.(?:woff2?|css)$/.test(request.url())) (preparing ? prepared : fonts.at(-1))?.push(request.url())
      })
      preparing = true
      try {
        await prepare(page)
      } finally {
        preparing = false
      }
    }
    await withOwnPrintPage(async (own) => {
      fonts.push([])
      const first = await buildPdf(articlePath, {}, own)
      const later: Built[] = []
      for (let count = 0; count < 3; count++) {
        fonts.push([])
        later.push(await buildPdf(articlePath, {}, own))
      }
      // Then, on the same page, a document in Cyrillic letters.
      const kazakh = path.join(scratch, 'kk-faces.md')
      await writeFile(kazakh, '---\ntitle: Қазақ әліпбиі\nlang: kk\n---\n\nӘріптер: ә ғ қ ң ө ұ ү һ і, *курсив* және **жуан**.\n')
      fonts.push([])
      const kk = await buildPdf(kazakh, {}, own)
      // The Latin faces while the page is prepared (a build prepares it while the source is parsed); the English
      // article asks for no face of another script, and once it is printed, its next copies ask for none at all.
      expect(prepared.length).toBeGreaterThanOrEqual(6)
      expect(prepared.filter((url) => otherScripts.test(url))).toEqual([])
      expect(fonts[0]?.filter((url) => otherScripts.test(url))).toEqual([])
      expect(fonts.slice(1, 4)).toEqual([[], [], []])
      // The Kazakh document loads the Cyrillic faces it needs, and prints in them, not in a fallback font.
      expect(fonts[4]?.some((url) => /noto-serif-cyrillic-400-normal/.test(url))).toBe(true)
      const kkFonts = (await tool('pdffonts', [], kk.pdf)).split('\n').slice(2).filter(Boolean)
      expect(
        kkFonts.every((row) => /\+NotoSerif-/.test(row)),
        kkFonts.join('\n'),
      ).toBe(true)
      // No face is fetched twice by one page.
      const all = [...prepared, ...fonts.flat()]
      expect(new Set(all).size).toBe(all.length)
      for (const next of later) expect(Buffer.compare(Buffer.from(next.pdf), Buffer.from(first.pdf))).toBe(0)
      expect(Buffer.compare(Buffer.from(first.pdf), Buffer.from(built.pdf))).toBe(0)
    }, countRequests)
  })

  it('has Paged.js lay out pages without watching their size, in a page that draws no frames: nothing on them changes once they are made', async () => {
    // The page's window outlives its documents: every ResizeObserver any of them makes is counted.
    const countObservers = async (page: Page, prepare: (page: Page) => Promise<void>): Promise<void> => {
      await prepare(page)
      await page.evaluate(
        '(() => { window.offprintObserved = 0; const observe = ResizeObserver.prototype.observe; ResizeObserver.prototype.observe = function (...args) { window.offprintObserved++; return observe.apply(this, args) } })()',
      )
    }
    await withOwnPrintPage(async (own, kept) => {
      const first = await buildPdf(articlePath, {}, own)
      const second = await buildPdf(articlePath, {}, own)
      expect(first.edition.pages).toBeGreaterThan(1)
      expect(await kept().evaluate('window.offprintObserved')).toBe(0)
      // Chromium draws no frame of the print page.
      expect(await drawsFrames(kept())).toBe(false)
      expect(Buffer.compare(Buffer.from(first.pdf), Buffer.from(built.pdf))).toBe(0)
      expect(Buffer.compare(Buffer.from(second.pdf), Buffer.from(built.pdf))).toBe(0)
    }, countObservers)
  })

  it("gives a page's running strings to the margin boxes that show them, not to its text; a theme that shows one in the text has them everywhere", async () => {
    // On the second page, still in the print page after the document is printed: the string's value on the page,
    // in the top right margin box (which shows it), and in the first paragraph of the text.
    const where = `(() => {
      const page = document.querySelectorAll('.pagedjs_page')[1]
      const value = (element) => getComputedStyle(element).getPropertyValue('--pagedjs-string-first-section')
      return [page.style.getPropertyValue('--pagedjs-string-first-section'), value(page.querySelector('.pagedjs_margin-top-right > .pagedjs_margin-content')), value(page.querySelector('.pagedjs_page_content p'))]
    })()`
    await withOwnPrintPage(async (own, kept) => {
      const plain = await buildPdf(articlePath, {}, own)
      expect(Buffer.compare(Buffer.from(plain.pdf), Buffer.from(built.pdf))).toBe(0)
      const [onPage, inMargin, inText] = (await kept().evaluate(where)) as string[]
      expect(onPage).toMatch(/^"\S/)
      expect(inMargin).toBe(onPage)
      expect(inText).toBe('')
      await buildPdf(articlePath, {}, own, { pdf: 'main h2::after { content: " · " string(section); }' })
      const [themed, themedMargin, themedText] = (await kept().evaluate(where)) as string[]
      expect(themedMargin).toBe(themed)
      expect(themedText).toBe(themed)
    })
  })

  it("gives Chromium print-text.css and the shared sheets (type, code colours, alignment) apart from the sheet Paged.js reads, with a theme's rules still after them", async () => {
    const source = path.join(scratch, 'shared-sheets.md')
    await writeFile(source, '---\ntitle: Shared sheets\nlang: en\n---\n\nA paragraph of the text.\n\n```js\nconst answer = 42\n```\n\n| Item | Price |\n|:--|--:|\n| Tea | 3 |\n')
    const seen = `(() => {
      const inserted = [...document.querySelectorAll('style[data-pagedjs-inserted-styles]')].map((style) => style.textContent).join('\\n')
      const keyword = document.querySelector('.pagedjs_page_content .hljs-keyword')
      const cell = document.querySelector('.pagedjs_page_content td.align-right')
      const paragraph = document.querySelector('.pagedjs_page_content p')
      return {
        paged: /hljs|\\.valign-|table-layout|text-align: justify/.test(inserted),
        keyword: keyword && getComputedStyle(keyword).color,
        cell: cell && getComputedStyle(cell).textAlign,
        paragraph: paragraph && getComputedStyle(paragraph).textAlign,
      }
    })()`
    await withOwnPrintPage(async (own, kept) => {
      await buildPdf(source, {}, own)
      expect(await kept().evaluate(seen)).toEqual({ paged: false, keyword: 'rgb(138, 43, 6)', cell: 'right', paragraph: 'justify' })
      await buildPdf(source, {}, own, { pdf: '.align-right { text-align: center; } p { text-align: left; }' })
      expect(await kept().evaluate(seen)).toEqual({ paged: false, keyword: 'rgb(138, 43, 6)', cell: 'center', paragraph: 'left' })
    })
  })

  it('makes pages without the bleed areas and margin boxes no @page rule asks for, and with those a theme asks for', async () => {
    // The last page of the document still in the print page: its bleed areas, and the margin boxes that have content elements.
    const parts = `(() => {
      const page = [...document.querySelectorAll('.pagedjs_page')].at(-1)
      return { bleeds: page.querySelectorAll('.pagedjs_bleed').length, boxes: [...page.querySelectorAll('.pagedjs_margin')].filter((box) => box.querySelector('.pagedjs_margin-content')).map((box) => box.classList[1]).sort() }
    })()`
    await withOwnPrintPage(async (own, kept) => {
      const withTheme = async (pdf: string): Promise<{ text: string; parts: { bleeds: number; boxes: string[] } }> => {
        const themed = await buildPdf(articlePath, {}, own, { pdf })
        return { text: (await pageTexts(themed.pdf, themed.edition.pages)).join('\n'), parts: (await kept().evaluate(parts)) as { bleeds: number; boxes: string[] } }
      }
      const plain = await buildPdf(articlePath, {}, own)
      expect(Buffer.compare(Buffer.from(plain.pdf), Buffer.from(built.pdf))).toBe(0)
      expect(await kept().evaluate(parts)).toEqual({ bleeds: 0, boxes: ['pagedjs_margin-bottom-center', 'pagedjs_margin-top-left', 'pagedjs_margin-top-right'] })
      const boxes = await withTheme('@page { @bottom-left { content: "Left foot"; } @bottom-right-corner { color: red; } }')
      expect(boxes.text).toContain('Left foot')
      expect(boxes.parts.boxes).toEqual(expect.arrayContaining(['pagedjs_margin-bottom-left', 'pagedjs_margin-bottom-right-corner']))
      const bleed = await withTheme('@page { bleed: 3mm; marks: crop; }')
      expect(bleed.parts.bleeds).toBe(4)
    })
  })

  it("divides the top margin between the running heads without measuring them: a short head keeps its line beside a long title; a centre box keeps Paged.js's division", async () => {
    const source = path.join(scratch, 'running-heads.md')
    const title =
      'A deliberately long title for the running head of every page after the first, far too long for one line of the top margin beside its section, so that it has to wrap'
    const paragraph = 'Words of the body text, said again and again to fill the pages of this document. '.repeat(10)
    await writeFile(source, `---\ntitle: "${title}"\nlang: en\n---\n\n## Brief\n\n${`${paragraph}\n\n`.repeat(10)}`)
    // Every read of a margin box's width, counted from the start (the patch reads through the prototype's getter).
    const countReads = async (page: Page, prepare: (page: Page) => Promise<void>): Promise<void> => {
      await page.evaluate(
        "(() => { window.offprintMarginReads = 0; window.offprintMarginStyles = 0; const own = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth'); Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { ...own, get() { if (this.classList.contains('pagedjs_margin')) window.offprintMarginReads++; return own.get.call(this) } }); const computed = window.getComputedStyle; window.getComputedStyle = function (element, pseudo) { if (element?.classList?.contains('pagedjs_margin')) window.offprintMarginStyles++; return computed.call(window, element, pseudo) } })()",
      )
      await prepare(page)
    }
    // The second page's running heads: whether they overlap, the lines each takes, whether either overflows its box.
    const heads = `(() => {
      const page = document.querySelectorAll('.pagedjs_page')[1]
      const content = (side) => page.querySelector('.pagedjs_margin-top-' + side + ' > .pagedjs_margin-content')
      const left = page.querySelector('.pagedjs_margin-top-left').getBoundingClientRect()
      const right = page.querySelector('.pagedjs_margin-top-right').getBoundingClientRect()
      const lines = (element) => Math.round(element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight))
      return {
        apart: left.right <= right.left + 0.5,
        lines: [lines(content('left')), lines(content('right'))],
        overflows: [content('left'), content('right')].some((element) => element.scrollWidth > element.clientWidth + 0.5),
        reads: window.offprintMarginReads,
        styles: window.offprintMarginStyles,
        share: Math.round((left.width / page.querySelector('.pagedjs_margin-top').getBoundingClientRect().width) * 100),
      }
    })()`
    await withOwnPrintPage(async (own, kept) => {
      const plain = await buildPdf(source, {}, own)
      expect(plain.edition.pages).toBeGreaterThan(1)
      // Neither measured nor styled: no rule gives a margin box a limit.
      expect(await kept().evaluate(heads)).toMatchObject({ apart: true, lines: [2, 1], overflows: false, reads: 0, styles: 0 })
      const texts = await pageTexts(plain.pdf, 2)
      expect(texts[1]).toContain('Brief')
      expect(texts[1]?.replace(/\s+/g, ' ')).toContain(title)
      // A theme's limit on a box: Paged.js reads it from the box's style and divides by it, as it would.
      await buildPdf(source, {}, own, { pdf: '@page { @top-left { content: string(doctitle); max-width: 51mm; } }' })
      expect(await kept().evaluate(heads)).toMatchObject({ apart: true, share: 30, reads: 0 })
      expect(((await kept().evaluate(heads)) as { styles: number }).styles).toBeGreaterThan(0)
      // A theme's centre box: Paged.js divides that margin by the widths it measures, as it would.
      await buildPdf(source, {}, own, { pdf: '@page { @top-center { content: "Centre"; } }' })
      expect(((await kept().evaluate(heads)) as { reads: number }).reads).toBeGreaterThan(0)
    }, countReads)
  })

  it("measures the content area of a document's first page only, and only for sheets not measured before on its print page", async () => {
    // Counted from the start: every measure of a page's content area made while Paged.js makes a page (its `create`).
    const countMeasures = async (page: Page, prepare: (page: Page) => Promise<void>): Promise<void> => {
      await page.evaluate(
        "(() => { window.offprintMeasured = 0; const measure = Element.prototype.getBoundingClientRect; Element.prototype.getBoundingClientRect = function () { if (this.classList.contains('pagedjs_page_content') && /\\bcreate\\b/.test(new Error().stack)) window.offprintMeasured++; return measure.call(this) } })()",
      )
      await prepare(page)
    }
    await withOwnPrintPage(async (own, kept) => {
      const first = await buildPdf(articlePath, {}, own)
      const second = await buildPdf(articlePath, {}, own)
      expect(first.edition.pages).toBeGreaterThan(2)
      // The second document has the first one's sheets: its pages are given the size measured for the first.
      expect(await kept().evaluate('window.offprintMeasured')).toBe(1)
      expect(Buffer.compare(Buffer.from(first.pdf), Buffer.from(built.pdf))).toBe(0)
      expect(Buffer.compare(Buffer.from(second.pdf), Buffer.from(built.pdf))).toBe(0)
      // Other sheets (Letter paper, then a theme's margins) are measured, each once, and their pages take their size.
      const letter = await buildPdf(articlePath, { paper: 'Letter' }, own)
      const narrow = await buildPdf(articlePath, {}, own, { pdf: '@page { margin: 22mm 45mm 24mm 45mm; }' })
      expect(await kept().evaluate('window.offprintMeasured')).toBe(3)
      expect(await tool('pdfinfo', [], letter.pdf)).toMatch(/^Page size:\s+612 x 792 pts \(letter\)/m)
      expect(narrow.edition.pages).toBeGreaterThan(first.edition.pages)
      // And back to the first sheets: not measured again, the same bytes.
      const again = await buildPdf(articlePath, {}, own)
      expect(await kept().evaluate('window.offprintMeasured')).toBe(3)
      expect(Buffer.compare(Buffer.from(again.pdf), Buffer.from(built.pdf))).toBe(0)
    }, countMeasures)
  })

  it('is byte-identical when built again', async () => {
    const again = await buildPdf(articlePath)
    expect(Buffer.compare(Buffer.from(again.pdf), Buffer.from(built.pdf))).toBe(0)
  })

  it("is byte-identical with its page in the browser's own process (--single-process, for a build with one document)", async () => {
    const single = await launchBrowser({ jobs: 1, singleProcess: true })
    try {
      const alone = await buildPdf(articlePath, {}, single)
      expect(Buffer.compare(Buffer.from(alone.pdf), Buffer.from(built.pdf))).toBe(0)
      // No renderer process: the page runs in the browser's own.
      // Every process below `pid` (Chromium starts its renderers through a zygote).
      const childrenOf = async (pid: number | undefined): Promise<string[]> => {
        const rows = (await run('ps', ['-eo', 'pid=,ppid=,args='])).stdout.split('\n').map((line) => line.trim().split(/\s+/))
        const below = new Set([String(pid)])
        for (let grown = true; grown; ) {
          grown = false
          for (const [child, parent] of rows) if (child && parent && below.has(parent) && !below.has(child)) grown = Boolean(below.add(child))
        }
        return rows.filter(([child]) => child !== String(pid) && below.has(child ?? '')).map((row) => row.slice(2).join(' '))
      }
      expect((await childrenOf(single.pid)).filter((line) => line.includes('--type=renderer'))).toEqual([])
      // The build's usual browser has a renderer process for its pages.
      expect((await childrenOf(session.pid)).some((line) => line.includes('--type=renderer'))).toBe(true)
    } finally {
      await single.close()
    }
  })

  it("numbers pages 'N of M' for a theme that asks for counter(pages): the page count reaches the margin boxes", async () => {
    // print.css registers the page count Paged.js sets at the end as not inherited (restyling its element alone).
    const { pdf, edition } = await buildPdf(articlePath, {}, session, { pdf: '@page { @bottom-center { content: counter(page) " of " counter(pages); } }' })
    const pages = await pageTexts(pdf, edition.pages)
    expect(edition.pages).toBeGreaterThan(1)
    for (const [index, text] of pages.slice(0, edition.pages).entries()) expect(text).toContain(`${index + 1} of ${edition.pages}`)
  })

  it('prints on Letter paper when asked', async () => {
    const letter = await buildPdf(articlePath, { paper: 'Letter' })
    expect(await tool('pdfinfo', [], letter.pdf)).toMatch(/^Page size:\s+612 x 792 pts \(letter\)/m)
  })
})

describe('PDF edition details', () => {
  it('renders Kazakh letters in the embedded Noto fonts', async () => {
    const letters = 'ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І'
    const source = path.join(scratch, 'kk.md')
    await writeFile(source, `---\ntitle: Қазақ әліпбиі\nlang: kk\n---\n\nӘріптер: ${letters}. Орысша: съешь же ещё этих мягких булок.\n`)
    const { pdf } = await buildPdf(source)
    const text = await tool('pdftotext', ['-enc', 'UTF-8'], pdf)
    for (const letter of letters.split(' ')) expect(text).toContain(letter)
    const fonts = (await tool('pdffonts', [], pdf)).split('\n').slice(2).filter(Boolean)
    expect(
      fonts.every((row) => /\+NotoSerif-/.test(row)),
      fonts.join('\n'),
    ).toBe(true)
  })

  it('aligns table columns as the source says', async () => {
    const source = path.join(scratch, 'aligned.md')
    await writeFile(
      source,
      '---\ntitle: Aligned columns\nlang: en\n---\n\n| Region | Centred | Amount |\n|:--|:-:|--:|\n| Almaty | ax | 1 |\n| Astana | bxxxxxxxx | 22222222 |\n| Shymkent | cxxxx | 3333 |\n',
    )
    const { pdf } = await buildPdf(source)
    // Every word's box on the page, from poppler's text layer.
    const boxes = new Map<string, { left: number; right: number }>()
    for (const match of (await tool('pdftotext', ['-bbox'], pdf)).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)) {
      boxes.set(match[3] as string, { left: Number(match[1]), right: Number(match[2]) })
    }
    const column = (words: string[]) => words.map((word) => boxes.get(word) ?? expect.fail(`${word} not found in the PDF's text`))
    const spread = (values: number[]) => Math.max(...values) - Math.min(...values)
    const [left, centred, right] = [column(['Almaty', 'Astana', 'Shymkent']), column(['ax', 'bxxxxxxxx', 'cxxxx']), column(['1', '22222222', '3333'])]
    // Left: same left edge. Right: same right edge, left edges apart. Centre: same middle, edges apart.
    expect(spread(left.map((box) => box.left))).toBeLessThan(0.5)
    expect(spread(right.map((box) => box.right))).toBeLessThan(0.5)
    expect(spread(right.map((box) => box.left))).toBeGreaterThan(10)
    expect(spread(centred.map((box) => (box.left + box.right) / 2))).toBeLessThan(0.5)
    expect(spread(centred.map((box) => box.left))).toBeGreaterThan(10)
  })

  it('breaks long URLs, paths and tokens in justified text: no word gap over twice its width, nothing outside the text block', async () => {
    const source = path.join(scratch, 'long-tokens.md')
    await writeFile(source, longTokens)
    const { pdf } = await buildPdf(source)
    const { outside, justified } = await lineSpacing(pdf)
    expect(outside).toEqual([])
    // The lines the tokens start on are justified (filled to the edge), not pushed whole to the next line.
    expect(justified.filter((line) => line.long).length).toBeGreaterThanOrEqual(2)
    expect(justified.filter((line) => line.ratio > 2).map((line) => `${line.ratio.toFixed(2)} ${line.text}`)).toEqual([])
    // Every character of each token is still there, in order.
    const text = squeeze(await tool('pdftotext', ['-enc', 'UTF-8'], pdf))
    for (const token of [
      'https://github.com/example-organisation/some-very-long-repository-name/blob/main/docs/configuration/advanced-options.md#environment-variables',
      'node_modules/some-package/build/dist/configuration/defaults.json',
      'xn--ls8h-averyveryverylongdomainlabelwithoutanybreakpointsatall.example.org',
    ]) {
      expect(text).toContain(token)
    }
  })

  it("prints a table to the same bytes whatever the browser printed before (Chromium's node ids renumbered)", async () => {
    const source = path.join(scratch, 'table.md')
    await writeFile(source, '---\ntitle: A table\nlang: en\ndate: 2022-11-16\n---\n\n| City | People |\n|--|--:|\n| Almaty | 2 |\n| Astana | 1 |\n')
    const first = await buildPdf(source)
    // Another document in the same browser moves Chromium's DOM node counter on.
    await buildPdf(articlePath)
    const second = await buildPdf(source)
    expect(Buffer.from(second.pdf).equals(Buffer.from(first.pdf))).toBe(true)
    const ids = [
      ...Buffer.from(first.pdf)
        .toString('latin1')
        .matchAll(/\(node(\d+)\)/g),
    ].map((match) => match[1])
    expect(ids.length).toBeGreaterThan(0)
    expect(new Set(ids)).toEqual(new Set(['00000001', '00000002']))
  })

  it('replaces a remote image with a placeholder and blocks files outside the source folder', async () => {
    const sourceDir = path.join(scratch, 'images')
    const article: ArticleData = {
      slug: 'images',
      meta: { title: 'Images', authors: [], lang: 'en', keywords: [], paper: 'A4', titleFromContent: false },
      headings: [],
      notes: [],
      terms: [],
      assets: [],
    }
    const tree: Root = {
      type: 'root',
      children: [
        h('p', ['Before ', h('img', { src: 'https://example.com/a.png', alt: 'remote picture' }), ' after.']),
        h('p', [h('img', { src: '../../../etc/hostname', alt: 'outside' })]),
        h('script', 'document.title = "script ran"'),
      ],
    }
    const edition = await writePdf({ tree, article, sourcePath: path.join(sourceDir, 'images.md'), sourceDir, templatesDir, epoch }, session)
    expect(edition.warnings.map((warning) => warning.ruleId).sort()).toEqual(['image-remote', 'link-outside'])
    const text = dehyphenate(await tool('pdftotext', ['-enc', 'UTF-8'], edition.files[0]!.data as Uint8Array))
    expect(text).toMatch(/Image not included in the offline edition: remote picture/)
    expect(text).not.toMatch(/script ran/)
  })
})

/** Words only an image's alt text holds: the PDF keeps them as /Alt, not as page text. */
async function altWords(sourcePath: string): Promise<Set<string>> {
  const file = await readSource(sourcePath)
  const words = new Set<string>()
  visit(unified().use(remarkParse).use(remarkGfm).parse(String(file.value)), (node) => {
    if (node.type === 'image' || node.type === 'imageReference') for (const word of wordsOf(node.alt ?? '')) words.add(word)
    if (node.type === 'html') for (const match of node.value.matchAll(/\balt="([^"]*)"/gi)) for (const word of wordsOf(match[1] ?? '')) words.add(word)
  })
  return words
}

/**
 * How justified lines are spaced (`justifiedLines` of tests/helpers/pdf-words.ts),
 * and the words leaving the text block sideways (the page less its margins;
 * running heads and page numbers, in the margins, are not text-block words).
 */
async function lineSpacing(pdf: Uint8Array): Promise<{ outside: string[]; justified: Array<{ ratio: number; text: string; long: boolean }> }> {
  const file = path.join(scratch, `spacing-${Math.random().toString(36).slice(2)}.pdf`)
  await writeFile(file, pdf)
  const pages = await pageWords(file)
  const outside: string[] = []
  for (const page of pages) {
    const right = page.width - printMargin.right
    for (const word of page.words) {
      if (word.top <= printMargin.top - 2 || word.bottom >= page.height - printMargin.bottom + 2) continue
      if (word.left < printMargin.left - 1 || word.right > right + 1) outside.push(word.text)
    }
  }
  return { outside, justified: justifiedLines(pages) }
}

/** A long URL, a long path in code and an unbreakable token, each in a justified paragraph. */
const longTokens = `---
title: Long addresses in justified text
lang: en
---

Read the project's documentation at https://github.com/example-organisation/some-very-long-repository-name/blob/main/docs/configuration/advanced-options.md#environment-variables before you change anything, and share it with [the share link](https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.org%2Farticles%2F2024%2Fa-long-article-title-that-goes-on&title=A%20long%20title) that the site offers.

The build reads its settings from \`node_modules/some-package/build/dist/configuration/defaults.json\` unless you pass another file, which is a common source of confusion for people new to it.

Words around a very long token: the identifier xn--ls8h-averyveryverylongdomainlabelwithoutanybreakpointsatall.example.org must still fit in the measure of the text.
`

describe('PDF edition of the corpus', () => {
  for (const [name, sourcePath] of Object.entries(corpus)) {
    it(`builds ${name}`, { timeout: 240_000 }, async () => {
      const built = await buildPdf(sourcePath)
      expect(built.edition.pages).toBeGreaterThan(0)
      const check = await tool('qpdf', ['--check'], built.pdf)
      expect(check).toMatch(/No syntax or stream encoding errors found/)
      for (const row of (await tool('pdffonts', [], built.pdf)).split('\n').slice(2).filter(Boolean)) {
        expect(row.split(/\s+/).at(-5), row).toBe('yes')
      }
      const raw = await tool('pdftotext', ['-enc', 'UTF-8'], built.pdf)
      const text = dehyphenate(raw)
      const present = new Set(wordsOf(text))
      const squeezed = text.replace(/\s+/g, '')
      const alts = await altWords(sourcePath)
      // A word broken at the foot of a page goes on after the running head of the next
      // (Paged.js may split it one letter off its soft hyphen): accept its two halves there.
      // The page's footnotes are read after its last line, so the first half may be anywhere on it.
      const pages = raw.split('\f').map((page) => wordsOf(page.replaceAll('\u00AD', '')))
      const splitAtPage = (word: string): boolean =>
        pages.some((page, index) =>
          page.some((tail) => tail.length < word.length && word.startsWith(tail) && (pages[index + 1] ?? []).slice(0, 40).some((head) => tail + head === word)),
        )
      // Code wraps anywhere, so a long token may be split over two lines: look for it without whitespace.
      const missing = [...new Set(await sourceWords(sourcePath))].filter((word) => !present.has(word) && !alts.has(word) && !squeezed.includes(word) && !splitAtPage(word))
      expect(missing).toEqual([])
      // No word leaves the text block, and no justified line holding a long token spreads its spaces past twice their width.
      const { outside, justified } = await lineSpacing(built.pdf)
      expect(outside).toEqual([])
      expect(justified.filter((line) => line.long && line.ratio > 2).map((line) => `${line.ratio.toFixed(2)} ${line.text}`)).toEqual([])
    })
  }
})
