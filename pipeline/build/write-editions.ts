import type { Root } from 'hast'
import type { VFile } from 'vfile'
import type { EditionName } from '../common/config.ts'
import { messageSource } from '../common/rules.ts'
import type { BrowserSession } from '../editions/browser.ts'
import type { EditionFile, EditionInput, EditionResult, PrintPages } from '../editions/edition.ts'
import type { CoverInput, EpubWriter } from '../editions/epub/write-epub.ts'

/**
 * The order editions are written in. The HTML needs no browser, so it is
 * written with the parse, in a worker; the EPUB needs none either (its cover
 * is drawn by resvg) but comes after the PDF because its page-list follows
 * the PDF's pages (see `settleFreshness`). Only the PDF needs the browser.
 */
const editionOrder: readonly EditionName[] = ['html', 'pdf', 'epub']

/** What the writers need from the build around them; all optional, as where they run allows. */
export interface EditionContext {
  /** Every edition of the build, for the HTML page's links to the others. */
  editions: readonly EditionName[]
  /** The build's one browser, for the PDF only; absent in a worker. */
  browser?: () => Promise<BrowserSession>
  /** Writes the EPUB (cover and book): in a worker when the build has a pool; default `writeEpub` in this thread. */
  writeEpub?: EpubWriter
  /**
   * Draws an EPUB's cover where that runs beside this thread (a worker), so
   * that it is drawn while the PDF is laid out; `undefined` where it would
   * only block this thread. Default none: the EPUB writer draws it.
   */
  drawCover?: (input: CoverInput) => Promise<Uint8Array> | undefined
  /**
   * Whether the caller reads `input.tree` after: if not, the last edition
   * written gets the tree itself instead of a copy (a structured clone of the
   * article's tree is about 1 ms). Default true.
   */
  treeReadAfter?: boolean
}

/** What `writeEditions` made. */
export interface WrittenEditions {
  files: EditionFile[]
  /** Where the pages of the PDF written this time begin. */
  printPages?: PrintPages
  /** Milliseconds per edition written. */
  timings: Partial<Record<EditionName, number>>
}

/**
 * Write `names` editions of one source, each from its own copy of the
 * canonical tree (the one clone per edition: writers may change the tree
 * they get), but the last when the caller reads the tree no more
 * (`treeReadAfter`). A writer's warnings and its failure become messages on `file`
 * (a failure is fatal); the other editions go on. The same function runs in a
 * worker (the HTML) and in the main thread (the PDF and EPUB). The EPUB,
 * which follows the PDF's pages, starts as soon as they are laid out: it is
 * made (in a worker, when the build has them) while the PDF is given its
 * tags and metadata.
 */
export async function writeEditions(names: readonly EditionName[], input: EditionInput, context: EditionContext, file: VFile): Promise<WrittenEditions> {
  const written: WrittenEditions = { files: [], timings: {} }
  // The EPUB waits for the PDF's pages (its page-list), but its cover needs only the metadata.
  const cover = names.includes('pdf') && names.includes('epub') ? context.drawCover?.(input) : undefined
  cover?.catch(() => undefined)
  const results = new Map<EditionName, Promise<WrittenOne>>()
  const run = (edition: EditionName, work: () => Promise<WrittenOne>): Promise<WrittenOne> => {
    const started = performance.now()
    const result = work().finally(() => {
      written.timings[edition] = performance.now() - started
    })
    result.catch(() => undefined)
    results.set(edition, result)
    return result
  }
  // Where the PDF written now begins each page, as soon as it is laid out; none when it fails first.
  let laidOut: (pages: PrintPages | undefined) => void = () => undefined
  const pagesOfPdf = new Promise<PrintPages | undefined>((resolve) => {
    laidOut = resolve
  })
  // Each writer may change the tree it gets; the last one gets the tree itself when nothing reads it after.
  const last = editionOrder.findLast((edition) => names.includes(edition))
  const treeFor = (edition: EditionName): Root => (edition === last && context.treeReadAfter === false ? input.tree : (structuredClone(input.tree) as Root))
  for (const edition of editionOrder) {
    if (!names.includes(edition) || edition === 'epub') continue
    const own: EditionInput = { ...input, tree: treeFor(edition) }
    const result = run(edition, () => writeOne(edition, own, context, { onPrintPages: laidOut }))
    // A PDF that succeeds has told its pages (`onLaidOut`); one that fails may never have.
    if (edition === 'pdf') result.catch(() => laidOut(undefined))
  }
  if (names.includes('epub')) {
    const pages = (names.includes('pdf') ? await pagesOfPdf : undefined) ?? input.printPages
    const own: EditionInput = { ...input, tree: treeFor('epub'), ...(pages ? { printPages: pages } : {}) }
    run('epub', () => writeOne('epub', own, context, { cover }))
  }
  for (const edition of editionOrder) {
    const result = results.get(edition)
    if (!result) continue
    try {
      const done = await result
      for (const warning of done.warnings) file.message(warning.reason, { place: { line: 1, column: 1 }, ruleId: warning.ruleId, source: messageSource })
      written.files.push(...done.files)
      if (done.printPages) written.printPages = done.printPages
    } catch (error) {
      // Not the error itself as `cause`: the reporter would print its stack.
      const message = file.message(`Unexpected failure of the ${edition.toUpperCase()} edition: ${error instanceof Error ? error.message : String(error)}`, {
        place: { line: 1, column: 1 },
        ruleId: 'edition-failed',
        source: messageSource,
      })
      message.fatal = true
    }
  }
  return written
}

/** One edition written: its files and warnings, and for the PDF where its pages begin. */
type WrittenOne = EditionResult & { printPages?: PrintPages }

/** What one writer gets besides its input: the EPUB's cover drawn ahead; where the PDF tells its pages once laid out. */
interface WriteOptions {
  cover?: Promise<Uint8Array> | undefined
  onPrintPages?: (pages: PrintPages) => void
}

/** Load the PDF's writer ahead of its first use (a failure to load is reported where it is used). */
export function preloadPdfWriter(): void {
  if (process.env.OFFPRINT_BUNDLE !== 'worker') import('../editions/pdf/write-pdf.ts').catch(() => undefined)
}

/**
 * One edition's writer, loaded when first needed (a build without a PDF never
 * loads the browser's code). The compiled CLI writes the HTML and the EPUB in
 * its workers and the PDF in its main thread, always: each of its two bundles
 * leaves out the writers it never runs, which it would read at every start
 * (`process.env.OFFPRINT_BUNDLE`, a constant there: see scripts/bundle.mjs).
 */
async function writeOne(edition: EditionName, input: EditionInput, context: EditionContext, options: WriteOptions): Promise<WrittenOne> {
  if (edition === 'epub' && context.writeEpub) return context.writeEpub(input, options.cover ? await options.cover : undefined)
  if (edition === 'pdf' && process.env.OFFPRINT_BUNDLE !== 'worker') {
    if (!context.browser) throw new Error('Unexpected PDF edition without a browser, expected the main thread to write it')
    const { writePdf } = await import('../editions/pdf/write-pdf.ts')
    const file = `${input.article.slug}.pdf`
    const pdf = await writePdf(input, await context.browser(), { onLaidOut: (starts) => options.onPrintPages?.({ file, starts }) })
    return { files: pdf.files, warnings: pdf.warnings, printPages: { file, starts: pdf.pageStarts } }
  }
  if (edition === 'html' && process.env.OFFPRINT_BUNDLE !== 'cli') {
    const { writeHtml } = await import('../editions/html/write-html.ts')
    return { files: await writeHtml(input, { editions: context.editions }), warnings: [] }
  }
  if (edition === 'epub' && process.env.OFFPRINT_BUNDLE !== 'cli')
    return (await import('../editions/epub/write-epub.ts')).writeEpub(input, options.cover ? await options.cover : undefined)
  throw new Error(`Unexpected ${edition.toUpperCase()} edition in the compiled ${process.env.OFFPRINT_BUNDLE ?? ''} bundle, expected it written elsewhere`)
}

/**
 * The one dependency between editions, declared here: the EPUB's page-list
 * follows the pages of the PDF built with it. When the build writes both, a
 * new PDF makes the EPUB stale, and an EPUB to rebuild without the stored
 * page starts of its fresh PDF makes that PDF stale too. Changes `fresh`.
 */
export function settleFreshness(editions: readonly EditionName[], fresh: Set<EditionName>, havePrintPages: boolean): void {
  if (!editions.includes('pdf') || !editions.includes('epub')) return
  if (!fresh.has('pdf')) fresh.delete('epub')
  if (!fresh.has('epub') && !havePrintPages) fresh.delete('pdf')
}

/** A carried EPUB (not in this build) follows the PDF it was built with: a new PDF makes its key stale. */
export function epubOutlived(editions: readonly EditionName[], fresh: ReadonlySet<EditionName>): boolean {
  return editions.includes('pdf') && !fresh.has('pdf') && !editions.includes('epub')
}
