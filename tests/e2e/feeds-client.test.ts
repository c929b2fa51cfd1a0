import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseFeed } from '@rowanmanning/feed-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { listCatalog } from '../feeds/list-catalog.ts'
import { articlePath, corpus, projectRoot } from '../helpers/corpus.ts'
import { AcquisitionFeed, type CatalogItem, crawlCatalog, feedLink, mediaTypeOf, NavigationFeed, OPDSFacetLink, readCatalog, resolveHref } from '../helpers/opds-client.ts'

/**
 * The feeds of the article and the five corpus documents as clients read
 * them (issue 15): `opds.xml` and every feed it links with NYPL's
 * opds-feed-parser (tests/helpers/opds-client.ts), `feed.xml` with
 * @rowanmanning/feed-parser. Each entry says what its source's front matter
 * says (or, for a field it lacks, what the README says the field falls back
 * to), and every link a client would follow (download, cover, thumbnail,
 * page) resolves to a file in dist/ whose bytes are of the media type the
 * link announces, as long as the link's `length`. Built as HTML and EPUB:
 * the catalog then offers no PDF (tests/e2e/feeds.test.ts checks the PDF link
 * of a build with every edition, and the pages of a 120-article catalog).
 */

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

/** What a catalog entry should say about a source. */
interface Meta {
  title: string
  subtitle?: string
  authors: string[]
  lang: string
  date?: string
  description?: string
  publisher?: string
  keywords: string[]
}

/** SOURCE_DATE_EPOCH for the build: undated articles take it, dated ones keep their own date. */
const epoch = 1_700_000_000
const epochIso = '2023-11-14T22:13:20Z'

/** The sources, their slugs, and the fields their front matter lacks with the values the README gives them. */
const documents: Array<{ source: string; slug: string; missing: Partial<Meta> }> = [
  // Every field in its YAML front matter.
  { source: articlePath, slug: 'tokayev-almaty-visit-2022', missing: {} },
  // MultiMarkdown `Title:` and `Author:` lines; the language guessed from the (Latin) script.
  { source: corpus.dagoba as string, slug: 'dagoba', missing: { title: 'Dagoba: an in-memory graph database', authors: ['Dann Toliver'], lang: 'en' } },
  // Its opening `---` block is a thematic break, not front matter: the first `# heading`.
  { source: corpus.sample as string, slug: 'sample', missing: { title: 'h1 Heading 8-)', lang: 'en' } },
  // The first `# heading` (its badges are images, whose text is not the title); Kazakh, guessed.
  { source: corpus.aqyndar as string, slug: 'readme', missing: { title: 'Aqyndar', lang: 'kk' } },
  { source: corpus['art-of-command-line'] as string, slug: 'readme-ru', missing: { title: 'Искусство командной строки', lang: 'ru' } },
  // YAML front matter closed by `...`, without `lang`.
  { source: corpus['commonmark-spec'] as string, slug: 'spec', missing: { lang: 'en' } },
]

/** The YAML front matter of `file`, when it has one (`---` … `---` or `...` around `key: value` lines; other such blocks are thematic breaks). */
async function yamlFrontMatter(file: string): Promise<Record<string, unknown>> {
  const block = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/.exec(await readFile(file, 'utf8'))?.[1]
  if (block === undefined) return {}
  let data: unknown
  try {
    data = parseYaml(block)
  } catch {
    return {}
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
}

async function expectedMeta(document: (typeof documents)[number]): Promise<Meta> {
  const data = await yamlFrontMatter(document.source)
  for (const key of Object.keys(document.missing))
    expect(data, `${document.slug}: \`${key}\` is in the front matter, not missing`).not.toHaveProperty(key === 'authors' ? 'author' : key)
  const text = (key: string): string | undefined => (typeof data[key] === 'string' ? data[key] : undefined)
  const list = (key: string): string[] | undefined => (data[key] === undefined ? undefined : [data[key]].flat().map(String))
  const meta: Meta = {
    title: text('title') ?? document.missing.title ?? '',
    authors: list('author') ?? document.missing.authors ?? [],
    lang: text('lang') ?? document.missing.lang ?? '',
    keywords: list('keywords') ?? [],
  }
  for (const key of ['subtitle', 'date', 'description', 'publisher'] as const) {
    const value = text(key)
    if (value !== undefined) meta[key] = value
  }
  return meta
}

let dir: string
let out: string
const expected = new Map<string, Meta>()

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-feeds-client-'))
  out = path.join(dir, 'dist')
  for (const document of documents) expected.set(document.slug, await expectedMeta(document))
  await run(process.execPath, [bin, 'build', ...documents.map((document) => document.source), '--out', out, '--editions', 'html,epub', '--quiet'], {
    cwd: projectRoot,
    timeout: 300_000,
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
  })
}, 300_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The slug of the article an entry's alternate link (its HTML page) points to. */
function slugOf(item: CatalogItem): string {
  const [page, ...others] = item.alternate
  expect(others, item.title).toEqual([])
  expect(page?.file, item.title).toMatch(/[/\\]index\.html$/)
  return path.basename(path.dirname(page?.file ?? ''))
}

describe('the catalog of the article and the corpus, read by an OPDS client (opds-feed-parser)', () => {
  it('is one acquisition feed listing every article once, newest first', async () => {
    const { pages, items } = await readCatalog(path.join(out, 'opds.xml'))
    expect(pages).toHaveLength(1)
    expect(pages[0]?.feed).toBeInstanceOf(AcquisitionFeed)
    expect(items.map(slugOf).sort()).toEqual(documents.map((document) => document.slug).sort())
    const dates = items.map((item) => item.issued ?? '')
    expect(dates).toEqual([...dates].sort().reverse())
  })

  it('gives each entry the title, authors, language, dates, summary, publisher and keywords of its source', async () => {
    const { items } = await readCatalog(path.join(out, 'opds.xml'))
    for (const item of items) {
      const slug = slugOf(item)
      const meta = expected.get(slug)
      expect(meta, slug).toBeDefined()
      if (!meta) continue
      expect(item.title, slug).toBe(meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title)
      expect(item.authors, slug).toEqual(meta.authors)
      expect(item.language, slug).toBe(meta.lang)
      expect(item.issued, slug).toBe(meta.date)
      expect(item.updated, slug).toBe(meta.date ? `${meta.date}T00:00:00Z` : epochIso)
      expect(item.summary, slug).toBe(meta.description)
      expect(item.publisher, slug).toBe(meta.publisher)
      expect(item.categories, slug).toEqual(meta.keywords)
      expect(item.id, slug).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
  })

  it('links each entry to its EPUB (no PDF was built, none is offered), cover, thumbnail and page: files of the announced type, as long as announced', async () => {
    const { items } = await readCatalog(path.join(out, 'opds.xml'))
    for (const item of items) {
      const slug = slugOf(item)
      const folder = path.join(out, slug)
      expect(
        item.acquisitions.map((link) => [link.type, path.relative(folder, link.file)]),
        slug,
      ).toEqual([['application/epub+zip', `${slug}.epub`]])
      expect(
        (await readdir(folder)).filter((name) => name.endsWith('.pdf')),
        slug,
      ).toEqual([])
      for (const link of [...item.acquisitions, ...item.images, ...item.thumbnails, ...item.alternate]) {
        const where = `${slug}: ${link.rel} ${link.href}`
        expect(existsSync(link.file), where).toBe(true)
        expect(path.relative(folder, link.file), where).not.toMatch(/^\.\.|^[/\\]/)
        expect(await mediaTypeOf(link.file), where).toBe(link.type)
      }
      for (const link of item.acquisitions) expect(link.length, `${slug}: length of ${link.href}`).toBe((await stat(link.file)).size)
      expect(
        item.images.map((link) => link.type),
        slug,
      ).toEqual(['image/png'])
      expect(
        item.thumbnails.map((link) => link.type),
        slug,
      ).toEqual(['image/png'])
      expect(
        item.alternate.map((link) => link.type),
        slug,
      ).toEqual(['text/html'])
    }
  })

  it('links every feed of the catalog (facets, navigation feeds, their subsections), and each lists the articles of its language or year', async () => {
    const feeds = await crawlCatalog(path.join(out, 'opds.xml'))
    const onDisk = (await readdir(out)).filter((name) => /^opds.*\.xml$/.test(name)).sort()
    expect([...feeds.keys()].map((file) => path.relative(out, file)).sort()).toEqual(onDisk)
    const { items } = await readCatalog(path.join(out, 'opds.xml'))
    const slugsWhere = (keep: (item: CatalogItem) => boolean): string[] => items.filter(keep).map(slugOf).sort()
    const listed = async (file: string): Promise<string[]> => (await readCatalog(file)).items.map(slugOf).sort()
    // Facets of the root feed: a label, a count, and a feed of exactly those articles.
    const root = feeds.get(path.join(out, 'opds.xml'))
    const facets = (root?.feed.links ?? []).filter((link): link is InstanceType<typeof OPDSFacetLink> => link instanceof OPDSFacetLink)
    expect(facets.map((facet) => `${facet.facetGroup}: ${facet.title}`)).toEqual(['Language: English', 'Language: Kazakh', 'Language: Russian', 'Year: 2024', 'Year: 2022'])
    for (const facet of facets) {
      const slugs = await listed(resolveHref(facet.href, path.join(out, 'opds.xml')))
      const key = (item: CatalogItem): string | undefined => (facet.facetGroup === 'Language' ? item.language : item.issued?.slice(0, 4))
      const values = new Set(items.filter((item) => slugs.includes(slugOf(item))).map(key))
      expect(values.size, facet.title).toBe(1)
      const [value] = values
      expect(slugs, facet.title).toEqual(slugsWhere((item) => key(item) === value))
      if (facet.facetGroup === 'Year') expect(value).toBe(facet.title)
      expect(facet.count, facet.title).toBe(slugs.length)
    }
    // Every article of a known year is under its year, and every article under its language.
    expect(facets.filter((facet) => facet.facetGroup === 'Language').reduce((sum, facet) => sum + facet.count, 0)).toBe(items.length)
    expect(facets.filter((facet) => facet.facetGroup === 'Year').reduce((sum, facet) => sum + facet.count, 0)).toBe(items.filter((item) => item.issued).length)
    // The two navigation feeds list the same subsets.
    for (const [name, group] of [
      ['opds-languages.xml', 'Language'],
      ['opds-years.xml', 'Year'],
    ] as const) {
      const navigation = feeds.get(path.join(out, name))
      expect(navigation?.feed, name).toBeInstanceOf(NavigationFeed)
      const entries = navigation?.feed.entries ?? []
      expect(entries.map((entry) => entry.title)).toEqual(facets.filter((facet) => facet.facetGroup === group).map((facet) => facet.title))
      for (const entry of entries) {
        const [subsection] = entry.links.filter((link) => link.rel === 'subsection')
        if (!subsection) throw new Error(`Unexpected navigation entry ${entry.title} without a subsection link`)
        const facet = facets.find((candidate) => candidate.facetGroup === group && candidate.title === entry.title)
        expect(resolveHref(subsection.href, path.join(out, name))).toBe(facet && resolveHref(facet.href, path.join(out, 'opds.xml')))
        expect(entry.summary.content).toBe(`${facet?.count} article${facet?.count === 1 ? '' : 's'}`)
      }
      expect(navigation && feedLink(navigation, 'start')).toBe(path.join(out, 'opds.xml'))
    }
    // Every other feed (the root, the facets and their pages) is an acquisition feed to the client.
    for (const [file, parsed] of feeds) if (!/opds-(languages|years)\.xml$/.test(file)) expect(parsed.feed, path.basename(file)).toBeInstanceOf(AcquisitionFeed)
  })

  it('lists the catalog as a reader app does (tests/feeds/list-catalog.ts)', async () => {
    const listing = await listCatalog(out)
    expect(listing).toMatch(/^offprint: 6 entries on 1 page\n/)
    for (const meta of expected.values()) expect(listing).toContain(`. ${meta.title}\n`)
    expect(listing.match(/^ {4}EPUB \d/gm) ?? []).toHaveLength(documents.length)
    expect(listing).not.toContain('PDF')
  })
})

describe('feed.xml of the article and the corpus, read by a feed reader (@rowanmanning/feed-parser)', () => {
  it('is an Atom 1.0 feed of every article, newest first as in the catalog, each with its title, authors, language, dates, summary and page', async () => {
    const file = path.join(out, 'feed.xml')
    const feed = parseFeed(await readFile(file, 'utf8'))
    expect(feed.meta).toEqual({ type: 'atom', version: '1.0' })
    expect(feed.self && resolveHref(feed.self, file)).toBe(file)
    expect(feed.url && (await mediaTypeOf(resolveHref(feed.url, file)))).toBe('text/html')
    const { items: catalog } = await readCatalog(path.join(out, 'opds.xml'))
    const siteAuthors = feed.authors.map((author) => author.name)
    expect(siteAuthors).toEqual([feed.title])
    const slugs: string[] = []
    for (const item of feed.items) {
      const page = resolveHref(item.url ?? '', file)
      expect(await mediaTypeOf(page), item.url ?? '').toBe('text/html')
      const slug = path.relative(out, path.dirname(page))
      slugs.push(slug)
      const meta = expected.get(slug)
      expect(meta, slug).toBeDefined()
      if (!meta) continue
      expect(item.title, slug).toBe(meta.title)
      // An entry without an author has the feed's (RFC 4287, 4.2.1): the site.
      expect(
        item.authors.map((author) => author.name),
        slug,
      ).toEqual(meta.authors.length > 0 ? meta.authors : siteAuthors)
      // The library keeps no per-item language: xml:lang from its element.
      expect(item.element.getAttribute('xml:lang'), slug).toBe(meta.lang)
      expect(item.published?.toISOString() ?? null, slug).toBe(meta.date ? `${meta.date}T00:00:00.000Z` : null)
      expect(item.updated?.toISOString(), slug).toBe(meta.date ? `${meta.date}T00:00:00.000Z` : epochIso.replace('Z', '.000Z'))
      expect(item.description, slug).toBe(meta.description ?? null)
      expect(item.id, slug).toBe(catalog.find((entry) => slugOf(entry) === slug)?.id)
    }
    expect(slugs).toEqual(catalog.map(slugOf))
  })
})
