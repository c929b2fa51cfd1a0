import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import { serializeHtml } from '../editions/serialize-html.ts'
import { formatDate } from '../editions/title-block.ts'
import type { IndexEntry } from './output-record.ts'
import type { Brand } from '../source/project-assets.ts'
import { appendCss, brandCss, brandFolder, logoName } from '../editions/brand.ts'

/** Human size: `31 KB`, `1.2 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** What the front page shows of the site (`site.*` of the project file). */
export interface IndexSite {
  /** Its title and header; default `offprint`. */
  title?: string | undefined
  /** A line under the header and the page's description; default none. */
  description?: string | undefined
  /** The page's language; default `en`. */
  lang?: string | undefined
  /** CSS appended to `site.css` (the theme's); default none. */
  css?: string | undefined
  /** The logo and fonts, in `theme_assets/` next to the page (see `copyBrand`); default none. */
  brand?: Brand | undefined
}

/**
 * The site's front page: every source, newest first and grouped by date,
 * with title, authors, description, language, cover, and links to each
 * edition with its size; its head advertises the OPDS catalog and the Atom
 * feed.
 */
export async function renderIndex(entries: readonly IndexEntry[], templatesDir: string, site: IndexSite = {}): Promise<string> {
  const { title = 'offprint', description, lang = 'en' } = site
  const own = await readFile(path.join(templatesDir, 'site.css'), 'utf8')
  const theme = appendCss(site.css, brandCss(site.brand, `${brandFolder}/`))
  const css = theme === undefined ? own : `${own.trimEnd()}\n${theme.trimEnd()}\n`
  const logo = site.brand?.logo
  // Beside the site's name, the logo adds nothing a screen reader should read twice: its `alt` is empty here.
  const logoImage = logo ? [h('span.site-logo', [h('img', { src: `${brandFolder}/${logoName(logo)}`, alt: '' })])] : []
  const sorted = [...entries].sort((a, b) => (b.meta.date ?? '').localeCompare(a.meta.date ?? '') || a.meta.title.localeCompare(b.meta.title))
  const groups = new Map<string, IndexEntry[]>()
  for (const entry of sorted) {
    const key = entry.meta.date ?? ''
    const group = groups.get(key)
    if (group) group.push(entry)
    else groups.set(key, [entry])
  }
  const sections: Element[] = [...groups].map(([date, group]) =>
    h('section', { ariaLabelledBy: `date-${date || 'undated'}` }, [
      h('h2', { id: `date-${date || 'undated'}` }, date ? h('time', { dateTime: date }, formatDate(date, 'en')) : 'Undated'),
      h('ul.entries', group.map(renderEntry)),
    ]),
  )
  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('meta', { name: 'color-scheme', content: 'light dark' }),
          h('meta', { name: 'generator', content: 'offprint' }),
          h('title', title),
          ...(description ? [h('meta', { name: 'description', content: description })] : []),
          // Feed readers and e-reader apps find the feeds from the front page.
          h('link', { rel: 'alternate', type: 'application/atom+xml;profile=opds-catalog;kind=acquisition', href: 'opds.xml', title: `${title} (OPDS catalog)` }),
          h('link', { rel: 'alternate', type: 'application/atom+xml', href: 'feed.xml', title: `${title} (Atom feed)` }),
          h('style', css),
        ]),
        h('body', [
          h('a.skip-link', { href: '#main' }, 'Skip to content'),
          h('header.site-header', [...logoImage, h('p', title), ...(description ? [h('p.site-description', description)] : [])]),
          h('main#main.index', { tabIndex: -1 }, [h('h1', 'Articles'), ...sections]),
        ]),
      ]),
    ],
  }
  return serializeHtml(page)
}

function renderEntry(entry: IndexEntry): Element {
  const { meta, slug } = entry
  const link = (file: string, label: string, type?: string) =>
    entry.files[file] === undefined ? undefined : h('li', [h('a', { href: `${slug}/${file}`, ...(type ? { type } : {}) }, `${label} (${formatSize(entry.files[file] ?? 0)})`)])
  const details = [meta.authors.join(', '), meta.publisher, languageName(meta.lang)].filter(Boolean).join(' · ')
  return h('li.entry', { lang: meta.lang }, [
    entry.cover ? h('img.cover', { src: `${slug}/${entry.cover}`, alt: '', width: 130, height: 195 }) : h('span'),
    h('article', [
      h('h3', [h('a', { href: `${slug}/index.html` }, meta.title)]),
      details || meta.date
        ? h('p.meta', [meta.date ? h('time', { dateTime: meta.date }, formatDate(meta.date, 'en')) : undefined, meta.date && details ? ' · ' : undefined, details])
        : undefined,
      meta.description ? h('p', meta.description) : undefined,
      h('ul.links', [link('index.html', 'HTML'), link(`${slug}.pdf`, 'PDF', 'application/pdf'), link(`${slug}.epub`, 'EPUB', 'application/epub+zip')]),
    ]),
  ])
}

let languageNames: Intl.DisplayNames | undefined
const languageNameCache = new Map<string, string>()

function languageName(lang: string): string {
  let name = languageNameCache.get(lang)
  if (name === undefined) {
    try {
      languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' })
      name = languageNames.of(lang) ?? lang
    } catch {
      name = lang
    }
    languageNameCache.set(lang, name)
  }
  return name
}
