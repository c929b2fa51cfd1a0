import { x } from 'xastscript'
import type { IndexEntry } from '../output-record.ts'
import { type FeedContext, feedUpdated, hrefOf, newestFirst, updatedOf, uuidUrn } from './feed-context.ts'
import type { FeedFile } from './opds.ts'
import { xmlDocument } from './xml-document.ts'

/** Articles in `feed.xml`. */
export const atomFeedSize = 20

/**
 * `feed.xml`: an Atom 1.0 feed of the newest articles, each with its
 * authors, summary and a link to its HTML page. Links are relative to
 * dist/ unless a site URL is known.
 */
export function renderAtom(entries: readonly IndexEntry[], context: FeedContext): FeedFile {
  const newest = newestFirst(entries).slice(0, atomFeedSize)
  const feed = x('feed', { xmlns: 'http://www.w3.org/2005/Atom' }, [
    x('id', uuidUrn('feed')),
    x('title', context.title),
    ...(context.description ? [x('subtitle', context.description)] : []),
    x('updated', feedUpdated(newest)),
    x('author', [x('name', context.title)]),
    x('generator', 'offprint'),
    x('link', { rel: 'self', href: hrefOf('feed.xml', context), type: 'application/atom+xml' }),
    x('link', { rel: 'alternate', href: hrefOf('index.html', context), type: 'text/html' }),
    ...newest.map((entry) =>
      x('entry', { 'xml:lang': entry.meta.lang }, [
        x('title', entry.meta.title),
        x('id', uuidUrn(entry.slug)),
        x('updated', updatedOf(entry)),
        ...(entry.meta.date ? [x('published', updatedOf(entry))] : []),
        ...entry.meta.authors.map((name) => x('author', [x('name', name)])),
        ...(entry.meta.description ? [x('summary', { type: 'text' }, entry.meta.description)] : []),
        x('link', { rel: 'alternate', href: hrefOf(`${entry.slug}/index.html`, context), type: 'text/html' }),
      ]),
    ),
  ])
  return { path: 'feed.xml', data: xmlDocument(feed) }
}
