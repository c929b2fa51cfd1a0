import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'puppeteer'
import type { KeptPageKind } from '../browser.ts'
import { defaultFontSheets, type FontSheet, packageDirs } from './print-assets.ts'

/**
 * Paged.js takes ids from the clock and Math.random; fixed here so that the
 * named destinations in the PDF are the same on every build. The clock stays
 * fixed for the page's life; the random sequence restarts per document
 * (`reseed`), so a document lays out the same whichever page it lands on.
 */
const determinism = `(() => {
  Date.prototype.getTime = function () { return 0 }
  performance.now = () => 0
  globalThis.__name = globalThis.__name || ((fn) => fn)
  window.PagedConfig = { auto: false }
})()`

/** Restart the page's random sequence: run before each document. */
export const reseed = `(() => {
  let seed = 0x2545f491
  Math.random = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296 }
})()`

let pagedSource: Promise<string> | undefined

/** `paged.polyfill.js`, read once per process. */
function pagedScript(): Promise<string> {
  pagedSource ??= readFile(join(packageDirs().pagedjs, 'dist', 'paged.polyfill.js'), 'utf8')
  return pagedSource
}

/**
 * In the print page: make `sheets` its font sheets, kept across documents.
 * Each sheet is a constructed style sheet in the page's adopted sheets, which
 * `document.open()` leaves in place, so its fonts are fetched and decoded
 * once per page instead of once per document (Paged.js loads every face of
 * the document before layout, all 46 subsets of the six @fontsource sheets:
 * measured, a third of the renderer's time for a 4-page article). A sheet is
 * built the first time it is asked for, its relative URLs resolved against
 * its `href` through a `<base>` (which works only in a document whose policy
 * allows it: the page's blank one, before its first document; `prepare`
 * builds, adopts and loads the default sheets there, while the build still parses). With `load`, the sheets are adopted and
 * every face is loaded; a face that fails is left to the fallback fonts.
 */
export async function useFontSheets(sheets: readonly FontSheet[], load: boolean): Promise<void> {
  const page = window as unknown as { offprintFontSheets?: Map<string, CSSStyleSheet> }
  page.offprintFontSheets ??= new Map()
  const built = page.offprintFontSheets
  const wanted = sheets.map(({ href, css }) => {
    const key = `${href}\n${css}`
    let sheet = built.get(key)
    if (!sheet) {
      const base = document.createElement('base')
      base.href = href
      document.head?.append(base)
      sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      base.remove()
      built.set(key, sheet)
    }
    return sheet
  })
  if (!load) return
  const adopted = document.adoptedStyleSheets
  if (adopted.length !== wanted.length || wanted.some((sheet, index) => adopted[index] !== sheet)) document.adoptedStyleSheets = wanted
  const loading: Array<Promise<unknown>> = []
  document.fonts.forEach((face) => {
    if (face.status === 'unloaded') loading.push(face.load().catch(() => undefined))
  })
  await Promise.all(loading)
}

/**
 * The print page: Paged.js evaluated once (about 0.3 s of Chromium's time
 * per evaluation, measured) and kept, so that each document is written into a
 * page that is already set up instead of a new page that loads the script
 * again. `document.open()` keeps the window and its globals (HTML's current
 * rule), so Paged.js survives from one document to the next; so do the font
 * sheets (`useFontSheets`).
 */
export const printPage: KeptPageKind = {
  name: 'print',
  async prepare(page: Page) {
    const [script, sheets] = await Promise.all([pagedScript(), defaultFontSheets()])
    await page.setJavaScriptEnabled(true)
    await page.evaluate(determinism)
    await page.evaluate(script)
    // Every face is loaded now, while the build still parses the source, not when the first document waits for it.
    await page.evaluate(useFontSheets, sheets, true)
  },
  prepareAllows: () => packageDirs().fonts,
}
