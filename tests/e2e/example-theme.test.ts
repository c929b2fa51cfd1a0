import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromXml } from 'xast-util-from-xml'
import { type BrowserSession, launchBrowser } from '../../pipeline/editions/browser.ts'
import { aceViolations, type ColorScheme, metadataMismatches, pdfStructure, popplerStructTypes, runAce, runAxe } from '../helpers/a11y.ts'
import { projectRoot } from '../helpers/corpus.ts'
import { elements, epubType, epubcheck } from '../helpers/epub.ts'
import { decodePng } from '../helpers/png.ts'

/**
 * The example theme, `examples/newsroom/` (issue 13): built as a publication
 * would build it (the CLI in its folder), and beside it the same article
 * without the project file. The theme must change all three editions (styles
 * computed by Chromium in the site and in the book's content, fonts and
 * colours of the PDF) and keep them valid: epubcheck, Ace, axe and the PDF's
 * structure.
 */

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')
const example = path.join(projectRoot, 'examples', 'newsroom')
const slug = 'new-breakwater'
/** `theme.accent` of the example, as Chromium reports it. */
const accent = 'rgb(11, 83, 148)'

let out: string
let session: BrowserSession

async function offprint(args: string[], cwd: string): Promise<void> {
  await run(process.execPath, [bin, ...args], { cwd, timeout: 300_000, env: { ...process.env, OFFPRINT_SITE_URL: '' } })
}

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-example-'))
  await mkdir(path.join(out, 'bare'))
  const [browser] = await Promise.all([
    launchBrowser({ jobs: 1 }),
    // The example as its README says to build it, and the same sources with no project file.
    offprint(['build', '--out', path.join(out, 'themed')], example),
    offprint(['build', path.join(example, 'source'), '--out', path.join(out, 'default')], path.join(out, 'bare')),
  ])
  session = browser
  for (const build of ['themed', 'default']) {
    const zip = await JSZip.loadAsync(await readFile(epubOf(build)))
    for (const [name, entry] of Object.entries(zip.files)) {
      if (entry.dir) continue
      const target = path.join(out, `${build}-book`, name)
      await mkdir(path.dirname(target), { recursive: true })
      await writeFile(target, await entry.async('uint8array'))
    }
  }
}, 600_000)
afterAll(async () => {
  await session?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

type Build = 'themed' | 'default'
const epubOf = (build: Build | string): string => path.join(out, build, slug, `${slug}.epub`)
const pdfOf = (build: Build): string => path.join(out, build, slug, `${slug}.pdf`)

/** Open a file of the output in Chromium, fonts loaded, and run `fn` on it. */
function open<T>(file: string, fn: (page: Page) => Promise<T>, scheme: ColorScheme = 'light'): Promise<T> {
  return session.withPage({ allow: [out] }, async (page) => {
    await page.setViewport({ width: 1024, height: 768 })
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }])
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    await page.evaluate(() => document.fonts.ready.then(() => undefined))
    return fn(page)
  })
}

/** What the theme changes, as Chromium computes it on a page. */
interface Look {
  text: string
  code: string
  link: string
  /** Faces of the theme's fonts that Chromium loaded. */
  loaded: string[]
  /** The logo's drawn width (0: none or not loaded) and its text alternative. */
  logo: { width: number; alt: string | null }
}

function lookOf(page: Page): Promise<Look> {
  return page.evaluate(() => {
    const style = (selector: string) => {
      const element = document.querySelector(selector)
      return element ? getComputedStyle(element) : undefined
    }
    const image = document.querySelector<HTMLImageElement>('.site-logo img')
    return {
      text: style('main p:not(.site-logo), body > p, section p, body p:not(.site-logo)')?.fontFamily ?? '',
      code: style('pre code, code')?.fontFamily ?? '',
      link: style('a[href="#fn-1"]')?.color ?? '',
      loaded: Array.from(document.fonts)
        .filter((face) => face.status === 'loaded')
        .map((face) => `${face.family.replace(/"/g, '')} ${face.weight} ${face.style}`)
        .sort(),
      logo: { width: image?.naturalWidth ?? 0, alt: image?.getAttribute('alt') ?? null },
    }
  })
}

const htmlPage = (build: Build) => path.join(out, build, slug, 'index.html')
const bookText = (build: Build) => path.join(out, `${build}-book`, 'OEBPS', 'text.xhtml')

describe('the example theme changes all three editions', () => {
  it('the HTML edition: body and code in the theme fonts (loaded), links in the accent, the logo', async () => {
    const themed = await open(htmlPage('themed'), lookOf)
    expect(themed.text.startsWith('"offprint body"')).toBe(true)
    expect(themed.code.startsWith('"offprint mono"')).toBe(true)
    expect(themed.link).toBe(accent)
    expect(themed.loaded).toEqual(expect.arrayContaining(['offprint body 400 normal', 'offprint body 700 normal', 'offprint mono 400 normal']))
    expect(themed.logo).toEqual({ width: 384, alt: 'The Harbour Gazette' })
    const plain = await open(htmlPage('default'), lookOf)
    expect(plain.text).not.toContain('offprint body')
    expect(plain.link).not.toBe(accent)
    expect(plain.loaded).toEqual([])
    expect(plain.logo.width).toBe(0)
  })

  it('the front page: the logo, the site title and the theme fonts', async () => {
    const front = await open(path.join(out, 'themed', 'index.html'), async (page) => ({
      ...(await lookOf(page)),
      header: await page.evaluate(() => document.querySelector('.site-header')?.textContent ?? ''),
    }))
    expect(front.header).toContain('The Harbour Gazette')
    expect(front.logo.width).toBe(384)
    expect(front.loaded).toEqual(expect.arrayContaining(['offprint body 400 normal']))
  })

  it('the EPUB content: the same fonts, packaged in the book and loaded from it, the accent and the logo', async () => {
    const themed = await open(bookText('themed'), lookOf)
    expect(themed.text.startsWith('"offprint body"')).toBe(true)
    expect(themed.code.startsWith('"offprint mono"')).toBe(true)
    expect(themed.link).toBe(accent)
    expect(themed.loaded).toEqual(expect.arrayContaining(['offprint body 400 normal', 'offprint mono 400 normal']))
    expect(themed.logo).toEqual({ width: 384, alt: 'The Harbour Gazette' })
    const plain = await open(bookText('default'), lookOf)
    expect(plain.text).not.toContain('offprint body')
    expect(plain.link).not.toBe(accent)
    expect(plain.logo.width).toBe(0)
  })

  it('the EPUB cover: the logo and the accent band', async () => {
    const count = (png: Uint8Array, box: readonly [number, number, number, number], colour: readonly number[]) => {
      const { data, channels, width } = decodePng(png)
      let found = 0
      for (let y = box[1]; y < box[3]; y++)
        for (let x = box[0]; x < box[2]; x++) if (colour.every((value, i) => Math.abs((data[(y * width + x) * channels + i] ?? 0) - value) <= 10)) found++
      return found
    }
    const themed = new Uint8Array(await readFile(path.join(out, 'themed', slug, 'cover.png')))
    const plain = new Uint8Array(await readFile(path.join(out, 'default', slug, 'cover.png')))
    const blue = [11, 83, 148]
    // The band across the top (0–72 px) in the accent; the logo below it (112–216 px).
    expect(count(themed, [0, 0, 1600, 72], blue)).toBeGreaterThan(1600 * 60)
    expect(count(themed, [160, 112, 1440, 216], blue)).toBeGreaterThan(5000)
    expect(count(plain, [0, 0, 1600, 300], blue)).toBe(0)
  })

  it('the PDF: the theme fonts embedded instead of Noto (pdffonts), and the accent on page 1', async () => {
    const fonts = async (build: Build) =>
      (await run('pdffonts', [pdfOf(build)])).stdout
        .split('\n')
        .slice(2)
        .map((line) => line.split(/\s+/)[0]?.replace(/^[A-Z]{6}\+/, '') ?? '')
        .filter(Boolean)
        .sort()
    expect(await fonts('themed')).toEqual(['DejaVuSansMono', 'DejaVuSansMono-Bold', 'NotoSans-Bold', 'NotoSans-Italic', 'NotoSans-Regular'])
    expect(await fonts('default')).toEqual(expect.arrayContaining(['NotoSerif-Regular', 'NotoSansMono-Regular']))
    const blueOnPage = async (build: Build) => {
      await run('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-png', pdfOf(build), path.join(out, `${build}-page`)])
      const { data, channels } = decodePng(new Uint8Array(await readFile(path.join(out, `${build}-page-1.png`))))
      let found = 0
      for (let at = 0; at + 2 < data.length; at += channels)
        if (Math.abs((data[at] ?? 0) - 11) < 25 && Math.abs((data[at + 1] ?? 0) - 83) < 25 && Math.abs((data[at + 2] ?? 0) - 148) < 25) found++
      return found
    }
    expect(await blueOnPage('themed')).toBeGreaterThan(1000)
    // The default page has only a few anti-aliased pixels near that blue (in highlighted code).
    expect(await blueOnPage('default')).toBeLessThan(100)
  })
})

describe('the example theme keeps the editions valid', () => {
  it('epubcheck: no error and no warning', async () => {
    const epub = epubOf('themed')
    expect((await epubcheck([epub], out)).get(epub)).toEqual([])
  }, 180_000)

  it('Ace: no violation, and the accessibility metadata agrees with the book', async () => {
    const report = await runAce(epubOf('themed'), path.join(out, 'ace'))
    expect(aceViolations(report)).toEqual([])
    const zip = await JSZip.loadAsync(await readFile(epubOf('themed')))
    let pageList = false
    let usesAria = false
    for (const name of Object.keys(zip.files).filter((file) => file.endsWith('.xhtml'))) {
      const tree = fromXml((await zip.file(name)?.async('string')) ?? '')
      if (elements(tree, 'nav').some((nav) => epubType(nav).includes('page-list'))) pageList = true
      if (elements(tree).some((element) => element.attributes.role !== undefined)) usesAria = true
    }
    expect(metadataMismatches(report, { pageList, usesAria })).toEqual([])
    expect((report.data.images ?? []).map((image) => image.alt)).toContain('The Harbour Gazette')
  }, 300_000)

  it('axe: no violation on the front page and the article, in light and dark mode', async () => {
    for (const scheme of ['light', 'dark'] as const)
      for (const file of [path.join(out, 'themed', 'index.html'), htmlPage('themed')]) {
        const { violations } = await open(file, (page) => runAxe(page), scheme)
        expect(violations, `${scheme} ${path.relative(out, file)}`).toEqual([])
      }
  }, 180_000)

  it('the PDF structure: tagged throughout, standard types, the logo a Figure with its alt text', async () => {
    const data = new Uint8Array(await readFile(pdfOf('themed')))
    const structure = await pdfStructure(data)
    expect(structure.untagged).toEqual([])
    const types = new Set(await popplerStructTypes(pdfOf('themed')))
    for (const type of ['Document', 'H1', 'H2', 'P', 'Table', 'Code', 'Note', 'Figure']) expect(types, type).toContain(type)
    expect(structure.tags.filter((tag) => tag.role === 'H1').map((tag) => tag.text.trim())).toEqual(['Council approves the new breakwater'])
    expect(structure.tags.filter((tag) => tag.role === 'Figure').map((tag) => tag.alt)).toEqual(['The Harbour Gazette'])
  })
})
