import { realpathSync } from 'node:fs'
import path from 'node:path'
import { VFile } from 'vfile'
import type { ArticleMeta } from '../common/article.ts'
import type { EditionName } from '../common/config.ts'
import type { GlossaryEntry } from '../common/article.ts'
import { epochOf } from '../common/epoch.ts'
import type { BrowserSession } from '../editions/browser.ts'
import type { EditionInput } from '../editions/edition.ts'
import type { EpubWriter } from '../editions/epub/write-epub.ts'
import { sourceDirOf } from '../source/source-dir.ts'
import type { Brand } from '../source/project-assets.ts'
import { editionKey } from './cache-key.ts'
import type { HashCache } from './hash-cache.ts'
import { editionFiles, freshEditions, type IndexEntry, type OutputRecord, readRecord, recordFile, recordOf } from './output-record.ts'
import type { ParseRequest, Parsed } from './parse-stage.ts'
import { type EditionContext, epubOutlived, preloadPdfWriter, settleFreshness, writeEditions } from './write-editions.ts'
import { replaceFolder } from './write-atomic.ts'
import { isInsideFolder } from '../common/inside-folder.ts'

/** What one source needs from the build around it. */
export interface SourceJob {
  sourcePath: string
  out: string
  editions: readonly EditionName[]
  glossary: GlossaryEntry[]
  /** Content hashes of the glossaries in force, for the cache key. */
  glossaryHashes: string[]
  /** Content hashes of the source and its images. */
  hashes: HashCache
  /** The output folder's `entry.json` as the build found it (`null`: none); read here when undefined. */
  previous?: OutputRecord | null
  fingerprint: string
  force: boolean
  check: boolean
  /** PDF paper size when the front matter names none. */
  paper: ArticleMeta['paper']
  /** The publisher of articles whose front matter names none (`site.publisher`); default none. */
  publisher?: string
  /** CSS the project adds to each edition (see `themeSheets`); default none. Part of that edition's cache key. */
  theme?: Partial<Record<EditionName, string>>
  /** The project's logo, fonts and accent (see `Brand`); default none. Part of every edition's key through the build fingerprint. */
  brand?: Brand
  /** The parse stage (parse, check images, write HTML): in this thread or a worker's. */
  parse: (request: ParseRequest) => Promise<Parsed>
  /** The source's output folder name, unique in the build. */
  slug: string
  /** The build's one browser, for the PDF only. */
  browser: () => Promise<BrowserSession>
  /** Write the EPUB (cover and book): in a worker when the build has a pool; default in this thread. */
  writeEpub?: EpubWriter
  /** Draw an EPUB's cover beside this thread, while the PDF is laid out (see `EditionContext`). */
  drawCover?: EditionContext['drawCover']
  templatesDir: string
}

/** Outcome of one source. */
export interface SourceOutcome {
  file: VFile
  status: 'built' | 'cached' | 'failed' | 'checked'
  entry?: IndexEntry
  /** Milliseconds per stage: `parse`, and each edition built. */
  timings: Record<string, number>
  terms: string[]
}

/**
 * Build one source: skip it, without even parsing, when every edition's
 * cache key matches the previous output; otherwise parse it (writing its
 * HTML), write the other stale editions (the PDF in the browser), carry the fresh
 * ones over, and swap the folder in atomically.
 */
export async function buildSource(job: SourceJob): Promise<SourceOutcome> {
  const slug = job.slug
  const folder = path.join(job.out, slug)
  const sourceDir = sourceDirOf(job.sourcePath)
  const previous = job.check ? undefined : job.previous === undefined ? readRecord(folder) : (job.previous ?? undefined)
  // The previous build's list of images: the same source bytes refer to the same images.
  let keys = await keysOf(job, sourceDir, previous?.inputs ?? [])
  const fresh = new Set(job.force || job.check ? [] : freshEditions(folder, previous, keys))
  if (previous && fresh.size === job.editions.length) {
    return { file: new VFile({ path: job.sourcePath }), status: 'cached', entry: previous, timings: {}, terms: previous.terms ?? [] }
  }
  const parsing = job.parse({
    sourcePath: job.sourcePath,
    glossary: job.glossary,
    paper: job.paper,
    ...(job.publisher !== undefined ? { publisher: job.publisher } : {}),
    ...(job.theme ? { theme: job.theme } : {}),
    ...(job.brand ? { brand: job.brand } : {}),
    slug,
    templatesDir: job.templatesDir,
    check: job.check,
    html: job.editions.includes('html') && !fresh.has('html'),
    editions: job.editions,
  })
  // A stale PDF needs the browser (nothing else does): it is made ready, and the PDF's writer loaded, while
  // the source is parsed. Both come after the parse is handed to a worker, as loading their code holds this
  // thread for 0.2–0.3 s. A launch failure is handled where the PDF awaits it; the catch here only keeps it
  // from being an unhandled rejection when parsing fails first.
  if (!job.check && job.editions.includes('pdf') && !fresh.has('pdf')) {
    job.browser().catch(() => undefined)
    preloadPdfWriter()
  }
  const parsed = await parsing
  const { file, tree, article, timings } = parsed
  const terms = article?.terms.map((term) => term.entry.term) ?? []
  if (!tree || !article) return { file, status: 'failed', timings, terms }
  if (job.check) return { file, status: 'checked', timings, terms }
  const inputs = (article.inputs ?? []).map((input) => path.relative(sourceDir, input).split(path.sep).join('/')).sort()
  keys = await keysOf(job, sourceDir, inputs)
  const stored = previous?.printPages
  const storedPages = stored && keys.pdf !== undefined && stored.key === keys.pdf ? stored : undefined
  settleFreshness(job.editions, fresh, storedPages !== undefined)
  const input: EditionInput = {
    tree,
    article,
    sourcePath: job.sourcePath,
    sourceDir,
    templatesDir: job.templatesDir,
    epoch: epochOf(article.meta.date),
    ...(job.theme ? { theme: job.theme } : {}),
    ...(job.brand ? { brand: job.brand } : {}),
    ...(storedPages ? { printPages: storedPages } : {}),
  }
  const stale = job.editions.filter((edition) => edition !== 'html' && !fresh.has(edition))
  const written = await writeEditions(
    stale,
    input,
    {
      editions: job.editions,
      browser: job.browser,
      treeReadAfter: false,
      ...(job.writeEpub ? { writeEpub: job.writeEpub } : {}),
      ...(job.drawCover ? { drawCover: job.drawCover } : {}),
    },
    file,
  )
  Object.assign(timings, written.timings)
  if (file.messages.some((message) => message.fatal)) return { file, status: 'failed', timings, terms }

  const files = [...(parsed.htmlFiles ?? []), ...written.files]
  const kept = [...fresh].flatMap((edition) => editionFiles(edition, article.slug))
  const carried = (['html', 'pdf', 'epub'] as const).filter((edition) => !job.editions.includes(edition)).flatMap((edition) => editionFiles(edition, article.slug))
  const entryKeys: Partial<Record<EditionName, string>> = { ...previous?.keys, ...keys }
  if (epubOutlived(job.editions, fresh)) delete entryKeys.epub
  const printPages = written.printPages && keys.pdf !== undefined ? { ...written.printPages, key: keys.pdf } : storedPages
  const entry = await recordOf(folder, {
    slug: article.slug,
    source: path.relative(job.out, job.sourcePath).split(path.sep).join('/'),
    meta: article.meta,
    keys: entryKeys,
    inputs,
    terms,
    written: files,
    carried: [...kept, ...carried],
    printPages: job.editions.includes('pdf') ? printPages : stored,
  })
  files.push(recordFile(entry))
  // Assets of a kept HTML edition are carried too: they live under assets/.
  const keep = [...kept, ...carried, ...(fresh.has('html') || !job.editions.includes('html') ? article.assets.map((asset) => asset.href) : [])]
  await replaceFolder(folder, files, keep)
  return { file, status: 'built', entry, timings, terms }
}

/**
 * Each edition's cache key: the build fingerprint, the content of the
 * source, its glossaries and its images (`inputs`, relative to `sourceDir`),
 * and the CSS the project's theme adds to that edition.
 */
async function keysOf(job: SourceJob, sourceDir: string, inputs: readonly string[]): Promise<Record<EditionName, string>> {
  // Only files whose real path (links followed) is in the source folder are read, as
  // the editions do; a link leading out, or a path from a foreign `entry.json`, is not.
  const realDir = realPath(sourceDir) ?? sourceDir
  const hashInside = async (file: string): Promise<string> => {
    const real = realPath(file)
    if (!real) return 'missing'
    if (!isInsideFolder(real, realDir)) return 'outside'
    return (await job.hashes.hashOf(real)) ?? 'missing'
  }
  const source = await hashInside(job.sourcePath)
  const images = await Promise.all(inputs.map(async (input) => `${input}\0${await hashInside(path.resolve(sourceDir, input))}`))
  const parts = [source, ...job.glossaryHashes, ...images]
  // An edition's theme CSS is in its key only: editing `theme.pdf` makes only the PDF stale.
  const themed = (edition: EditionName): string[] => {
    const css = job.theme?.[edition]
    return css === undefined ? parts : [...parts, `theme\0${css}`]
  }
  return Object.fromEntries(job.editions.map((edition) => [edition, editionKey(job.fingerprint, edition, themed(edition))])) as Record<EditionName, string>
}

/** The real path of `file` (links followed), or undefined when it does not exist. */
function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file)
  } catch {
    return undefined
  }
}
