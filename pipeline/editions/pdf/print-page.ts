import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import type { KeptPageKind } from '../browser.ts'
import { findPageStarts } from './page-starts.ts'
import { defaultFontSheets, type FontSheet, packageDirs } from './print-assets.ts'
import { fillGlossaryPages } from './term-pages.ts'

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

/**
 * The print page draws no frames (`frames: false`), so Chromium runs no
 * animation-frame callback in it, and idle callbacks only when it finds the
 * page idle. Paged.js waits for both between its pages; here each is a task
 * posted on a message channel instead, run in the order asked for. Run before
 * Paged.js is loaded, which keeps its own reference to `requestIdleCallback`.
 */
const nextTask = `(() => {
  const channel = new MessageChannel()
  const waiting = []
  channel.port1.onmessage = () => waiting.shift()?.(0)
  const soon = (callback) => {
    waiting.push(callback)
    channel.port2.postMessage(0)
    return waiting.length
  }
  window.requestAnimationFrame = soon
  window.requestIdleCallback = soon
})()`

/** In the print page: restart its random sequence, before each document. */
function reseed(): void {
  let seed = 0x2545f491
  Math.random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
    return seed / 4294967296
  }
}

/** A page script's expression for Paged.js's registered handler class `name`, which throws where it is missing. */
function handlerClass(name: string): string {
  return `(window.Paged.registeredHandlers.find((handler) => handler.name === '${name}') ??
    (() => { throw new Error('Unexpected Paged.js without its ${name} handler, expected the one offprint was tested with') })())`
}

/**
 * Two patches of Paged.js's Page class, which it does not export: its
 * prototype is reached through the first page a print page makes, before that
 * page is laid out or a second one made.
 *
 * Paged.js watches every page it has laid out (a ResizeObserver, from a
 * forced layout) to lay the book out again when a page changes size: for a
 * reader's browser, where images and fonts arrive late. Here they are loaded
 * before the pages are made, and nothing changes after but the glossary's page
 * numbers, which are printed as they are; the watchers only cost time: a
 * forced layout per page, and their callbacks on the pages of the document
 * before, when the next one replaces it (7 ms of Chromium's time per
 * document, traced). Each page is made without them.
 *
 * Paged.js measures each new page's content area (a forced style and layout
 * of the page) before the page gets its own classes (first, left or right,
 * named): so every page of a document measures the same, and only a
 * document's first page is measured; the next ones are given its size. That
 * size follows from the document's style sheets alone (the page template and
 * its rules), so a document whose sheets are those of one measured before on
 * this page (the same text, as with every article of a build) is not measured
 * at all.
 */
const pageClass = `(() => {
  const sizes = new WeakMap()
  // The first pages' sizes by the text of the sheets in the head (the few sets of sheets a page sees, a build's one).
  const sizesBySheets = new Map()
  const sheetsKey = () => [...document.head.querySelectorAll('style, link[rel~="stylesheet"]')].map((sheet) => sheet.href ?? sheet.textContent).join('\\u0000')
  let patched = false
  const addPage = window.Paged.Chunker.prototype.addPage
  window.Paged.Chunker.prototype.addPage = function (blank) {
    const page = addPage.call(this, blank)
    if (patched) return page
    patched = true
    const proto = Object.getPrototypeOf(page)
    proto.addListeners = () => true
    sizes.set(page.pagesArea, { width: page.width, height: page.height })
    sizesBySheets.set(sheetsKey(), sizes.get(page.pagesArea))
    const create = proto.create
    proto.create = function (...args) {
      let known = sizes.get(this.pagesArea)
      if (!known) {
        const key = sheetsKey()
        known = sizesBySheets.get(key)
        if (!known) {
          const made = create.apply(this, args)
          known = { width: this.width, height: this.height }
          sizes.set(this.pagesArea, known)
          if (sizesBySheets.size >= 16) sizesBySheets.clear()
          sizesBySheets.set(key, known)
          return made
        }
        sizes.set(this.pagesArea, known)
      }
      const measure = Element.prototype.getBoundingClientRect
      Element.prototype.getBoundingClientRect = function () {
        return this.classList.contains('pagedjs_page_content') ? new DOMRect(0, 0, known.width, known.height) : measure.call(this)
      }
      try {
        return create.apply(this, args)
      } finally {
        Element.prototype.getBoundingClientRect = measure
      }
    }
    return page
  }
})()`

/**
 * Paged.js gives each page its running strings (`string-set`) as custom
 * properties on the page element, one name after the other, and measures the
 * page between two names (is the name's first element at the page's top?).
 * Each property set on the page restyles every element of it, so the page was
 * restyled once per measure and once more after. Here the properties are set
 * together after the handler has measured: the same values (the margin boxes
 * that show them sit outside the measured content), one restyle of the page
 * (traced: 2,078 against 1,808 elements restyled per article PDF).
 */
const batchedStrings = `(() => {
  const StringSets = ${handlerClass('StringSets')}
  const afterPageLayout = StringSets.prototype.afterPageLayout
  StringSets.prototype.afterPageLayout = function (page, ...rest) {
    const style = page.style
    const queued = []
    style.setProperty = (...args) => { queued.push(args) }
    try {
      return afterPageLayout.call(this, page, ...rest)
    } finally {
      delete style.setProperty
      for (const args of queued) style.setProperty(...args)
    }
  }
})()`

/**
 * The running strings, four custom properties per name on each page element,
 * are inherited: setting them restyled every element of the page, its text
 * included, for the few margin boxes that show them. Where only margin boxes
 * show them (every rule Paged.js wrote that reads one is for
 * `….pagedjs_margin-content::after`, as with `print.css`), each document gets
 * them registered as not inherited, and inherited explicitly along the page's
 * margin boxes only; so a page's strings restyle its margin boxes, not its
 * text (traced: 1,808 against 1,643 elements restyled per article PDF). A
 * document whose sheets use a string elsewhere keeps them inherited.
 */
const marginStrings = `(() => {
  const StringSets = ${handlerClass('StringSets')}
  // A margin box's content, as Paged.js writes its rules: ".pagedjs_page… .pagedjs_margin-top-right>.pagedjs_margin-content::after".
  const inMargin = /^\\.pagedjs_page\\b[^,]*\\.pagedjs_margin-([a-z-]+)\\s*>\\s*\\.pagedjs_margin-content::?(?:after|before)$/
  // A read of a running string, in the sheets Paged.js wrote (read as text: the CSS object model took 3 ms).
  const reader = /var\\(\\s*--pagedjs-string-/g
  // The selectors of the rule around each read: the text between the block's \`{\` and the brace before it. (One
  // pattern for both, \`([^{}]*)\\{[^{}]*var\\(\`, was tried at every character: 7.7 ms per document, profiled.)
  const readers = function* (text) {
    for (const { index } of text.matchAll(reader)) {
      const open = text.lastIndexOf('{', index)
      if (open < 0 || text.lastIndexOf('}', index) > open) continue
      yield text.slice(Math.max(text.lastIndexOf('}', open), text.lastIndexOf('{', open - 1)) + 1, open)
    }
  }
  StringSets.prototype.afterParsed = function () {
    const names = Object.keys(this.stringSetSelectors)
    if (names.length === 0) return
    // Every rule that reads a string is a margin box's content (\`inMargin\`), else this document keeps them inherited.
    const boxes = new Set()
    for (const style of document.querySelectorAll('style[data-pagedjs-inserted-styles]')) {
      for (const selectors of readers(style.textContent)) {
        for (const selector of selectors.split(',')) {
          const box = inMargin.exec(selector.trim())?.[1]
          if (!box) return
          boxes.add(box)
        }
      }
    }
    if (boxes.size === 0) return
    // Each box's ancestors below the page: the sheet, the page box, the box's group (or a corner's holder).
    const chain = ['.pagedjs_sheet', '.pagedjs_pagebox']
    for (const box of boxes) {
      const margin = '.pagedjs_margin-' + box
      chain.push(box.endsWith('-corner') ? margin + '-holder' : '.pagedjs_margin-' + box.split('-')[0], margin)
      for (const part of ['', '::before', '::after']) chain.push(margin + ' > .pagedjs_margin-content' + part)
    }
    const properties = names.flatMap((name) => ['first', 'last', 'start', 'first-except'].map((kind) => '--pagedjs-string-' + kind + '-' + name))
    const style = document.createElement('style')
    style.dataset.pagedjsIgnore = ''
    style.textContent = properties.map((property) => '@property ' + property + ' { syntax: "*"; inherits: false; }').join('\\n') +
      '\\n' + [...new Set(chain)].join(', ') + ' { ' + properties.map((property) => property + ': inherit;').join(' ') + ' }'
    document.head.append(style)
  }
})()`

/**
 * Each page Paged.js makes is a copy of one template of 68 elements, restyled
 * and laid out with every page made, and again when the book is printed. Two
 * parts of it are idle in most documents, and a document's template goes
 * without them:
 * - four bleed areas holding twelve crop and cross marks, which take no room
 *   and show nothing without bleed or marks (no `@page` rule asks for them,
 *   as in `print.css`);
 * - the margin boxes no `@page` rule names (13 of the 16 in `print.css`):
 *   a corner's box and its holder, and another box's content element (the
 *   box stays, empty, where Paged.js measures the boxes of its side).
 */
const leanPages = `(() => {
  const AtPage = ${handlerClass('AtPage')}
  // Paged.js 0.4's AtPage has no afterParsed of its own (its draft is commented out); one it had would run first.
  const afterParsed = AtPage.prototype.afterParsed
  AtPage.prototype.afterParsed = function (...args) {
    const result = afterParsed?.apply(this, args)
    const template = this.chunker?.pageTemplate?.content
    if (!template) return result
    const pages = Object.values(this.pages)
    if (pages.every((page) => !page.bleed && !(page.marks?.length > 0))) {
      for (const bleed of template.querySelectorAll('.pagedjs_bleed')) bleed.remove()
    }
    const used = new Set(pages.flatMap((page) => Object.keys(page.marginalia ?? {})))
    for (const box of template.querySelectorAll('.pagedjs_margin')) {
      const name = [...box.classList].find((name) => name.startsWith('pagedjs_margin-'))?.slice('pagedjs_margin-'.length)
      if (!name || used.has(name)) continue
      // A corner's holder goes whole (Paged.js never looks for it); another box, which it measures, keeps its place.
      if (name.endsWith('-corner')) box.parentElement.remove()
      else box.querySelector('.pagedjs_margin-content')?.remove()
    }
    return result
  }
})()`

/**
 * Paged.js sizes the three boxes of a page's top and bottom margins once the
 * page is laid out. Where the left and right boxes both show something and
 * the centre box nothing, with no \`max-width\` on either (\`print.css\`'s
 * running heads), it sets them unwrapped, reads their widths, and divides
 * the margin in proportion: a forced layout of every page (about 3 ms of
 * Chromium's time per page, profiled) before the next page is made. Here
 * that group gets the division CSS grid makes from the same widths, with no
 * measure: both boxes as wide as their text where that fits, the rest
 * between them; where it does not, each at least its longest word and the
 * space shared evenly beyond that (Paged.js's shares each in proportion). A
 * head that fits, the usual case, is drawn where it was.
 *
 * Paged.js first reads each box's \`max-width\` (or \`max-height\`) from its
 * computed style: a style recalculation of the page (3.2 ms of Chromium's time
 * per document, measured), again before the next page is made. A box that no
 * rule of the document's sheets gives a limit has none, which is read from the
 * sheets' rules once per document instead (\`element.matches\`, no style).
 * Where a nested rule sets a limit, the boxes' styles are computed as before.
 */
const marginWidths = `(() => {
  const AtPage = ${handlerClass('AtPage')}
  const finalizePage = AtPage.prototype.finalizePage
  const measure = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth').get
  const computedStyle = window.getComputedStyle
  const unlimited = Object.freeze({ 'max-width': 'none', 'max-height': 'none' })
  // Per document (a handler per document): the selectors of the rules that set a limit, or null where one is nested.
  const limited = new WeakMap()
  const limitSelectors = (handler) => {
    if (limited.has(handler)) return limited.get(handler)
    let selectors = []
    const collect = (rules, nested) => {
      for (const rule of rules) {
        if (rule instanceof CSSStyleRule && (rule.style.maxWidth || rule.style.maxHeight)) {
          if (nested) selectors = null
          else selectors?.push(rule.selectorText)
        }
        if (rule.cssRules) collect(rule.cssRules, nested || rule instanceof CSSStyleRule)
      }
    }
    for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) collect(sheet.cssRules, false)
    limited.set(handler, selectors)
    return selectors
  }
  AtPage.prototype.finalizePage = function (fragment, page, ...rest) {
    const selectors = limitSelectors(this)
    const free = (element) => {
      try {
        return element instanceof Element && element.classList.contains('pagedjs_margin') && !selectors.some((selector) => element.matches(selector))
      } catch {
        return false
      }
    }
    if (selectors) window.getComputedStyle = (element, pseudo) => (pseudo == null && free(element) ? unlimited : computedStyle.call(window, element, pseudo))
    const unmeasured = new Set()
    const boxes = []
    for (const side of ['top', 'bottom']) {
      const group = page.element.querySelector('.pagedjs_margin-' + side)
      const center = group?.querySelector('.pagedjs_margin-' + side + '-center')
      for (const box of group ? [group.querySelector('.pagedjs_margin-' + side + '-left'), group.querySelector('.pagedjs_margin-' + side + '-right')] : []) {
        if (!box || !center) continue
        boxes.push(box)
        // Read only where Paged.js would divide by measure; a centre box with content keeps Paged.js's own division.
        Object.defineProperty(box, 'offsetWidth', {
          configurable: true,
          get() {
            if (center.classList.contains('hasContent')) return measure.call(this)
            unmeasured.add(group)
            return 1
          },
        })
      }
    }
    try {
      return finalizePage.call(this, fragment, page, ...rest)
    } finally {
      window.getComputedStyle = computedStyle
      for (const box of boxes) delete box.offsetWidth
      for (const group of unmeasured) group.style.gridTemplateColumns = 'minmax(16.66%, auto) 0 minmax(16.66%, auto)'
    }
  }
})()`

/** The folder of `paged.polyfill.js`. */
function pagedDir(): string {
  return join(packageDirs().pagedjs, 'dist')
}

/**
 * In the print page: build `sheets`, the font sheets kept across documents,
 * and make them the ones `loadFaces` adopts. Each sheet is a constructed
 * style sheet, which `document.open()` leaves in place in the page's adopted
 * sheets, so its fonts are fetched and decoded once per page instead of once
 * per document. A sheet is built the first time it is asked for, its relative
 * URLs resolved against its `href` through a `<base>`; that works only in a
 * document whose policy allows it (the page's blank one, or the one before a
 * document is written), so it runs before each document is written.
 * Self-contained: it runs in the page.
 */
export function useFontSheets(sheets: readonly FontSheet[]): void {
  const page = window as unknown as { offprintFontSheets?: Map<string, CSSStyleSheet>; offprintWantedSheets?: CSSStyleSheet[] }
  page.offprintFontSheets ??= new Map()
  const built = page.offprintFontSheets
  page.offprintWantedSheets = sheets.map(({ href, css }) => {
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
}

/**
 * In the print page: adopt the sheets `useFontSheets` built, and load the
 * faces whose `unicode-range` holds one of `characters` (the document's, from
 * `documentCharacters`). Decoding all 46 @fontsource subsets took ~0.3 s of
 * Chromium's time per page (measured), where an English article needs the 6
 * Latin ones. Paged.js would load every face before layout
 * (`Chunker.loadFonts`); `prepare` turns that off, since a face that none of
 * the document's characters falls in is never drawn. A face that fails to
 * load is left to the fallback fonts. Self-contained: it runs in the page.
 */
export async function loadFaces(characters: string): Promise<void> {
  const wanted = (window as unknown as { offprintWantedSheets?: CSSStyleSheet[] }).offprintWantedSheets ?? []
  const adopted = document.adoptedStyleSheets
  if (adopted.length !== wanted.length || wanted.some((sheet, index) => adopted[index] !== sheet)) document.adoptedStyleSheets = wanted
  const points: number[] = []
  for (const char of characters) points.push(char.codePointAt(0) ?? 0)
  points.sort((a, b) => a - b)
  // Whether a point falls in [low, high]: the first point from low, found by halving (some 40 faces, a few hundred points).
  const within = (low: number, high: number): boolean => {
    let start = 0
    let end = points.length
    while (start < end) {
      const middle = (start + end) >> 1
      if ((points[middle] ?? 0) < low) start = middle + 1
      else end = middle
    }
    return start < points.length && (points[start] ?? 0) <= high
  }
  // Each face's ranges as [low, high] pairs, read from its \`unicode-range\` once per page (2 ms per document, profiled).
  const page = window as unknown as { offprintFaceRanges?: WeakMap<FontFace, number[]> }
  const known = (page.offprintFaceRanges ??= new WeakMap())
  const rangesOf = (face: FontFace): number[] => {
    let ranges = known.get(face)
    if (!ranges) {
      ranges = face.unicodeRange.split(',').flatMap((part) => {
        const [from = '', to = from] = part.trim().replace(/^U\+/i, '').split('-')
        return [Number.parseInt(from.replaceAll('?', '0'), 16), Number.parseInt((from.includes('?') ? from : to).replaceAll('?', 'F'), 16)]
      })
      known.set(face, ranges)
    }
    return ranges
  }
  const covers = (face: FontFace): boolean => {
    const ranges = rangesOf(face)
    for (let index = 0; index + 1 < ranges.length; index += 2) if (within(ranges[index] ?? 0, ranges[index + 1] ?? -1)) return true
    return false
  }
  const loading: Array<Promise<unknown>> = []
  document.fonts.forEach((face) => {
    if (face.status === 'unloaded' && covers(face)) loading.push(face.load().catch(() => undefined))
  })
  await Promise.all(loading)
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

/** The print page's own functions, which it keeps as `window.offprintPrint` (see `printScripts`). */
export interface PrintScripts {
  reseed: typeof reseed
  useFontSheets: typeof useFontSheets
  writeDocument: typeof writeDocument
  loadFaces: typeof loadFaces
  fillGlossaryPages: typeof fillGlossaryPages
  findPageStarts: typeof findPageStarts
}

/**
 * The functions a document is written, laid out and read with, defined in the
 * print page once and called there by name: a document takes two DevTools
 * calls around its layout (render.ts), where one per function took six. Each
 * call is a round trip through Chromium's browser process (4 against 11
 * messages per PDF, the print's included, counted). Each function is
 * self-contained, and defined from its source.
 */
const printScripts = `window.offprintPrint = { ${Object.entries({ reseed, useFontSheets, writeDocument, loadFaces, fillGlossaryPages, findPageStarts })
  .map(([name, script]) => `${name}: ${script.toString()}`)
  .join(',\n')} }`

/**
 * In the print page: run the scripts `before`, load Paged.js from `pagedUrl`,
 * run the scripts `after` (ours, `window.offprintPrint` among them), then
 * build the font `sheets` and load the Latin faces. Each script runs as
 * DevTools' own evaluation would, in the page's global scope, and its error
 * fails the call. Self-contained: it runs in the page.
 */
async function setUpPrintPage(before: readonly string[], pagedUrl: string, after: readonly string[], sheets: readonly FontSheet[]): Promise<void> {
  for (const script of before) new Function(script)()
  await new Promise<void>((resolve, reject) => {
    const element = document.createElement('script')
    element.src = pagedUrl
    element.onload = () => resolve()
    element.onerror = () => reject(new Error(`Unexpected failure to load \`${pagedUrl}\`, expected Paged.js`))
    document.head.append(element)
  })
  for (const script of after) new Function(script)()
  const print = (window as unknown as { offprintPrint: PrintScripts }).offprintPrint
  print.useFontSheets(sheets)
  await print.loadFaces('a')
}

/**
 * The print page: Paged.js loaded once (about 0.1 s of Chromium's time per
 * load, measured) and kept, so that each document is written into a
 * page that is already set up instead of a new page that loads the script
 * again. `document.open()` keeps the window and its globals (HTML's current
 * rule), so Paged.js survives from one document to the next; so do the font
 * sheets (`useFontSheets`) and the faces they loaded.
 */
export const printPage: KeptPageKind = {
  name: 'print',
  async prepare(page: Page) {
    const sheets = await defaultFontSheets()
    await page.setJavaScriptEnabled(true)
    // Laid out in the media it prints in. Printing then changes no media, which saved a style recalculation
    // of the whole document per print (about 30 ms of Chromium's time for the article's 4 pages, measured in
    // a trace); and a sheet Paged.js does not read (`data-pagedjs-ignore`) applies its `@media print` rules
    // while the pages are made, as it will when they are printed (Paged.js applies those of the sheets it reads).
    await page.emulateMediaType('print')
    // The rest in one call (each is a round trip through Chromium's browser process: eleven took 20–50 ms
    // more of a cold start, with both cores busy). Paged.js is loaded by the page from disk, not sent through
    // the DevTools pipe as an expression: 0.10 s against 0.20 s (measured), as Chromium reads and compiles
    // the 0.9 MB script itself. Paged.js loads no font itself: each document loads the faces its characters
    // need (`useFontSheets`). The Latin faces, which nearly every document needs, are loaded now, while the
    // build still parses the source.
    await page.evaluate(
      setUpPrintPage,
      [determinism, nextTask],
      pathToFileURL(join(pagedDir(), 'paged.polyfill.js')).href,
      ['window.Paged.Chunker.prototype.loadFonts = () => Promise.resolve()', pageClass, batchedStrings, marginStrings, leanPages, marginWidths, printScripts],
      sheets,
    )
  },
  prepareAllows: () => [...packageDirs().fonts, pagedDir()],
  // A page lays out faster as it ages: the article's layout took 40–45 ms on a new page's first 20 documents
  // and 26–28 ms from the 25th on (its renderer's V8 has compiled Paged.js by then), and a new page costs its
  // renderer, Paged.js and its fonts besides. What it keeps grows by about 0.16 MB a document (the renderers'
  // RSS over 400 articles; a collected heap stays at 7 MB): 100 documents bound that, where 40 replaced each
  // page of a 100-PDF build once (6% more CPU, measured).
  uses: 100,
  // Nobody looks at it: frames would be drawn after every change Paged.js makes, for nothing (see `nextTask`).
  frames: false,
}
