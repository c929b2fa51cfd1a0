import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer'
import { type BrowserSession, withTimeout } from '../browser.ts'
import { fillGlossaryPages } from './term-pages.ts'
import type { PageStart } from '../edition.ts'
import { findPageStarts, pageStartQuery } from './page-starts.ts'
import { packageDirs } from './print-assets.ts'

export interface RenderLimits {
  /** Loading the document, its fonts and images; default 30 s. */
  navigationTimeoutMs: number
  /** Paged.js laying out the pages; default 300 s. */
  layoutTimeoutMs: number
  /** Chromium printing the PDF; default 120 s. */
  printTimeoutMs: number
}

export const defaultRenderLimits: RenderLimits = { navigationTimeoutMs: 30_000, layoutTimeoutMs: 300_000, printTimeoutMs: 120_000 }

export interface RenderResult {
  pdf: Uint8Array
  /** Pages laid out by Paged.js. */
  pages: number
  /** Distinct pages on which each glossary entry (`gloss-…`) is used. */
  termPages: Record<string, number[]>
  /** Where each page begins, in page order (for the EPUB's page-list). */
  pageStarts: PageStart[]
  /** Requests the page made and was refused. */
  blocked: readonly string[]
}

/**
 * Paged.js takes ids from the clock and Math.random; fixed here so that the
 * named destinations in the PDF are the same on every build.
 */
const determinism = `(() => {
  let seed = 0x2545f491
  Math.random = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296 }
  Date.prototype.getTime = function () { return 0 }
  performance.now = () => 0
  globalThis.__name = globalThis.__name || ((fn) => fn)
  window.PagedConfig = { auto: false }
})()`

const runPaged = `(async () => {
  const previewer = new window.Paged.Previewer()
  const flow = await previewer.preview()
  return flow.total
})()`

/** Lay out `htmlPath` with Paged.js in a page of `session` and print it. */
export async function renderPdf(session: BrowserSession, htmlPath: string, allow: readonly string[], limits: RenderLimits): Promise<RenderResult> {
  const pagedSource = await readFile(join(packageDirs().pagedjs, 'dist', 'paged.polyfill.js'), 'utf8')
  return session.withPage({ allow, navigationTimeoutMs: limits.navigationTimeoutMs }, async (page, context) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)))
    try {
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' })
    } catch (error) {
      throw new Error(`Unexpected failure to load the print document in ${limits.navigationTimeoutMs / 1000} s, expected it to load`, { cause: error })
    }
    await page.setJavaScriptEnabled(true)
    await page.evaluate(determinism)
    await withTimeout(
      page.evaluate(() => document.fonts.ready.then(() => undefined)),
      limits.navigationTimeoutMs,
      'loading fonts',
    )
    await page.evaluate(pagedSource)
    const pages = await withTimeout(layout(page), limits.layoutTimeoutMs, 'laying out pages with Paged.js').catch((error: unknown) => {
      throw new Error(`Unexpected failure of Paged.js${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`, { cause: error })
    })
    const termPages = await page.evaluate(fillGlossaryPages)
    const pageStarts = await page.evaluate(findPageStarts, pageStartQuery)
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true, timeout: limits.printTimeoutMs }).catch((error: unknown) => {
      throw new Error(`Unexpected failure to print the PDF within ${limits.printTimeoutMs / 1000} s`, { cause: error })
    })
    return { pdf, pages, termPages, pageStarts, blocked: [...context.blocked] }
  })
}

async function layout(page: Page): Promise<number> {
  return Number(await page.evaluate(runPaged))
}
