import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'hast'
import { VFile } from 'vfile'
import { editionKey } from './cache-key.ts'
import type { HashCache } from './hash-cache.ts'
import type { EditionName } from '../common/config.ts'
import type { EditionFile, EditionInput, PrintPages } from '../editions/edition.ts'
import type { IndexEntry } from './site-index.ts'
import type { GlossaryEntry } from '../common/config.ts'
import type { ArticleMeta } from '../common/article.ts'
import { messageSource } from '../common/rules.ts'
import { sourceDirOf } from '../source/read-source.ts'
import { epochOf } from '../common/epoch.ts'
import type { Prepared, PrepareRequest } from './prepare-source.ts'
import { replaceFolder } from './write-atomic.ts'

/** A browser session as `editions/browser.ts` makes it. */
export type Session = Awaited<ReturnType<typeof import('../editions/browser.ts').launchBrowser>>

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
  previous?: IndexEntry | null
  fingerprint: string
  force: boolean
  check: boolean
  /** PDF paper size when the front matter names none. */
  paper: ArticleMeta['paper']
  /** Parse, check images and write HTML: in this thread or a worker's. */
  prepare: (request: PrepareRequest) => Promise<Prepared>
  /** The source's output folder name, unique in the build. */
  slug: string
  browser: () => Promise<Session>
  /** Package the EPUB around its cover: in a worker when the build has a pool; default in this thread. */
  packageEpub?: import('../editions/epub/write-epub.ts').EpubPackager
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
 * cache key matches the previous output; otherwise process it, write the stale editions, carry the
 * fresh ones over, and swap the folder in atomically.
 */
export async function buildSource(job: SourceJob): Promise<SourceOutcome> {
  const slug = job.slug
  const folder = path.join(job.out, slug)
  const sourceDir = sourceDirOf(job.sourcePath)
  const previous = job.check ? undefined : job.previous === undefined ? await readEntry(folder) : job.previous ?? undefined
  // The previous build's list of images: the same source bytes refer to the same images.
  let keys = await keysOf(job, sourceDir, previous?.inputs ?? [])
  const fresh = new Set(job.force || job.check ? [] : await freshEditions(folder, previous, keys))
  if (previous && fresh.size === job.editions.length) {
    return { file: new VFile({ path: job.sourcePath }), status: 'cached', entry: previous, timings: {}, terms: previous.terms ?? [] }
  }
  // A stale PDF or EPUB needs the browser: start it while the source is parsed. A launch
  // failure is handled where the edition awaits it; the catch here only keeps it from
  // being an unhandled rejection when parsing fails first.
  if (!job.check && job.editions.some((edition) => edition !== 'html' && !fresh.has(edition))) job.browser().catch(() => undefined)

  const prepared = await job.prepare({
    sourcePath: job.sourcePath,
    glossary: job.glossary,
    paper: job.paper,
    slug,
    templatesDir: job.templatesDir,
    check: job.check,
    html: job.editions.includes('html') && !fresh.has('html'),
    editions: job.editions,
  })
  const { file, tree, article, timings } = prepared
  const terms = article?.terms.map((term) => term.entry.term) ?? []
  if (!tree || !article) return { file, status: 'failed', timings, terms }
  if (job.check) return { file, status: 'checked', timings, terms }
  const inputs = (article.inputs ?? []).map((input) => path.relative(sourceDir, input).split(path.sep).join('/')).sort()
  keys = await keysOf(job, sourceDir, inputs)
  const input: EditionInput = { tree, article, sourcePath: job.sourcePath, sourceDir, templatesDir: job.templatesDir, epoch: epochOf(article.meta.date) }
  if (prepared.htmlError) fail(file, 'html', prepared.htmlError)
  const files: EditionFile[] = []
  files.push(...(prepared.htmlFiles ?? []))
  // The EPUB's page-list follows the PDF of the same run: its pages as just laid out, or as stored with a fresh PDF.
  const both = job.editions.includes('pdf') && job.editions.includes('epub')
  const stored = (previous as StoredEntry | undefined)?.printPages
  let printPages = stored && keys.pdf !== undefined && stored.key === keys.pdf ? stored : undefined
  if (both && !fresh.has('pdf')) fresh.delete('epub')
  if (both && !fresh.has('epub') && !printPages) fresh.delete('pdf')
  // The EPUB's cover needs only the metadata: it renders on a second page while the PDF is laid out.
  const cover = job.editions.includes('epub') && !fresh.has('epub') ? startCover(article.meta, job) : undefined
  for (const edition of [...job.editions].sort((a, b) => Number(a === 'epub') - Number(b === 'epub'))) {
    if (fresh.has(edition) || edition === 'html') continue
    const started = performance.now()
    try {
      const made = await writeEdition(edition, { ...input, tree: structuredClone(tree) as Root, ...(printPages ? { printPages } : {}) }, file, job, cover)
      files.push(...made.files)
      if (made.printPages && keys.pdf !== undefined) printPages = { ...made.printPages, key: keys.pdf }
    } catch (error) {
      fail(file, edition, error)
    }
    timings[edition] = performance.now() - started
  }
  if (file.messages.some((message) => message.fatal)) return { file, status: 'failed', timings, terms }

  const kept = [...fresh].flatMap((edition) => editionFiles(edition, article.slug))
  const carried = (['html', 'pdf', 'epub'] as const).filter((edition) => !job.editions.includes(edition)).flatMap((edition) => editionFiles(edition, article.slug))
  const sizes: Record<string, number> = {}
  for (const name of [...kept, ...carried]) {
    const size = await stat(path.join(folder, name)).then((info) => info.size, () => undefined)
    if (size !== undefined) sizes[name] = size
  }
  for (const output of files) if (!output.path.includes('/')) sizes[output.path] = byteLength(output.data)
  const entryKeys: Partial<Record<EditionName, string>> = { ...previous?.keys, ...keys }
  // A carried EPUB's page-list follows the PDF it was built with: a new PDF makes it stale.
  if (job.editions.includes('pdf') && !fresh.has('pdf') && !job.editions.includes('epub')) delete entryKeys.epub
  const pagesOfPdf = job.editions.includes('pdf') ? printPages : stored
  const entry: StoredEntry = {
    slug: article.slug,
    source: path.relative(job.out, job.sourcePath).split(path.sep).join('/'),
    meta: article.meta,
    files: Object.fromEntries(Object.entries(sizes).filter(([name]) => name !== 'cover.png').sort()),
    keys: entryKeys,
    ...(inputs.length > 0 ? { inputs } : {}),
    terms,
    ...(sizes['cover.png'] !== undefined ? { cover: 'cover.png' } : {}),
    ...(pagesOfPdf ? { printPages: pagesOfPdf } : {}),
  }
  files.push({ path: 'entry.json', data: JSON.stringify(entry, null, 2) + '\n' })
  // Assets of a kept HTML edition are carried too: they live under assets/.
  const keep = [...kept, ...carried, ...(fresh.has('html') || !job.editions.includes('html') ? article.assets.map((asset) => asset.href) : [])]
  await replaceFolder(folder, files, keep)
  return { file, status: 'built', entry, timings, terms }
}

/**
 * Each edition's cache key: the build fingerprint, and the content of the
 * source, its glossaries and its images (`inputs`, relative to `sourceDir`).
 */
async function keysOf(job: SourceJob, sourceDir: string, inputs: readonly string[]): Promise<Record<EditionName, string>> {
  // Only files whose real path (links followed) is in the source folder are read, as
  // the editions do; a link leading out, or a path from a foreign `entry.json`, is not.
  const realDir = realPath(sourceDir) ?? sourceDir
  const hashInside = async (file: string): Promise<string> => {
    const real = realPath(file)
    if (!real) return 'missing'
    if (!real.startsWith(realDir + path.sep)) return 'outside'
    return (await job.hashes.hashOf(real)) ?? 'missing'
  }
  const source = await hashInside(job.sourcePath)
  const images = await Promise.all(inputs.map(async (input) => `${input}\0${await hashInside(path.resolve(sourceDir, input))}`))
  const parts = [source, ...job.glossaryHashes, ...images]
  return Object.fromEntries(job.editions.map((edition) => [edition, editionKey(job.fingerprint, edition, parts)])) as Record<EditionName, string>
}

/** The real path of `file` (links followed), or undefined when it does not exist. */
function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file)
  } catch {
    return undefined
  }
}

/** An edition writer's failure becomes an error on the source. */
function fail(file: VFile, edition: EditionName, error: unknown): void {
  const message = file.message(`Unexpected failure of the ${edition.toUpperCase()} edition: ${(error as Error).message}`, {
    place: { line: 1, column: 1 },
    ruleId: 'edition-failed',
    source: messageSource,
  })
  // Not the error itself as `cause`: the reporter would print its stack.
  message.fatal = true
}

/** `entry.json` as written here: the index entry, and where the pages of the PDF begin (for an EPUB built later). */
type StoredEntry = IndexEntry & { printPages?: PrintPages & { key: string } }

/** The EPUB's cover, rendering; its failure is the EPUB edition's, reported where it is awaited. */
function startCover(meta: ArticleMeta, job: SourceJob): Promise<Uint8Array> {
  const cover = Promise.all([import('../editions/epub/cover.ts'), job.browser()]).then(([{ renderCover }, session]) => renderCover(meta, job.templatesDir, session))
  cover.catch(() => undefined)
  return cover
}

/** Write one edition; the PDF also says where its pages begin. */
async function writeEdition(edition: 'pdf' | 'epub', input: EditionInput, file: VFile, job: SourceJob, cover?: Promise<Uint8Array>): Promise<{ files: EditionFile[]; printPages?: PrintPages }> {
  if (edition === 'pdf') {
    const { writePdf } = await import('../editions/pdf/write-pdf.ts')
    const pdf = await writePdf(input, await job.browser())
    return { files: collect(pdf, file), printPages: { file: `${input.article.slug}.pdf`, starts: pdf.pageStarts } }
  }
  const { writeEpub } = await import('../editions/epub/write-epub.ts')
  return { files: collect(await writeEpub(input, await job.browser(), job.packageEpub, cover), file) }
}

/** The files an edition owns in its folder. */
function editionFiles(edition: EditionName, slug: string): string[] {
  return edition === 'html' ? ['index.html'] : edition === 'pdf' ? [`${slug}.pdf`] : [`${slug}.epub`, 'cover.png']
}

/** Editions whose previous output exists and was made from the same key. */
async function freshEditions(folder: string, previous: IndexEntry | undefined, keys: Record<string, string>): Promise<EditionName[]> {
  if (!previous?.keys) return []
  const fresh: EditionName[] = []
  for (const [edition, key] of Object.entries(keys) as Array<[EditionName, string]>) {
    if (previous.keys[edition] !== key) continue
    if (editionFiles(edition, previous.slug).every((name) => name === 'cover.png' || existsSync(path.join(folder, name)))) fresh.push(edition)
  }
  return fresh
}

export async function readEntry(folder: string): Promise<IndexEntry | undefined> {
  // Synchronous, like the other checks of a no-op build: one small file, read faster than a promise settles.
  let text: string
  try {
    text = readFileSync(path.join(folder, 'entry.json'), 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as IndexEntry
  } catch {
    return undefined
  }
}

/** Writers return their files, or files with warnings to put on the source. */
function collect(result: EditionFile[] | { files: EditionFile[]; warnings?: Array<{ reason: string; ruleId: string }> }, file: VFile): EditionFile[] {
  if (Array.isArray(result)) return result
  for (const warning of result.warnings ?? []) file.message(warning.reason, { place: { line: 1, column: 1 }, ruleId: warning.ruleId, source: messageSource })
  return result.files
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
}
