import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'puppeteer'
import type { KeptPageKind } from '../browser.ts'
import { packageDirs } from './print-assets.ts'

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
 * The print page: Paged.js evaluated once (about 0.3 s of Chromium's time
 * per evaluation, measured) and kept, so that each document is written into a
 * page that is already set up instead of a new page that loads the script
 * again. `document.open()` keeps the window and its globals (HTML's current
 * rule), so Paged.js survives from one document to the next.
 */
export const printPage: KeptPageKind = {
  name: 'print',
  async prepare(page: Page) {
    const script = await pagedScript()
    await page.setJavaScriptEnabled(true)
    await page.evaluate(determinism)
    await page.evaluate(script)
  },
}
