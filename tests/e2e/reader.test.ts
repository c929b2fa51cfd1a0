import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import JSZip from 'jszip'
import { JSDOM } from 'jsdom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildReport } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { launchBrowser } from '../../pipeline/editions/browser.ts'
import { articlePath, corpus } from '../helpers/corpus.ts'
import { flowProblems, letters, readerView, sourceFlow, w3mDump, type SourceFlow } from '../helpers/reader.ts'

/**
 * The editions as other clients read them (issue 17): Reader View
 * (Readability, the code Firefox runs), a text browser (w3m), copy and
 * paste, and an e-reader's text flow. Each must read every text block of the
 * source whole and in order, footnote calls as their numbers and glossary
 * terms as plain words: no note or definition inside a sentence.
 */

const documents: Array<[name: string, source: string]> = [['article', articlePath], ...Object.entries(corpus)]

let out: string
let result: BuildReport
const slugs = new Map<string, string>()
const flows = new Map<string, SourceFlow>()

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-reader-'))
  result = await build({ ...defaultBuildOptions, paths: documents.map(([, source]) => source), out, editions: ['html'] })
  for (const source of result.sources) if (source.slug) slugs.set(path.resolve(source.source), source.slug)
  for (const [, source] of documents) flows.set(source, await sourceFlow(source))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

function pageFile(source: string): string {
  const slug = slugs.get(path.resolve(source))
  if (!slug) throw new Error(`Unexpected source \`${source}\` not built, expected it in the build report`)
  return path.join(out, slug, 'index.html')
}

/**
 * What a reading lacks: the title (the page's title, read first or as the
 * reader's title), the body's blocks whole and in order, and each note's, in
 * its own section.
 */
function problems(source: string, reading: string, title = ''): string[] {
  const flow = flows.get(source) as SourceFlow
  return [
    ...flowProblems(flow.title ? [flow.title] : [], `${title} ${reading}`).map((problem) => `title: ${problem}`),
    ...flowProblems(flow.body, reading),
    ...flowProblems(flow.notes.flat(), reading).map((problem) => `note: ${problem}`),
  ]
}

it('builds every page with no failure', () => {
  expect(result.failed).toEqual([])
  expect(slugs.size).toBe(documents.length)
})

describe.each(documents)('HTML edition of %s', (_name, source) => {
  it('in Reader View (Readability) reads every block of the source in order, calls as numbers, no note or definition inside a sentence', async () => {
    const file = pageFile(source)
    const { title, text } = readerView(await readFile(file, 'utf8'), pathToFileURL(file).href)
    expect(problems(source, text, title)).toEqual([])
  })

  it('in a text browser (w3m -dump) reads the same', async () => {
    expect(problems(source, await w3mDump(pageFile(source)))).toEqual([])
  })
})

describe('HTML edition of the article, specifics', () => {
  it('has notes and glossary terms whose text stays out of the paragraphs that call them', async () => {
    const file = pageFile(articlePath)
    const { text } = readerView(await readFile(file, 'utf8'), pathToFileURL(file).href)
    const dom = new JSDOM(await readFile(file, 'utf8'))
    const notes = Array.from(dom.window.document.querySelectorAll('.footnotes li'), (li) => letters(li.textContent ?? ''))
    const definitions = Array.from(dom.window.document.querySelectorAll('.glossary dd'), (dd) => letters(dd.textContent ?? ''))
    expect(notes.length).toBeGreaterThan(0)
    expect(definitions.length).toBeGreaterThan(0)
    // Each note and definition is read once: in its own section, never again in the text.
    const stream = letters(text)
    for (const part of [...notes, ...definitions]) expect(stream.split(part).length - 1, part).toBe(1)
  })

  it('in a browser, with a preview shown: Reader View of the live page and a copied paragraph still read the text alone', async () => {
    const flow = flows.get(articlePath) as SourceFlow
    const session = await launchBrowser({ jobs: 1 })
    try {
      await session.withPage({ allow: [out] }, async (page) => {
        await page.setJavaScriptEnabled(true)
        await page.goto(pathToFileURL(pageFile(articlePath)).href)
        // Hover the first note call: its preview shows (built by the page's script).
        await page.hover('article a[data-footnote-ref]')
        const shown = await page.$$eval('.tip:not([hidden])', (tips) => tips.map((tip) => tip.textContent ?? ''))
        expect(shown).toHaveLength(1)
        const live = await page.evaluate(() => document.documentElement.outerHTML)
        const view = readerView(live, pathToFileURL(pageFile(articlePath)).href)
        expect(problems(articlePath, view.text, view.title)).toEqual([])
        // Copy and paste of the paragraph that holds the call.
        const copied = await page.$eval('article a[data-footnote-ref]', (link) => {
          const range = document.createRange()
          range.selectNodeContents(link.closest('p') as Element)
          getSelection()?.removeAllRanges()
          getSelection()?.addRange(range)
          return getSelection()?.toString() ?? ''
        })
        const block = flow.body.find((candidate) => letters(copied).includes(letters(candidate.text)))
        expect(block, copied).toBeDefined()
        expect(letters(copied)).toBe(letters(block?.text ?? ''))
      })
    } finally {
      await session.close()
    }
  })
})

describe('EPUB edition of the article', () => {
  it('keeps pop-up footnotes as asides outside the paragraphs, and reads the text in order', async () => {
    const epubOut = path.join(out, 'epub')
    const built = await build({ ...defaultBuildOptions, paths: [articlePath], out: epubOut, editions: ['epub'] })
    expect(built.failed).toEqual([])
    const slug = built.sources[0]?.slug as string
    const zip = await JSZip.loadAsync(await readFile(path.join(epubOut, slug, `${slug}.epub`)))
    // Content documents in spine order.
    const opfName = Object.keys(zip.files).find((name) => name.endsWith('.opf')) as string
    const opf = new JSDOM(await zip.file(opfName)!.async('string'), { contentType: 'application/xml' }).window.document
    const hrefOf = new Map(Array.from(opf.querySelectorAll('manifest > item'), (item) => [item.getAttribute('id'), item.getAttribute('href')]))
    const spine = Array.from(opf.querySelectorAll('spine > itemref'), (ref) => path.posix.join(path.posix.dirname(opfName), hrefOf.get(ref.getAttribute('idref')) ?? ''))
    let reading = ''
    let asides = 0
    for (const name of spine) {
      const document = new JSDOM(await zip.file(name)!.async('string'), { contentType: 'application/xhtml+xml' }).window.document
      for (const aside of Array.from(document.querySelectorAll('aside'))) {
        asides++
        expect(aside.closest('p, li, td, th, dd, dt, h1, h2, h3, h4, h5, h6, blockquote, figcaption'), `aside#${aside.id} in ${name}`).toBeNull()
        expect(aside.getAttributeNS('http://www.idpf.org/2007/ops', 'type'), `aside#${aside.id}`).toBe('footnote')
      }
      reading += ` ${document.body?.textContent ?? ''}`
    }
    expect(asides).toBe((flows.get(articlePath) as SourceFlow).notes.length)
    expect(problems(articlePath, reading)).toEqual([])
  })
})
