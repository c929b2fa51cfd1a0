import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Root } from 'hast'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import type { BuildOptions, EditionName } from './config.ts'
import { checkAssets } from './editions/assets.ts'
import type { EditionFile, EditionInput } from './editions/edition.ts'
import { writeHtml } from './editions/html.ts'
import { renderIndex, type IndexEntry } from './editions/site-index.ts'
import type { LoadedGlossary } from './glossary/load.ts'
import { glossaryFor } from './glossary/resolve.ts'
import { processSource } from './processor.ts'
import { messageSource } from './rules.ts'
import { collectSources, type SourceRef } from './sources.ts'
import { sourceDirOf } from './source.ts'
import { replaceFolder, writeFileAtomic } from './write-atomic.ts'

/** The project's `templates/` folder. */
export const templatesDir = fileURLToPath(new URL('../templates/', import.meta.url))

/** What a build did, for the report and the exit code. */
export interface BuildReport {
  /** Every file with messages: sources and glossaries. */
  files: VFile[]
  /** Sources whose editions were written. */
  built: IndexEntry[]
  /** Sources that failed (no output written for them). */
  failed: string[]
}

/** Hooks for progress output; all optional. */
export interface BuildHooks {
  onStart?: (total: number) => void
  onSource?: (done: number, total: number, sourcePath: string) => void
}

/** A browser session as `editions/browser.ts` makes it; started only when needed. */
type Session = Awaited<ReturnType<typeof import('./editions/browser.ts').launchBrowser>>

/**
 * Build every edition of every source into `options.out`. With `check`, only
 * parse, enrich and report. A failing source is reported and the others go
 * on; its previous output stays in place.
 */
export async function build(options: BuildOptions & { check?: boolean }, hooks: BuildHooks = {}): Promise<BuildReport> {
  const sources = await collectSources(options.paths)
  const glossaryCache = new Map<string, Promise<LoadedGlossary>>()
  const report: BuildReport = { files: [], built: [], failed: [] }
  const usedTerms = new Map<LoadedGlossary, Set<string>>()
  const slugs = new Set<string>()
  let session: Promise<Session> | undefined
  const needsBrowser = !options.check && (options.editions.includes('pdf') || options.editions.includes('epub'))
  const browser = (): Promise<Session> => {
    session ??= import('./editions/browser.ts').then(({ launchBrowser }) => launchBrowser({ jobs: options.jobs }))
    return session
  }
  hooks.onStart?.(sources.length)
  let done = 0
  try {
    await runPool(sources, options.jobs, async (ref) => {
      const file = await buildOne(ref)
      report.files.push(file)
      hooks.onSource?.(++done, sources.length, ref.path)
    })
  } finally {
    if (session) await (await session.catch(() => undefined))?.close()
  }
  for (const [glossary, used] of usedTerms) {
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
  for (const glossary of new Set(usedTerms.keys())) if (glossary.file.messages.length > 0) report.files.unshift(glossary.file)
  if (!options.check) await writeIndex(options.out)
  return report

  async function buildOne(ref: SourceRef): Promise<VFile> {
    const glossary = await glossaryFor(ref.path, ref.root, glossaryCache)
    for (const loaded of glossary.used) if (!usedTerms.has(loaded)) usedTerms.set(loaded, new Set())
    if (glossary.used.some((loaded) => loaded.file.messages.some((message) => message.fatal))) {
      for (const loaded of glossary.used) if (!report.files.includes(loaded.file)) report.files.push(loaded.file)
    }
    const { file, tree } = await processSource(ref.path, glossary.entries)
    const article = file.data.article
    if (!tree || !article) {
      report.failed.push(ref.path)
      return file
    }
    for (const term of article.terms) for (const loaded of glossary.used) usedTerms.get(loaded)?.add(term.entry.term)
    let slug = article.slug
    for (let n = 2; slugs.has(slug); n++) slug = `${article.slug}-${n}`
    slugs.add(slug)
    article.slug = slug
    if (options.check) return file
    const sourceDir = sourceDirOf(ref.path)
    await checkAssets(file, tree, article, sourceDir)
    const input: EditionInput = { tree, article, sourcePath: ref.path, sourceDir, templatesDir, epoch: epochOf(article.meta.date) }
    const files: EditionFile[] = []
    for (const edition of options.editions) {
      try {
        files.push(...(await writeEdition(edition, input, file)))
      } catch (error) {
        const message = file.message(`Unexpected failure of the ${edition.toUpperCase()} edition: ${(error as Error).message}`, {
          place: { line: 1, column: 1 },
          ruleId: 'edition-failed',
          source: messageSource,
          cause: error instanceof Error ? error : new Error(String(error)),
        })
        message.fatal = true
      }
    }
    if (file.messages.some((message) => message.fatal)) {
      report.failed.push(ref.path)
      return file
    }
    const entry: IndexEntry = {
      slug,
      meta: article.meta,
      files: Object.fromEntries(files.filter((f) => !f.path.includes('/')).map((f) => [f.path, byteLength(f.data)])),
      ...(files.some((f) => f.path === 'cover.png') ? { cover: 'cover.png' } : {}),
    }
    const keep = (['pdf', 'epub'] as const).filter((name) => !options.editions.includes(name)).flatMap((name) => (name === 'pdf' ? [`${slug}.pdf`] : [`${slug}.epub`, 'cover.png']))
    files.push({ path: 'entry.json', data: JSON.stringify(entry, null, 2) + '\n' })
    await replaceFolder(path.join(options.out, slug), files, keep)
    report.built.push(entry)
    return file
  }

  async function writeEdition(edition: EditionName, input: EditionInput, file: VFile): Promise<EditionFile[]> {
    if (edition === 'html') return writeHtml(input, { editions: options.editions })
    const { tree, ...rest } = input
    const fresh: EditionInput = { tree: structuredClone(tree) as Root, ...rest }
    if (edition === 'pdf') {
      const { writePdf } = await import('./editions/pdf.ts')
      return collect(await writePdf(fresh, await browser()), file)
    }
    const { writeEpub } = await import('./editions/epub.ts')
    return collect(await writeEpub(fresh, needsBrowser ? await browser() : undefined), file)
  }
}

/** Writers return their files, or files with warnings to put on the source. */
function collect(result: EditionFile[] | { files: EditionFile[]; warnings?: Array<{ reason: string; ruleId: string }> }, file: VFile): EditionFile[] {
  if (Array.isArray(result)) return result
  for (const warning of result.warnings ?? []) file.message(warning.reason, { place: { line: 1, column: 1 }, ruleId: warning.ruleId, source: messageSource })
  return result.files
}

/** Rebuild `index.html` from the `entry.json` of every folder in `out`. */
async function writeIndex(out: string): Promise<void> {
  const entries: IndexEntry[] = []
  const folders = await readdir(out, { withFileTypes: true }).catch(() => [])
  for (const folder of folders) {
    if (!folder.isDirectory() || folder.name.startsWith('.')) continue
    const text = await readFile(path.join(out, folder.name, 'entry.json'), 'utf8').catch(() => undefined)
    if (text) entries.push(JSON.parse(text) as IndexEntry)
  }
  await writeFileAtomic(path.join(out, 'index.html'), await renderIndex(entries, templatesDir))
}

/** `SOURCE_DATE_EPOCH` when set, else the article's date, else 0. */
export function epochOf(date: string | undefined): number {
  const fromEnv = process.env.SOURCE_DATE_EPOCH
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv)
  return date ? Date.parse(`${date}T00:00:00Z`) / 1000 : 0
}

async function runPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker))
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
}

