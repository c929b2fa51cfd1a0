import type { Page } from 'puppeteer-core'
import { type BrowserSession, withTimeout } from '../browser.ts'
import { fillGlossaryPages } from './term-pages.ts'
import type { PageStart } from '../edition.ts'
import { findPageStarts, pageStartQuery } from './page-starts.ts'
import type { FontSheet } from './print-assets.ts'
import { documentCharacters } from './document-characters.ts'
import { loadFaces, printPage, reseed, useFontSheets } from './print-page.ts'

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

const runPaged = `(async () => {
  const previewer = new window.Paged.Previewer()
  const flow = await previewer.preview()
  return flow.total
})()`

/** The font sheets each print page was last given (`useFontSheets`), as JSON. */
const sheetsOf = new WeakMap<Page, string>()

/** Lay out the print document `html` in `fonts` with Paged.js in a print page of `session`, and print it. */
export async function renderPdf(
  session: BrowserSession,
  html: string,
  fonts: readonly FontSheet[],
  allow: readonly string[],
  shareKey: string,
  limits: RenderLimits,
): Promise<RenderResult> {
  return session.withKeptPage(printPage, { allow, shareKey, navigationTimeoutMs: limits.navigationTimeoutMs }, async (page, context) => {
    const errors: string[] = []
    const onError = (error: unknown): void => {
      errors.push(error instanceof Error ? error.message : String(error))
    }
    page.on('pageerror', onError)
    try {
      await page.evaluate(reseed)
      const loaded = (async () => {
        // The sheets are built before the document is written: its policy refuses the `<base>` they are built with.
        // A page given the same sheets as for its last document has them already: they are not sent again (22 kB).
        const sheets = JSON.stringify(fonts)
        if (sheetsOf.get(page) !== sheets) {
          sheetsOf.delete(page)
          await page.evaluate(useFontSheets, fonts)
          sheetsOf.set(page, sheets)
        }
        await page.evaluate(writeDocument, html)
        await page.evaluate(loadFaces, documentCharacters(html))
      })()
      await withTimeout(loaded, limits.navigationTimeoutMs, 'loading the print document, its fonts and images')
      const pages = await withTimeout(layout(page), limits.layoutTimeoutMs, 'laying out pages with Paged.js').catch((error: unknown) => {
        throw new Error(`Unexpected failure of Paged.js${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`, { cause: error })
      })
      const termPages = await page.evaluate(fillGlossaryPages)
      const pageStarts = await page.evaluate(findPageStarts, pageStartQuery)
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true, timeout: limits.printTimeoutMs }).catch((error: unknown) => {
        throw new Error(`Unexpected failure to print the PDF within ${limits.printTimeoutMs / 1000} s`, { cause: error })
      })
      return { pdf, pages, termPages, pageStarts, blocked: [...context.blocked] }
    } finally {
      page.off('pageerror', onError)
    }
  })
}

/**
 * In the print page: replace its document with `html` and wait for its style
 * sheets, images and fonts. (The `load` event does not fire again for a
 * document written with `document.open()`.) The body's images are in Paged.js's
 * content template (`inPagedTemplate`), inert until Paged.js lays out their
 * page, where it waits for them itself.
 */
async function writeDocument(html: string): Promise<void> {
  document.open()
  document.write(html)
  document.close()
  const settled = (element: Element, done: boolean): Promise<unknown> | undefined =>
    done
      ? undefined
      : new Promise((resolve) => {
          element.addEventListener('load', resolve, { once: true })
          element.addEventListener('error', resolve, { once: true })
        })
  await Promise.all([
    ...[...document.querySelectorAll<HTMLLinkElement>('link[rel~="stylesheet"]')].map((link) => settled(link, link.sheet !== null)),
    ...[...document.images].map((image) => settled(image, image.complete)),
  ])
  await document.fonts.ready
}

async function layout(page: Page): Promise<number> {
  return Number(await page.evaluate(runPaged))
}
