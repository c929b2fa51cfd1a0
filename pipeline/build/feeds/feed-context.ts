import { createHash } from 'node:crypto'
import type { IndexEntry } from '../output-record.ts'
import { epochOf } from '../../common/epoch.ts'

/** What every feed writer needs beyond the entries. */
export interface FeedContext {
  /** The site's absolute URL ending in `/`, when known: links become absolute and a sitemap is written. */
  siteUrl?: string | undefined
  /** The site's title. */
  title: string
  /** The site's description (`site.description`): the feeds' subtitle; default none. */
  description?: string
}

/** Entries newest first (by date, then title, then slug): the order of every feed. */
export function newestFirst(entries: readonly IndexEntry[]): IndexEntry[] {
  return [...entries].sort(
    (a, b) => (b.meta.date ?? '').localeCompare(a.meta.date ?? '') || a.meta.title.localeCompare(b.meta.title) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0),
  )
}

/**
 * A link to `file` (a path under dist/, `/`-separated): relative to dist/,
 * where every feed lives, so the catalog works from any path; absolute under
 * the site URL when one is known.
 */
export function hrefOf(file: string, context: FeedContext): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/')
  return context.siteUrl ? new URL(encoded, context.siteUrl).href : encoded
}

/** `YYYY-MM-DDT00:00:00Z` of the article's date; undated articles take SOURCE_DATE_EPOCH, else 1970. Never the clock. */
export function updatedOf(entry: IndexEntry): string {
  return entry.meta.date ? `${entry.meta.date}T00:00:00Z` : isoSeconds(epochOf(undefined))
}

/** The newest `updated` of `entries`, or SOURCE_DATE_EPOCH (else 1970) when there are none. */
export function feedUpdated(entries: readonly IndexEntry[]): string {
  let newest = ''
  for (const entry of entries) {
    const updated = updatedOf(entry)
    if (updated > newest) newest = updated
  }
  return newest || isoSeconds(epochOf(undefined))
}

/**
 * A permanent id for an article or a feed: a name-based UUID (RFC 4122,
 * version 5 layout) of `offprint:` and the name, the same on every machine
 * and whether or not a site URL is set.
 */
export function uuidUrn(name: string): string {
  const hash = createHash('sha1').update(`offprint:${name}`).digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
