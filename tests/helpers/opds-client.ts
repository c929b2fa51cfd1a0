import { open, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { OPDSEntry, OPDSFeed, OPDSLink } from 'opds-feed-parser'

/**
 * The catalog in dist/ as an OPDS client reads it: every feed parsed by
 * NYPL's opds-feed-parser (Library Simplified's client library), every href
 * resolved against the URL of the feed that holds it, as a reader app
 * resolves it against the URL it fetched, and pages followed by their `next`
 * links. Nothing here reads our XML itself, with one exception: the parser
 * drops a link's `length` (RFC 4287's size in bytes, which OPDS acquisition
 * links carry), so it is read from the parser's own `unparsed` element.
 */

// CommonJS with `exports.default`: what a default import gives differs between Node, tsx and vitest, so require it.
const opds = createRequire(import.meta.url)('opds-feed-parser') as typeof import('opds-feed-parser')
export const { AcquisitionFeed, NavigationFeed, OPDSFacetLink } = opds

const atomNamespace = 'http://www.w3.org/2005/Atom'
/** The type of a link to an OPDS feed (acquisition or navigation). */
const catalogType = /^application\/atom\+xml;\s*profile=opds-catalog(;|$)/

/** A link of an entry as a client follows it. */
export interface ClientLink {
  rel: string
  type: string
  href: string
  /** The file it resolves to. */
  file: string
  /** Its `length` attribute, when it has one. */
  length?: number
}

/** A feed file and what the parser made of it. */
export interface ParsedFeed {
  file: string
  feed: OPDSFeed
}

/** An entry of an acquisition feed, as a client lists it. */
export interface CatalogItem {
  id: string
  title: string
  authors: string[]
  language: string | undefined
  /** `dc:issued`, the publication date. */
  issued: string | undefined
  updated: string
  summary: string | undefined
  publisher: string | undefined
  categories: string[]
  /** The feed file the entry was listed in. */
  page: string
  alternate: ClientLink[]
  images: ClientLink[]
  thumbnails: ClientLink[]
  acquisitions: ClientLink[]
}

/** The file `href` points to, resolved against the feed file `from` as a client resolves it against the feed's URL. */
export function resolveHref(href: string, from: string): string {
  const url = new URL(href, pathToFileURL(from))
  if (url.protocol !== 'file:') throw new Error(`Unexpected link \`${href}\` in ${from}, expected one relative to the catalog`)
  return fileURLToPath(url)
}

/** Parse one feed file with opds-feed-parser. */
async function readFeed(file: string): Promise<ParsedFeed> {
  const parsed = await new opds.default().parse(await readFile(file, 'utf8'))
  if (!(parsed instanceof opds.OPDSFeed)) throw new Error(`Unexpected OPDS entry document in ${file}, expected a feed`)
  return { file, feed: parsed }
}

/** The first link of `feed` with `rel`, resolved. */
export function feedLink(parsed: ParsedFeed, rel: string): string | undefined {
  const link = parsed.feed.links.find((candidate) => candidate.rel === rel)
  return link && resolveHref(link.href, parsed.file)
}

/** Every page of the paginated feed starting at `start`, in order, following `next` links until a page has none. */
async function readPages(start: string): Promise<ParsedFeed[]> {
  const pages: ParsedFeed[] = []
  const seen = new Set<string>()
  for (let file: string | undefined = start; file !== undefined; ) {
    if (seen.has(file)) throw new Error(`Unexpected loop of next links back to ${file}`)
    seen.add(file)
    const page = await readFeed(file)
    pages.push(page)
    file = feedLink(page, 'next')
  }
  return pages
}

/** Every feed reachable from `start` through links to OPDS feeds (pages, facets, navigation, subsections), each parsed once. */
export async function crawlCatalog(start: string): Promise<Map<string, ParsedFeed>> {
  const feeds = new Map<string, ParsedFeed>()
  const queue = [start]
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (feeds.has(file)) continue
    const parsed = await readFeed(file)
    feeds.set(file, parsed)
    const links = [...parsed.feed.links, ...parsed.feed.entries.flatMap((entry) => entry.links)]
    for (const link of links) if (catalogType.test(link.type ?? '')) queue.push(resolveHref(link.href, file))
  }
  return feeds
}

/** The links of `entry` with their `length`, which the parser does not keep. */
function entryLinks(entry: OPDSEntry, from: string): Array<ClientLink & { parsed: OPDSLink }> {
  const unparsed = entry.unparsed as Record<string, unknown>
  const raw = Object.values(unparsed).find(
    (value): value is RawElement[] => Array.isArray(value) && (value[0] as RawElement | undefined)?.$ns?.uri === atomNamespace && value[0]?.$ns?.local === 'link',
  )
  if ((raw?.length ?? 0) !== entry.links.length) throw new Error(`Unexpected ${raw?.length ?? 0} raw links for ${entry.links.length} parsed ones in ${entry.id}`)
  return entry.links.map((link, index) => {
    const attributes = raw?.[index]?.$ ?? {}
    if (attributes.href?.value !== link.href) throw new Error(`Unexpected raw link ${index} \`${attributes.href?.value}\`, expected \`${link.href}\``)
    const length = attributes.length?.value
    return {
      parsed: link,
      rel: link.rel,
      type: link.type,
      href: link.href,
      file: resolveHref(link.href, from),
      ...(length === undefined ? {} : { length: Number(length) }),
    }
  })
}

/** An entry of the feed in `from` as a client lists it. */
function catalogItem(entry: OPDSEntry, from: string): CatalogItem {
  const links = entryLinks(entry, from)
  const ofClass = (kind: abstract new (...args: never[]) => OPDSLink, rel?: string): ClientLink[] =>
    links.filter((link) => link.parsed instanceof kind && (rel === undefined || link.rel === rel)).map(({ parsed: _, ...link }) => link)
  return {
    id: entry.id,
    title: entry.title,
    authors: entry.authors.map((author) => author.name),
    language: entry.language,
    issued: entry.issued,
    updated: entry.updated,
    summary: entry.summary.content,
    publisher: entry.publisher,
    categories: entry.categories.map((category) => category.label ?? category.term),
    page: path.basename(from),
    alternate: ofClass(opds.AlternateLink),
    images: ofClass(opds.OPDSArtworkLink, 'http://opds-spec.org/image'),
    thumbnails: ofClass(opds.OPDSArtworkLink, 'http://opds-spec.org/image/thumbnail'),
    acquisitions: ofClass(opds.OPDSAcquisitionLink),
  }
}

/** Every entry of the paginated acquisition feed starting at `start`, page after page. */
export async function readCatalog(start: string): Promise<{ pages: ParsedFeed[]; items: CatalogItem[] }> {
  const pages = await readPages(start)
  return { pages, items: pages.flatMap((page) => page.feed.entries.map((entry) => catalogItem(entry, page.file))) }
}

/** An element as xml2js gives it with `xmlns: true`. */
interface RawElement {
  $?: Record<string, { value: string } | undefined>
  $ns?: { uri: string; local: string }
}

/**
 * The media type of a file by its bytes, as a reader app finds out what it
 * downloaded: an EPUB is a ZIP whose first entry is the uncompressed
 * `mimetype` file (EPUB OCF 3.3, 4.2.2), a PDF starts `%PDF-`, a PNG with its
 * signature, an HTML page with its doctype.
 */
export async function mediaTypeOf(file: string): Promise<string> {
  const handle = await open(file)
  const head = Buffer.alloc(64)
  const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close())
  head.fill(0, bytesRead)
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) && head.subarray(30, 58).toString('latin1') === 'mimetypeapplication/epub+zip') return 'application/epub+zip'
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (/^(\uFEFF)?\s*<!doctype html[\s>]/i.test(head.toString('utf8'))) return 'text/html'
  return 'application/octet-stream'
}
