import { createHash } from 'node:crypto'
import { access, open, rm } from 'node:fs/promises'
import path from 'node:path'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { buildSource, type SourceOutcome } from './build-source.ts'
import { buildFingerprint, codeFingerprint } from './cache-key.ts'
import type { BuildOptions, EditionName } from '../common/config.ts'
import { copyBrand } from './copy-brand.ts'
import { type IndexEntry, readOutput } from './output-record.ts'
import type { BrowserSession } from '../editions/browser.ts'
import type { StartedChromium } from '../editions/chromium-process.ts'
import type { LoadedGlossary } from '../glossary/load.ts'
import { builtInTemplatesDir } from '../common/project-root.ts'
import { messageSource } from '../common/rules.ts'
import { inShard, type Shard } from './shard.ts'
import { slugForFile } from '../common/slug.ts'
import { collectSources, type SourceRef } from './collect-sources.ts'
import { holdSignals, writeFileAtomic } from './write-atomic.ts'
import { feedSentinels, writeFeeds } from './feeds/write-feeds.ts'
import { hashCacheFileFor, openHashCache } from './hash-cache.ts'
import type { WorkerPool } from './worker-pool.ts'
import type { EditionInput, EditionResult } from '../editions/edition.ts'
import type { CoverInput } from '../editions/epub/write-epub.ts'
import type { ParseRequest, Parsed } from './parse-stage.ts'
import { projectTemplatesDir } from './project-templates.ts'
import { defaultSiteTitle, projectFingerprint, siteOptionsOf, siteStamp, themeSheets, type SiteOptions } from './project-settings.ts'

/** Fewest sources for which parsing and HTML go to worker threads. */
const workerThreshold = 8

/** The project's `templates/` folder. */
export const templatesDir = builtInTemplatesDir

/** Options of one build, beyond the shared `BuildOptions`. */
export interface RunOptions extends BuildOptions {
  /** Parse, enrich and report only; write nothing. Default false. */
  check?: boolean
  /** Ignore the cache and rebuild every edition. Default false. */
  force?: boolean
  /** Build only this share of the sources. Default: all. */
  shard?: Shard
  /** Templates folder; default the project's `templates/`. */
  templatesDir?: string
  /**
   * Parse every source in a worker thread, where its time limit holds, however
   * few sources there are. Default false: worker threads from 8 sources and
   * `--jobs` 2 up, the main thread below (a worker costs ~0.3 s to start
   * through tsx). The CLI sets it: its compiled workers start in ~0.1 s.
   */
  isolate?: boolean
  /** Where content hashes are remembered; default `hashCacheFileFor(out)`, in node_modules/.cache/offprint/. */
  hashCacheFile?: string
  /** The site's absolute URL ending in `/` (`--site-url`): absolute feed links and a sitemap; wins over the project's `site.url`. Default none. */
  siteUrl?: string | undefined
  /** The project file, `offprint.yaml` (see `projectFilePath`); default none: today's defaults. */
  project?: string | undefined
  /** Whether `paper` was chosen by the user (`--paper`): it then wins over the project's `pdf.paper`. Default false. */
  paperChosen?: boolean
}

/** One source in the report. */
export interface SourceReport {
  source: string
  slug?: string
  status: SourceOutcome['status']
  timings: Record<string, number>
  entry?: IndexEntry
}

/** What a build did, for the report, the JSON report and the exit code. */
export interface BuildReport {
  /** Every file with messages: sources and glossaries. */
  files: VFile[]
  /** Index entries of the sources built or found fresh in the cache. */
  built: IndexEntry[]
  /** Sources that failed (their previous output, if any, stays). */
  failed: string[]
  sources: SourceReport[]
}

/** Hooks for progress output; all optional. */
export interface BuildHooks {
  onStart?: (total: number) => void
  onSource?: (done: number, total: number, sourcePath: string) => void
}

/**
 * Build every edition of every source into `options.out`. A failing source
 * is reported and the others go on; its previous output stays in place.
 * One browser serves the whole build, started only if an edition needs it.
 */
export async function build(options: RunOptions, hooks: BuildHooks = {}): Promise<BuildReport> {
  // An interrupted build stops between two steps, never inside a folder swap.
  const release = holdSignals()
  const held: Held = {}
  try {
    return await buildAll(options, hooks, held)
  } finally {
    release()
    // Whatever the build started (Chromium, the workers) would keep the process alive. A Chromium
    // started early and never connected to (every source failed first) is killed.
    await (await held.pool?.catch(() => undefined))?.close()
    const session = await held.session?.catch(() => undefined)
    if (session) await session.close()
    else (await held.started?.catch(() => undefined))?.kill()
  }
}

/** What a build starts, each at most once, and `build` ends, however the build ends. */
interface Held {
  started?: Promise<StartedChromium>
  pool?: Promise<WorkerPool>
  session?: Promise<BrowserSession>
}

async function buildAll(options: RunOptions, hooks: BuildHooks, held: Held): Promise<BuildReport> {
  const all = await collectSources(options.paths)
  const sources = options.shard ? all.filter((ref) => inShard(ref.path, options.shard as Shard)) : all
  // Every entry.json is read once, here.
  const existing = options.check ? new Map<string, IndexEntry | null>() : await readOutput(options.out)
  // One document to print: its page runs in the browser's own process, which starts in less time and memory.
  const singleProcess = sources.length === 1
  // A source with no record of an earlier build will be parsed, and printed: the workers and Chromium start now,
  // before this thread loads the project, the glossaries and the rest (a cached build starts them only when a
  // source turns out stale). Each takes a few hundred milliseconds to be ready, on the other core.
  const cold = !options.check && (options.force === true || sources.some((ref) => !existing.get(slugForFile(ref.path))))
  if (cold && options.editions.includes('pdf')) {
    held.started = import('../editions/chromium-process.ts').then(({ startChromium }) => startChromium({ singleProcess }))
    held.started.catch(() => undefined)
  }
  if (cold && usesPool(options, sources.length)) startPool(held, options, sources.length)
  const [{ readProject }, { glossaryFor }] = await Promise.all([import('../source/project-file.ts'), import('../glossary/resolve.ts')])
  // A project file with errors: reported, and nothing is built or written.
  const { file: projectFile, project } = await readProject(options.project)
  if (!project) return { files: projectFile ? [projectFile] : [], built: [], failed: projectFile ? [String(projectFile.path)] : [], sources: [] }
  // Removed sources' folders go before the build.
  if (!options.check) await removeStale(options.out, existing, new Set(all.map((ref) => path.resolve(ref.path))))
  // The project's `templates` replace built-in ones of the same name.
  const templates = await projectTemplatesDir(project, options.templatesDir ?? templatesDir)
  const paper = options.paperChosen ? options.paper : (project.fields.pdf?.paper ?? options.paper)
  const publisher = project.fields.site?.publisher
  const theme = themeSheets(project)
  const brand = project.brand
  const site = siteOptionsOf(project, options.siteUrl)
  // The code's fingerprint is read once: the cache keys and the index's stamp both hold it.
  const code = codeFingerprint(templates)
  const fingerprint = buildFingerprint(code, { editions: options.editions, paper, epoch: process.env.SOURCE_DATE_EPOCH ?? null, ...projectFingerprint(project) })
  const glossaryCache = new Map<string, Promise<LoadedGlossary>>()
  const hashes = await openHashCache(options.hashCacheFile ?? hashCacheFileFor(options.out))
  const report: BuildReport = { files: projectFile && projectFile.messages.length > 0 ? [projectFile] : [], built: [], failed: [], sources: [] }
  const usedTerms = new Map<LoadedGlossary, Set<string>>()
  const slugs = new Set<string>()
  const claimSlug = (slug: string): string => {
    let unique = slug
    for (let n = 2; slugs.has(unique); n++) unique = `${slug}-${n}`
    slugs.add(unique)
    return unique
  }
  const browser = (): Promise<BrowserSession> => startSession(held, options, singleProcess)
  // Parsing is loaded and worker threads (~0.3 s each to start) are started only
  // when a source needs it, so a build where everything is cached starts nothing.
  // The compiled CLI always parses in its workers (`isolate`): its main thread's bundle leaves the parsing and the
  // EPUB out (`process.env.OFFPRINT_BUNDLE`, a constant there: see scripts/bundle.mjs).
  const parse = async (request: ParseRequest): Promise<Parsed> => {
    if (usesPool(options, sources.length)) return (await startPool(held, options, sources.length)).parse(request)
    if (process.env.OFFPRINT_BUNDLE !== 'cli') return (await import('./parse-stage.ts')).runParseStage(request)
    throw new Error('Unexpected parse in the main thread of the compiled CLI, expected worker threads (`isolate`)')
  }
  // The EPUB needs no browser (its cover is drawn by resvg): it goes to the pool when this build has one.
  const writeEpub = async (input: EditionInput, cover?: Uint8Array): Promise<EditionResult> => {
    if (held.pool) return (await held.pool).writeEpub(input, cover)
    if (process.env.OFFPRINT_BUNDLE !== 'cli') return (await import('../editions/epub/write-epub.ts')).writeEpub(input, cover)
    throw new Error('Unexpected EPUB in the main thread of the compiled CLI, expected worker threads (`isolate`)')
  }
  // In this thread the cover would only hold up the PDF, so it is drawn early only by a worker.
  const drawCover = (input: CoverInput): Promise<Uint8Array> | undefined => held.pool?.then((workers) => workers.drawCover(input))
  // Slugs are claimed in source order before any parallel work, so they never depend on timing.
  const ordered = sources.map((ref) => ({ ref, slug: claimSlug(slugForFile(ref.path)) }))
  hooks.onStart?.(ordered.length)
  let done = 0
  try {
    // Twice as many sources in flight as workers and print pages: while one source's PDF is laid
    // out in Chromium, another's is parsed or its EPUB made. Each stage keeps its own limit of `jobs`.
    const outcomes = await runPool(ordered, options.jobs * 2, async ({ ref, slug }) => {
      const outcome = await buildOne(ref, slug)
      hooks.onSource?.(++done, ordered.length, ref.path)
      return outcome
    })
    outcomes.forEach((outcome, index) => {
      const ref = ordered[index]?.ref as SourceRef
      if (outcome.file.messages.length > 0 || outcome.status === 'failed') report.files.push(outcome.file)
      if (outcome.entry) report.built.push(outcome.entry)
      if (outcome.status === 'failed') report.failed.push(ref.path)
      report.sources.push({ source: ref.path, status: outcome.status, timings: outcome.timings, ...(outcome.entry ? { slug: outcome.entry.slug, entry: outcome.entry } : {}) })
    })
  } finally {
    // The workers and the browser are ended by `build` (`Held`), on success and failure alike.
    await hashes.save()
  }
  reportGlossaries(usedTerms, report, options.shard === undefined)
  if (!options.check) {
    const entries = new Map([...existing].flatMap(([slug, entry]) => (entry ? [[slug, entry] as const] : [])))
    for (const entry of report.built) entries.set(entry.slug, entry)
    await writeIndex(options.out, [], templates, entries, site, code)
  }
  return report

  async function buildOne(ref: SourceRef, slug: string): Promise<SourceOutcome> {
    const glossary = await glossaryFor(ref.path, ref.root, glossaryCache)
    for (const loaded of glossary.used) if (!usedTerms.has(loaded)) usedTerms.set(loaded, new Set())
    const glossaryHashes = await Promise.all(glossary.used.map(async (loaded) => (await hashes.hashOf(String(loaded.file.path))) ?? 'missing'))
    const outcome = await buildSource({
      sourcePath: ref.path,
      out: options.out,
      editions: options.editions,
      glossary: glossary.entries,
      glossaryHashes,
      hashes,
      previous: existing.get(slug) ?? null,
      fingerprint,
      force: options.force ?? false,
      check: options.check ?? false,
      slug,
      paper,
      ...(publisher !== undefined ? { publisher } : {}),
      theme,
      ...(brand ? { brand } : {}),
      browser,
      parse,
      writeEpub,
      drawCover,
      templatesDir: templates,
    })
    for (const term of outcome.terms) for (const loaded of glossary.used) usedTerms.get(loaded)?.add(term)
    return outcome
  }
}

/** Whether this build parses in worker threads: always with `isolate`, else from `workerThreshold` sources and two jobs. */
function usesPool(options: RunOptions, sources: number): boolean {
  return options.isolate === true || (options.jobs > 1 && sources >= workerThreshold)
}

/** The build's worker pool, started on first use (see `poolSize`). */
function startPool(held: Held, options: RunOptions, sources: number): Promise<WorkerPool> {
  held.pool ??= import('./worker-pool.ts').then(({ createWorkerPool }) => createWorkerPool(poolSize(options.jobs, options.editions, sources)))
  return held.pool
}

/**
 * Print pages one worker keeps busy when the workers only parse (a build of
 * PDFs alone): a parse takes about a quarter of the CPU its print page does
 * (38 against 150 ms for the article, measured), so a second worker would
 * mostly wait, and cost its own start and compiler warm-up (about 1 CPU-second
 * a build) and its heap.
 */
const printPagesPerParser = 3

/** Workers for `jobs`: one per job, or per `printPagesPerParser` jobs when the only edition is the PDF; at most one per source. */
export function poolSize(jobs: number, editions: readonly EditionName[], sources: number): number {
  const perWorker = editions.every((edition) => edition === 'pdf') ? printPagesPerParser : 1
  return Math.max(1, Math.min(Math.ceil(jobs / perWorker), sources))
}

/**
 * The build's browser session, started on first use: connected to the Chromium started early
 * (`held.started`) or to one started now. Its first print page is made ready (Paged.js evaluated)
 * while the source is still parsed.
 */
function startSession(held: Held, options: RunOptions, singleProcess: boolean): Promise<BrowserSession> {
  held.session ??= Promise.all([import('../editions/browser.ts'), import('../editions/pdf/print-page.ts')]).then(async ([{ launchBrowser }, { printPage }]) => {
    const launched = await launchBrowser({ jobs: options.jobs, singleProcess, ...(held.started ? { started: held.started } : {}) })
    launched.prewarm(printPage)
    return launched
  })
  return held.session
}

/** Glossary errors, and entries no source used (only judged on a full build). */
function reportGlossaries(usedTerms: Map<LoadedGlossary, Set<string>>, report: BuildReport, complete: boolean): void {
  for (const [glossary, used] of usedTerms) {
    if (complete && !glossary.file.messages.some((message) => message.fatal)) {
      for (const entry of glossary.entries) {
        if (used.has(entry.term)) continue
        const place = location(glossary.file).toPoint(glossary.offsets.get(entry) ?? 0)
        glossary.file.message(`Unexpected unused glossary entry \`${entry.term}\`, expected a source that uses it; remove it or use it`, {
          ...(place ? { place } : {}),
          ruleId: 'glossary-unused',
          source: messageSource,
        })
      }
    }
    if (glossary.file.messages.length > 0) report.files.unshift(glossary.file)
  }
}

/** Remove the output of sources that no longer exist, from disk and from `existing`. */
async function removeStale(out: string, existing: Map<string, IndexEntry | null>, sources: ReadonlySet<string>): Promise<void> {
  for (const [slug, entry] of existing) {
    if (!entry?.source) continue
    const source = path.resolve(out, entry.source)
    if (
      sources.has(source) ||
      (await access(source).then(
        () => true,
        () => false,
      ))
    )
      continue
    await rm(path.join(out, slug), { recursive: true, force: true })
    existing.delete(slug)
  }
}

/**
 * Write `index.html` and the feeds (`opds.xml` and its pages, `feed.xml`,
 * `sitemap.xml` with a site URL) from `known` entries, or from the
 * `entry.json` of every folder in `out`, plus `extra`. The page opens with a
 * key (a hash of the entries, the site URL and offprint's code and
 * templates): when it is unchanged and the feeds are there, nothing is
 * rendered or rewritten; otherwise each feed file is rewritten only if its
 * bytes change. `code` is the build's `codeFingerprint` of `templates`, when
 * it has read it already; default: read here.
 */
export async function writeIndex(
  out: string,
  extra: readonly IndexEntry[] = [],
  templates = templatesDir,
  known?: ReadonlyMap<string, IndexEntry>,
  site: SiteOptions = {},
  code?: string,
): Promise<void> {
  const entries = new Map<string, IndexEntry>(known ?? [])
  if (!known) for (const [slug, entry] of await readOutput(out)) if (entry) entries.set(slug, entry)
  for (const entry of extra) entries.set(entry.slug, entry)
  const sorted = [...entries.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
  const key = createHash('sha256')
    .update(code ?? codeFingerprint(templates))
    .update(JSON.stringify(sorted))
    .update(JSON.stringify({ siteUrl: site.siteUrl ?? null, epoch: process.env.SOURCE_DATE_EPOCH ?? null }))
    // The project's site settings, only when there are some: without them the stamp is as before.
    .update(siteStamp(site))
    .digest('hex')
    .slice(0, 32)
  await copyBrand(out, site.brand)
  const stamp = `<!-- offprint index ${key} -->`
  const target = path.join(out, 'index.html')
  const feedsThere = async (): Promise<boolean> => (await Promise.all(feedSentinels(site.siteUrl).map((name) => exists(path.join(out, name))))).every(Boolean)
  if ((await readHead(target, 200)).includes(stamp) && (await feedsThere())) return
  const title = site.title ?? defaultSiteTitle
  const { renderIndex } = await import('./site-index.ts')
  await writeFeeds(out, sorted, { siteUrl: site.siteUrl, title, ...(site.description ? { description: site.description } : {}) })
  const html = (await renderIndex(sorted, templates, { ...site, title })).replace(/^<!DOCTYPE html>/, `$&\n${stamp}`)
  await writeFileAtomic(target, html)
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

/** The first `bytes` bytes of a file as text; empty when it cannot be read. */
async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined)
  if (!handle) return ''
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}

async function runPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker))
  return results
}
