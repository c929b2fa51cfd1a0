import { readFile } from 'node:fs/promises'
import path from 'node:path'
import ejs from 'ejs'
import type { ArticleMeta } from '../../common/article.ts'
import type { BrowserSession } from '../browser.ts'
import { formatDate } from '../title-block.ts'

/** Cover size in CSS pixels; the PNG is twice that (1600 × 2560, the 1 : 1.6 e-readers ask for). */
const width = 800
const height = 1280
const scale = 2

/** Title size in CSS pixels, smaller for longer titles so they fit. */
function titleSize(title: string): number {
  const length = [...title].length
  if (length <= 30) return 88
  if (length <= 60) return 72
  if (length <= 110) return 58
  if (length <= 180) return 46
  return 36
}

/** The cover page's HTML from `templates/cover.ejs`: title, subtitle, authors, publisher, date. */
export async function coverHtml(meta: ArticleMeta, templatesDir: string): Promise<string> {
  const template = await readFile(path.join(templatesDir, 'cover.ejs'), 'utf8')
  return ejs.render(template, {
    lang: meta.lang,
    title: meta.title,
    subtitle: meta.subtitle ?? '',
    authors: meta.authors,
    publisher: meta.publisher ?? '',
    date: meta.date ? formatDate(meta.date, meta.lang) : '',
    width,
    height,
    titleSize: titleSize(meta.title),
  })
}

/**
 * Render the cover to PNG in Chromium (JavaScript off, every request
 * refused: the template is self-contained and uses the system's fonts).
 */
export async function renderCover(meta: ArticleMeta, templatesDir: string, session: BrowserSession): Promise<Uint8Array> {
  const html = await coverHtml(meta, templatesDir)
  return session.withPage({ allow: [] }, async (page) => {
    await page.setViewport({ width, height, deviceScaleFactor: scale })
    await page.setContent(html, { waitUntil: 'load' })
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height }, captureBeyondViewport: false })
    return new Uint8Array(png)
  })
}
