import type { CDPSession, Page } from 'puppeteer-core'
import { type BrowserSession, withTimeout } from '../browser.ts'
import type { PageStart } from '../edition.ts'
import { type PageStartQuery, pageStartQuery } from './page-starts.ts'
import type { FontSheet } from './print-assets.ts'
import { documentCharacters } from './document-characters.ts'
import { type PrintScripts, printPage } from './print-page.ts'

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

/** Each print page's own DevTools session, which it prints through. */
const printers = new WeakMap<Page, Promise<CDPSession>>()

/**
 * What `page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true })`
 * asks of Chromium (puppeteer 24), with the PDF returned in the answer: puppeteer's stream took
 * four more messages per PDF (a wait for fonts, `finishDocument`'s now; two reads; a close).
 */
const printRequest = {
  transferMode: 'ReturnAsBase64',
  landscape: false,
  displayHeaderFooter: false,
  headerTemplate: '',
  footerTemplate: '',
  printBackground: true,
  scale: 1,
  paperWidth: 8.5,
  paperHeight: 11,
  marginTop: 0,
  marginBottom: 0,
  marginLeft: 0,
  marginRight: 0,
  pageRanges: '',
  preferCSSPageSize: true,
  generateTaggedPDF: true,
  generateDocumentOutline: true,
} as const

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
      // A page given the same sheets as for its last document has them already: they are not sent again (22 kB).
      const sheets = JSON.stringify(fonts)
      const known = sheetsOf.get(page) === sheets
      sheetsOf.delete(page)
      await withTimeout(
        page.evaluate(startDocument, html, documentCharacters(html), known ? null : fonts),
        limits.navigationTimeoutMs,
        'loading the print document, its fonts and images',
      )
      sheetsOf.set(page, sheets)
      const pages = await withTimeout(layout(page), limits.layoutTimeoutMs, 'laying out pages with Paged.js').catch((error: unknown) => {
        throw new Error(`Unexpected failure of Paged.js${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`, { cause: error })
      })
      const { termPages, pageStarts } = await page.evaluate(finishDocument, pageStartQuery)
      const pdf = await withTimeout(print(page), limits.printTimeoutMs, 'printing the PDF').catch((error: unknown) => {
        throw new Error(`Unexpected failure to print the PDF within ${limits.printTimeoutMs / 1000} s`, { cause: error })
      })
      return { pdf, pages, termPages, pageStarts, blocked: [...context.blocked] }
    } finally {
      page.off('pageerror', onError)
    }
  })
}

/** The print page `page` printed as a PDF, through its own DevTools session. */
async function print(page: Page): Promise<Uint8Array> {
  let printer = printers.get(page)
  if (!printer) {
    printer = page.createCDPSession()
    printers.set(page, printer)
    // Made again on the next print, had it failed.
    printer.catch(() => printers.delete(page))
  }
  const { data } = await (await printer).send('Page.printToPDF', printRequest)
  return Buffer.from(data, 'base64')
}

/**
 * In the print page: restart its random sequence, build `sheets` when given
 * (before the document is written: its policy refuses the `<base>` they are
 * built with), write the document `html`, and load the faces its `characters`
 * need. Self-contained: it runs in the page, with the page's own functions.
 */
async function startDocument(html: string, characters: string, sheets: readonly FontSheet[] | null): Promise<void> {
  const scripts = (window as unknown as { offprintPrint: PrintScripts }).offprintPrint
  scripts.reseed()
  if (sheets) scripts.useFontSheets(sheets)
  await scripts.writeDocument(html)
  await scripts.loadFaces(characters)
}

/**
 * In the print page, once Paged.js has laid the document out: fill in the
 * glossary's page numbers, find where each page starts, and wait for any face
 * a page asked for on the way, before the print. Self-contained: it runs in the page.
 */
async function finishDocument(query: PageStartQuery): Promise<Pick<RenderResult, 'termPages' | 'pageStarts'>> {
  const scripts = (window as unknown as { offprintPrint: PrintScripts }).offprintPrint
  const termPages = scripts.fillGlossaryPages()
  const pageStarts = scripts.findPageStarts(query)
  await document.fonts.ready
  return { termPages, pageStarts }
}

async function layout(page: Page): Promise<number> {
  return Number(await page.evaluate(runPaged))
}
