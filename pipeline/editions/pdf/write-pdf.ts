import type { ArticleMeta } from '../../common/article.ts'
import type { BrowserSession } from '../browser.ts'
import type { EditionResult, EditionInput, EditionWarning } from '../edition.ts'
import { buildPrintDocument, inPagedTemplate } from './print-document.ts'
import { addPdfMetadata } from './tagging/metadata.ts'
import { keyBlocks } from '../block-keys.ts'
import type { PageStart } from '../edition.ts'
import { defaultRenderLimits, renderPdf, type RenderLimits } from './render.ts'
import { brandDirs, fontSheets, packageDirs } from './print-assets.ts'
import { serializeHtml } from '../serialize-html.ts'
import { splitStylesheet } from '../stylesheet.ts'

/** Options of `writePdf`; every field has a default. */
export interface PdfOptions extends Partial<RenderLimits> {
  /** Paper size; default the article's `meta.paper` (A4 unless the front matter says Letter). */
  paper?: ArticleMeta['paper']
  /** Soft hyphens from TeX patterns for the article's language; default true. */
  hyphenate?: boolean
  /**
   * Told where each page begins as soon as the pages are printed, before the
   * PDF is given its tags and metadata, so that the EPUB's page-list can be
   * made meanwhile; default none.
   */
  onLaidOut?: (starts: PageStart[]) => void
}

/** What the PDF edition made. */
export interface PdfEdition extends EditionResult {
  /** `<slug>.pdf`; warnings: remote images replaced by placeholders, requests that were blocked. */
  pages: number
  /** Distinct pages on which each glossary entry (`gloss-…`) is used, as printed in the glossary. */
  termPages: Record<string, number[]>
  /** Where each page begins, in page order: the EPUB's page-break markers go there. */
  pageStarts: PageStart[]
}

const producer = 'offprint (Chromium, Paged.js, pdf-lib)'

/**
 * The PDF edition: a print document built from a clone of the canonical
 * tree, laid out into pages by Paged.js in the build's one browser, printed
 * as a tagged PDF with an outline, then given its metadata.
 */
export async function writePdf(input: EditionInput, session: BrowserSession, options: PdfOptions = {}): Promise<PdfEdition> {
  const { article } = input
  const limits: RenderLimits = { ...defaultRenderLimits, ...definedOnly(options) }
  const dirs = packageDirs()
  try {
    const { shared: sharedCss, own: printCss } = await splitStylesheet(input.templatesDir, 'print.css', input.theme?.pdf)
    // Keyed so that each page's start can be named in the EPUB (see `block-keys.ts`).
    const document = buildPrintDocument(
      { ...input, tree: keyBlocks(input.tree) },
      {
        paper: options.paper ?? article.meta.paper,
        printCss,
        sharedCss,
        hyphenate: options.hyphenate ?? true,
      },
    )
    const fonts = await fontSheets(dirs.fonts, input.brand)
    const shared = [input.templatesDir, ...dirs.fonts, ...brandDirs(input.brand)]
    // Documents of one build share print pages whatever their source folders (see `PageAccess.shareKey`): they are one
    // publisher's, and a page per folder would evaluate Paged.js again for every article in a folder of its own.
    const rendered = await renderPdf(session, serializeHtml(inPagedTemplate(document.tree)), fonts, [input.sourceDir, ...shared], shared.join('\0'), limits)
    options.onLaidOut?.(rendered.pageStarts)
    // Whatever waits for the pages (the EPUB, sent to a worker) starts before the metadata, which holds this
    // thread for 30–150 ms: the two then run side by side instead of one after the other.
    if (options.onLaidOut) await new Promise((resolve) => setImmediate(resolve))
    const data = addPdfMetadata(rendered.pdf, {
      title: article.meta.title,
      authors: article.meta.authors,
      ...(article.meta.description ? { subject: article.meta.description } : {}),
      keywords: article.meta.keywords,
      lang: article.meta.lang,
      creator: 'offprint',
      producer,
      date: new Date(input.epoch * 1000),
    })
    const warnings = [
      ...document.warnings,
      ...[...new Set(rendered.blocked)].map(
        (url): EditionWarning => ({
          reason: `Unexpected request for \`${url.length > 200 ? `${url.slice(0, 200)}…` : url}\`, expected only files in the source folder (blocked)`,
          ruleId: 'link-outside',
        }),
      ),
    ]
    return { files: [{ path: `${article.slug}.pdf`, data }], warnings, pages: rendered.pages, termPages: rendered.termPages, pageStarts: rendered.pageStarts }
  } catch (error) {
    throw new Error(`Unexpected failure to make the PDF of \`${article.slug}\`: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
}

function definedOnly(options: PdfOptions): Partial<RenderLimits> {
  const limits: Partial<RenderLimits> = {}
  if (options.navigationTimeoutMs !== undefined) limits.navigationTimeoutMs = options.navigationTimeoutMs
  if (options.layoutTimeoutMs !== undefined) limits.layoutTimeoutMs = options.layoutTimeoutMs
  if (options.printTimeoutMs !== undefined) limits.printTimeoutMs = options.printTimeoutMs
  return limits
}
