import type { Root } from 'hast'
import { VFile } from 'vfile'
import type { ArticleData, ArticleMeta } from '../common/article.ts'
import type { EditionName } from '../common/config.ts'
import type { GlossaryEntry } from '../common/article.ts'
import { epochOf } from '../common/epoch.ts'
import type { EditionFile } from '../editions/edition.ts'
import { checkAssets } from '../source/check-assets.ts'
import { reportFailure } from '../source/failure.ts'
import { parseSource } from '../source/parse-source.ts'
import { sourceDirOf } from '../source/source-dir.ts'
import type { Brand } from '../source/project-assets.ts'
import { writeEditions } from './write-editions.ts'

/** What to do with one source in the parse stage: plain data, so it can cross to a worker thread. */
export interface ParseRequest {
  sourcePath: string
  glossary: GlossaryEntry[]
  paper: ArticleMeta['paper']
  /** The publisher of articles whose front matter names none; default none. */
  publisher?: string
  /** CSS the project adds to each edition; default none. */
  theme?: Partial<Record<EditionName, string>>
  /** The project's logo, fonts and accent; default none. */
  brand?: Brand
  slug: string
  templatesDir: string
  /** Parse and report only. */
  check: boolean
  /** Write the HTML edition too (it needs no browser, so it is written here). */
  html: boolean
  /** Every edition of the build, for the HTML page's links. */
  editions: readonly EditionName[]
}

/** A parsed source, its canonical tree, and its HTML edition when asked for. */
export interface Parsed {
  file: VFile
  tree?: Root
  article?: ArticleData
  htmlFiles?: EditionFile[]
  timings: Record<string, number>
}

/**
 * The CPU-bound stage of building a source: read, parse and enrich it, check
 * its images, and write the editions that need no browser (the HTML). Runs
 * in the main thread or in a worker (`worker-pool.ts`); never throws: a
 * failure is a fatal message on the source.
 */
export async function runParseStage(request: ParseRequest): Promise<Parsed> {
  try {
    return await parseStage(request)
  } catch (error) {
    const file = new VFile({ path: request.sourcePath })
    reportFailure(file, error)
    return { file, timings: {} }
  }
}

async function parseStage(request: ParseRequest): Promise<Parsed> {
  const timings: Record<string, number> = {}
  const started = performance.now()
  const { file, tree } = await parseSource(request.sourcePath, request.glossary, {
    paper: request.paper,
    ...(request.publisher !== undefined ? { publisher: request.publisher } : {}),
  })
  timings.parse = performance.now() - started
  const article = file.data.article
  if (!tree || !article) return { file, timings }
  article.slug = request.slug
  if (request.check) return { file, tree, article, timings }
  const sourceDir = sourceDirOf(request.sourcePath)
  await checkAssets(file, tree, article, sourceDir)
  if (!request.html) return { file, tree, article, timings }
  const input = {
    tree,
    article,
    sourcePath: request.sourcePath,
    sourceDir,
    templatesDir: request.templatesDir,
    epoch: epochOf(article.meta.date),
    ...(request.theme ? { theme: request.theme } : {}),
    ...(request.brand ? { brand: request.brand } : {}),
  }
  const written = await writeEditions(['html'], input, { editions: request.editions }, file)
  return { file, tree, article, htmlFiles: written.files, timings: { ...timings, ...written.timings } }
}
