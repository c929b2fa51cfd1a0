import type { Element } from 'xast'
import { x } from 'xastscript'
import type { IndexEntry } from '../output-record.ts'
import { type FeedContext, feedUpdated, hrefOf, newestFirst, updatedOf, uuidUrn } from './feed-context.ts'
import { xmlDocument } from './xml-document.ts'

/** Entries on one page of an acquisition feed. */
export const opdsPageSize = 50

const acquisitionType = 'application/atom+xml;profile=opds-catalog;kind=acquisition'
const navigationType = 'application/atom+xml;profile=opds-catalog;kind=navigation'
const namespaces = {
  xmlns: 'http://www.w3.org/2005/Atom',
  'xmlns:dc': 'http://purl.org/dc/terms/',
  'xmlns:opds': 'http://opds-spec.org/2010/catalog',
  'xmlns:thr': 'http://purl.org/syndication/thread/1.0',
}

/** One file of the catalog, relative to dist/. */
export interface FeedFile {
  path: string
  data: string
}

/** A subset of the catalog: every entry, or those of one language or year. */
interface Listing {
  /** File name without `.xml`: `opds`, `opds-lang-en`, `opds-year-2024`. */
  base: string
  title: string
  entries: IndexEntry[]
  /** Facet group and label, for subsets. */
  facet?: { group: string; label: string }
}

/**
 * The OPDS 1.2 catalog: `opds.xml` (the root, an acquisition feed of every
 * article, newest first), its further pages `opds-page-N.xml` (50 entries a
 * page, linked by first/previous/next/last), the same per language and per
 * year (`opds-lang-<tag>.xml`, `opds-year-<YYYY>.xml`, offered as facets), and
 * two navigation feeds listing those (`opds-languages.xml`, `opds-years.xml`).
 */
export function renderOpds(entries: readonly IndexEntry[], context: FeedContext): FeedFile[] {
  const all = newestFirst(entries)
  const listings: Listing[] = [{ base: 'opds', title: context.title, entries: all }]
  const languages = groupBy(all, (entry) => (/^[A-Za-z0-9-]+$/.test(entry.meta.lang) ? entry.meta.lang : undefined))
  const years = groupBy(all, (entry) => entry.meta.date?.slice(0, 4))
  const byLanguage = [...languages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const byYear = [...years].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
  for (const [lang, group] of byLanguage)
    listings.push({ base: `opds-lang-${lang}`, title: `${context.title}: ${languageName(lang)}`, entries: group, facet: { group: 'Language', label: languageName(lang) } })
  for (const [year, group] of byYear) listings.push({ base: `opds-year-${year}`, title: `${context.title}: ${year}`, entries: group, facet: { group: 'Year', label: year } })
  const facets = listings.filter((listing) => listing.facet)
  const files: FeedFile[] = []
  for (const listing of listings) files.push(...acquisitionPages(listing, facets, context))
  files.push(
    navigationFeed(
      'opds-languages',
      `${context.title}: by language`,
      facets.filter((listing) => listing.facet?.group === 'Language'),
      context,
    ),
    navigationFeed(
      'opds-years',
      `${context.title}: by year`,
      facets.filter((listing) => listing.facet?.group === 'Year'),
      context,
    ),
  )
  return files
}

/** File name of page `page` (1-based) of a listing. */
export function opdsPageFile(base: string, page: number): string {
  return page === 1 ? `${base}.xml` : `${base}-page-${page}.xml`
}

function acquisitionPages(listing: Listing, facets: readonly Listing[], context: FeedContext): FeedFile[] {
  const pages = Math.max(1, Math.ceil(listing.entries.length / opdsPageSize))
  const files: FeedFile[] = []
  for (let page = 1; page <= pages; page++) {
    const slice = listing.entries.slice((page - 1) * opdsPageSize, page * opdsPageSize)
    const pageLink = (rel: string, number: number): Element => link(rel, hrefOf(opdsPageFile(listing.base, number), context), acquisitionType)
    const feed = x('feed', namespaces, [
      x('id', uuidUrn(page === 1 ? listing.base : `${listing.base}/${page}`)),
      x('title', pages > 1 ? `${listing.title} (page ${page} of ${pages})` : listing.title),
      ...(context.description ? [x('subtitle', context.description)] : []),
      x('updated', feedUpdated(listing.entries)),
      x('author', [x('name', context.title)]),
      pageLink('self', page),
      link('start', hrefOf('opds.xml', context), acquisitionType),
      ...(listing.facet ? [link('up', hrefOf('opds.xml', context), acquisitionType)] : []),
      ...(pages > 1 ? [pageLink('first', 1), pageLink('last', pages)] : []),
      ...(page > 1 ? [pageLink('previous', page - 1)] : []),
      ...(page < pages ? [pageLink('next', page + 1)] : []),
      link('related', hrefOf('opds-languages.xml', context), navigationType, 'By language'),
      link('related', hrefOf('opds-years.xml', context), navigationType, 'By year'),
      ...facets.map((facet) =>
        x('link', {
          rel: 'http://opds-spec.org/facet',
          href: hrefOf(opdsPageFile(facet.base, 1), context),
          type: acquisitionType,
          title: facet.facet?.label,
          'opds:facetGroup': facet.facet?.group,
          'opds:activeFacet': facet === listing ? 'true' : undefined,
          'thr:count': String(facet.entries.length),
        }),
      ),
      ...slice.map((entry) => catalogEntry(entry, context)),
    ])
    files.push({ path: opdsPageFile(listing.base, page), data: xmlDocument(feed) })
  }
  return files
}

/** An OPDS catalog entry: metadata, cover and thumbnail, the HTML page, and the EPUB and PDF to download with their sizes. */
function catalogEntry(entry: IndexEntry, context: FeedContext): Element {
  const { meta, slug } = entry
  const file = (name: string): string => hrefOf(`${slug}/${name}`, context)
  const size = (name: string): string | undefined => (entry.files[name] === undefined ? undefined : String(entry.files[name]))
  const acquisitions = [
    [`${slug}.epub`, 'application/epub+zip'],
    [`${slug}.pdf`, 'application/pdf'],
  ].filter(([name]) => entry.files[name as string] !== undefined) as Array<[string, string]>
  // An HTML-only build still offers something to download: the page itself.
  if (acquisitions.length === 0 && entry.files['index.html'] !== undefined) acquisitions.push(['index.html', 'text/html'])
  return x('entry', [
    x('title', meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title),
    x('id', uuidUrn(slug)),
    x('updated', updatedOf(entry)),
    ...meta.authors.map((name) => x('author', [x('name', name)])),
    x('dc:language', meta.lang),
    ...(meta.date ? [x('dc:issued', meta.date)] : []),
    ...(meta.publisher ? [x('dc:publisher', meta.publisher)] : []),
    ...(meta.license ? [x('rights', meta.license)] : []),
    ...meta.keywords.map((keyword) => x('category', { term: keyword, label: keyword })),
    ...(meta.description ? [x('summary', { type: 'text' }, meta.description)] : []),
    ...(entry.cover ? [link('http://opds-spec.org/image', file(entry.cover), 'image/png'), link('http://opds-spec.org/image/thumbnail', file(entry.cover), 'image/png')] : []),
    ...(entry.files['index.html'] !== undefined ? [link('alternate', file('index.html'), 'text/html', meta.title)] : []),
    ...acquisitions.map(([name, type]) => x('link', { rel: 'http://opds-spec.org/acquisition', href: file(name), type, length: size(name) })),
  ])
}

function navigationFeed(base: string, title: string, listings: readonly Listing[], context: FeedContext): FeedFile {
  const feed = x('feed', namespaces, [
    x('id', uuidUrn(base)),
    x('title', title),
    x('updated', feedUpdated(listings.flatMap((listing) => listing.entries))),
    x('author', [x('name', context.title)]),
    link('self', hrefOf(`${base}.xml`, context), navigationType),
    link('start', hrefOf('opds.xml', context), acquisitionType),
    link('up', hrefOf('opds.xml', context), acquisitionType),
    ...listings.map((listing) =>
      x('entry', [
        x('title', listing.facet?.label ?? listing.title),
        x('id', uuidUrn(listing.base)),
        x('updated', feedUpdated(listing.entries)),
        x('content', { type: 'text' }, `${listing.entries.length} article${listing.entries.length === 1 ? '' : 's'}`),
        link('subsection', hrefOf(opdsPageFile(listing.base, 1), context), acquisitionType),
      ]),
    ),
  ])
  return { path: `${base}.xml`, data: xmlDocument(feed) }
}

function link(rel: string, href: string, type: string, title?: string): Element {
  return x('link', { rel, href, type, title })
}

function groupBy(entries: readonly IndexEntry[], key: (entry: IndexEntry) => string | undefined): Map<string, IndexEntry[]> {
  const groups = new Map<string, IndexEntry[]>()
  for (const entry of entries) {
    const value = key(entry)
    if (value === undefined) continue
    const group = groups.get(value)
    if (group) group.push(entry)
    else groups.set(value, [entry])
  }
  return groups
}

function languageName(lang: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(lang) ?? lang
  } catch {
    return lang
  }
}
