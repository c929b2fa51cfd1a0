import { x } from 'xastscript'
import type { IndexEntry } from '../output-record.ts'
import { hrefOf, newestFirst } from './feed-context.ts'
import type { FeedFile } from './opds.ts'
import { xmlDocument } from './xml-document.ts'

/**
 * `sitemap.xml` (sitemaps.org 0.9) of the front page and every article's
 * HTML page, with the article's date as `lastmod`. Only with a site URL:
 * a sitemap's locations must be absolute.
 */
export function renderSitemap(entries: readonly IndexEntry[], siteUrl: string): FeedFile {
  const context = { siteUrl, title: '' }
  const urlset = x('urlset', { xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' }, [
    x('url', [x('loc', siteUrl)]),
    ...newestFirst(entries)
      .filter((entry) => entry.files['index.html'] !== undefined)
      .map((entry) => x('url', [x('loc', hrefOf(`${entry.slug}/index.html`, context)), ...(entry.meta.date ? [x('lastmod', entry.meta.date)] : [])])),
  ])
  return { path: 'sitemap.xml', data: xmlDocument(urlset) }
}
