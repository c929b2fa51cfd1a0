import { v5 as uuidV5 } from 'uuid'
import type { ArticleMeta } from '../../common/article.ts'
import type { ImageFacts } from './content.ts'

/** Namespace of offprint's name-based book identifiers (a fixed, random UUID). */
const identifierNamespace = '6f1d3c9e-5a0b-4e37-9c1e-0f6b2d8a4c71'

/** Accessibility metadata, each value true of the file it describes. */
export interface AccessibilityMetadata {
  accessModes: string[]
  /** Each entry a comma-separated set of modes sufficient to read the book. */
  accessModesSufficient: string[]
  features: string[]
  hazards: string[]
  summary: string
  /** Only when the facts support the claim. */
  conformsTo?: string
}

/** Everything the package document says about the book. */
export interface PackageMetadata {
  /** `urn:uuid:…`, the same for every build of the same article. */
  identifier: string
  title: string
  creators: string[]
  publisher?: string
  lang: string
  /** Publication date, `YYYY-MM-DD`. */
  date?: string
  description?: string
  subjects: string[]
  rights?: string
  /**
   * `dc:source` refined as the `source-of` pagination: the print edition the
   * page numbers come from, when there is a page-list. (EPUB Accessibility
   * 1.1's `a11y:pageBreakSource` is newer than EPUBCheck 4.2, which rejects it.)
   */
  source?: string
  /** `dcterms:modified`: `YYYY-MM-DDThh:mm:ssZ` from the build epoch. */
  modified: string
  accessibility: AccessibilityMetadata
}

/** A stable UUID v5 from the article's slug and title. */
export function bookIdentifier(slug: string, title: string): string {
  return `urn:uuid:${uuidV5(`${slug}\n${title}`, identifierNamespace)}`
}

/** `dcterms:modified` as EPUB wants it: UTC, whole seconds, `Z`. */
export function modifiedDate(epoch: number): string {
  return new Date(Math.max(0, Math.floor(epoch)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** What the book contains besides its text, for the accessibility claims. */
export interface ContentFacts {
  images: ImageFacts
  /** Whether the book has footnotes. */
  notes: boolean
  /** Whether the text holds MathML. */
  math?: boolean
  /** The PDF file whose page numbers the page-list and page-break markers give; undefined: no page-list. */
  printEdition?: string
}

/** The package metadata of an article's book. */
export function packageMetadata(slug: string, meta: ArticleMeta, epoch: number, facts: ContentFacts): PackageMetadata {
  const source = facts.printEdition === undefined ? undefined : `${meta.title}, PDF edition (${facts.printEdition})`
  return {
    identifier: bookIdentifier(slug, meta.title),
    title: meta.title,
    creators: meta.authors,
    ...(meta.publisher ? { publisher: meta.publisher } : {}),
    lang: meta.lang,
    ...(meta.date ? { date: meta.date } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    subjects: meta.keywords,
    ...(meta.license ? { rights: meta.license } : {}),
    ...(source ? { source } : {}),
    modified: modifiedDate(epoch),
    accessibility: accessibility(facts, source),
  }
}

/**
 * What the book offers, from what it contains: text with a heading outline,
 * a nav document, the reading order of the source, CSS that leaves fonts and
 * sizes to the reader, DPUB-ARIA roles; images count as visual content, and
 * as described only when each has an `alt` attribute (empty for decoration);
 * page-break markers and a page-list when a print edition (`source`) gave them.
 */
function accessibility(facts: ContentFacts, source: string | undefined): AccessibilityMetadata {
  const { images } = facts
  const described = images.withoutAlt === 0
  const visual = images.count > 0
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'displayTransformability', 'ARIA']
  if (visual && described) features.push('alternativeText')
  if (source) features.push('pageBreakMarkers', 'pageNavigation')
  if (facts.math) features.push('MathML')
  const summary = [
    'Text with a navigable table of contents and headings in document order;',
    ...(facts.notes ? ['footnotes are linked both ways and open as pop-ups on readers that support it;'] : []),
    'the styles leave typeface, size and colours to the reader.',
    ...(facts.math ? ['Mathematics is MathML, with its TeX source as alternative text.'] : []),
    ...(facts.printEdition ? [`Page numbers and page breaks are those of the PDF edition (${facts.printEdition}), listed in a page-list.`] : []),
    !visual ? 'There are no images.' : described ? 'Every image has a text alternative.' : `${images.withoutAlt} of ${images.count} images lack a text alternative.`,
    'No hazards.',
  ].join(' ')
  return {
    accessModes: visual ? ['textual', 'visual'] : ['textual'],
    accessModesSufficient: visual && !described ? ['textual,visual'] : visual ? ['textual', 'textual,visual'] : ['textual'],
    features,
    hazards: ['none'],
    summary,
    ...(described ? { conformsTo: 'EPUB Accessibility 1.1 - WCAG 2.1 Level AA' } : {}),
  }
}
