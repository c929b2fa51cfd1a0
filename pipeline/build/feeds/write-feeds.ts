import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import type { IndexEntry } from '../output-record.ts'
import { writeFileAtomic } from '../write-atomic.ts'
import { renderAtom } from './atom.ts'
import type { FeedContext } from './feed-context.ts'
import { type FeedFile, renderOpds } from './opds.ts'
import { renderSitemap } from './sitemap.ts'

/** Every file name the feeds may own in dist/: those not written this time are removed. */
const feedFileName = /^(opds(-[A-Za-z0-9-]+)?|feed|sitemap)\.xml$/

/** Files that must exist for the feeds to count as written (the rest follow from them). */
export function feedSentinels(siteUrl: string | undefined): string[] {
  return ['opds.xml', 'feed.xml', ...(siteUrl ? ['sitemap.xml'] : [])]
}

/** Every feed file for `entries`: the OPDS catalog, the Atom feed, and the sitemap when the site URL is known. */
export function renderFeeds(entries: readonly IndexEntry[], context: FeedContext): FeedFile[] {
  return [...renderOpds(entries, context), renderAtom(entries, context), ...(context.siteUrl ? [renderSitemap(entries, context.siteUrl)] : [])]
}

/**
 * Write the feeds into `out`: a file is rewritten only when its bytes
 * change (each atomically), and feed files no longer made (a page fewer, a
 * language gone, the sitemap without a site URL) are removed.
 */
export async function writeFeeds(out: string, entries: readonly IndexEntry[], context: FeedContext): Promise<void> {
  const files = renderFeeds(entries, context)
  const made = new Set(files.map((file) => file.path))
  for (const file of files) {
    const target = path.join(out, file.path)
    const previous = await readFile(target, 'utf8').catch(() => undefined)
    if (previous !== file.data) await writeFileAtomic(target, file.data)
  }
  for (const name of await readdir(out).catch(() => [])) {
    if (feedFileName.test(name) && !made.has(name)) await rm(path.join(out, name), { force: true })
  }
}
