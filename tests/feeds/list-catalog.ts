import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type CatalogItem, OPDSFacetLink, readCatalog } from '../helpers/opds-client.ts'

/**
 * The OPDS catalog of a dist/ folder listed as an e-reader app lists it:
 * read with NYPL's opds-feed-parser from `opds.xml`, page after page by the
 * `next` links, each entry with its title, authors, language, date, a
 * shortened summary and the formats to download with their sizes; the
 * facets the app offers to narrow the list come first.
 *
 *     npx tsx tests/feeds/list-catalog.ts dist
 *
 * tests/e2e/feeds-client.test.ts runs it on the article and the corpus.
 */
export async function listCatalog(dist: string): Promise<string> {
  const { pages, items } = await readCatalog(path.join(dist, 'opds.xml'))
  const first = pages[0]?.feed
  const lines = [`${first?.title ?? '(untitled catalog)'}: ${items.length} ${plural(items.length, 'entry', 'entries')} on ${pages.length} ${plural(pages.length, 'page', 'pages')}`]
  const facets = (first?.links ?? []).filter((link): link is InstanceType<typeof OPDSFacetLink> => link instanceof OPDSFacetLink)
  for (const group of new Set(facets.map((facet) => facet.facetGroup)))
    lines.push(
      `  ${group}: ${facets
        .filter((facet) => facet.facetGroup === group)
        .map((facet) => `${facet.title} (${facet.count})`)
        .join(' · ')}`,
    )
  for (const [index, item] of items.entries()) lines.push('', ...describe(item, index + 1))
  return `${lines.join('\n')}\n`
}

function describe(item: CatalogItem, number: number): string[] {
  const byline = [
    item.authors.length > 0 ? `by ${item.authors.join(', ')}` : 'no author',
    languageOf(item.language),
    item.issued ?? `undated (updated ${item.updated.slice(0, 10)})`,
  ]
  const formats = item.acquisitions.map((link) => `${formatName(link.type)} ${link.length === undefined ? 'size unknown' : size(link.length)}`)
  return [
    `${String(number).padStart(2)}. ${item.title}`,
    `    ${byline.join(' · ')}`,
    ...(item.summary ? [`    ${shorten(item.summary, 110)}`] : []),
    `    ${formats.length > 0 ? formats.join(' · ') : 'nothing to download'}`,
  ]
}

function languageOf(tag: string | undefined): string {
  if (!tag) return 'language unknown'
  try {
    return `${new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag} (${tag})`
  } catch {
    return tag
  }
}

const formatNames: Record<string, string> = { 'application/epub+zip': 'EPUB', 'application/pdf': 'PDF', 'text/html': 'HTML' }
const formatName = (type: string): string => formatNames[type] ?? type

function size(bytes: number): string {
  const exact = `${bytes.toLocaleString('en')} bytes`
  if (bytes < 1024) return exact
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB']
  return `${value.toFixed(1)} ${unit} (${exact})`
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  return `${cut.slice(0, cut.lastIndexOf(' ') > max / 2 ? cut.lastIndexOf(' ') : cut.length).replace(/[\s,.;:]+$/, '')}…`
}

const plural = (count: number, one: string, many: string): string => (count === 1 ? one : many)

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2]
  if (!dist || process.argv.length > 3) {
    process.stderr.write('Usage: npx tsx tests/feeds/list-catalog.ts DIST\n')
    process.exit(2)
  }
  process.stdout.write(await listCatalog(dist))
}
