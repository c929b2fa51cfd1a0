import type { Root } from 'hast'
import { VFile } from 'vfile'
import type { ArticleData, ArticleMeta } from '../common/article.ts'
import type { EditionName, GlossaryEntry } from '../common/config.ts'
import { checkAssets } from '../source/check-assets.ts'
import type { EditionFile } from '../editions/edition.ts'
import { writeHtml } from '../editions/html/write-html.ts'
import { epochOf } from '../common/epoch.ts'
import { reportFailure } from '../source/failure.ts'
import { processSource } from '../source/processor.ts'
import { sourceDirOf } from '../source/read-source.ts'

/** What to prepare for one source: plain data, so it can cross to a worker thread. */
export interface PrepareRequest {
  sourcePath: string
  glossary: GlossaryEntry[]
  paper: ArticleMeta['paper']
  slug: string
  templatesDir: string
  /** Parse and report only. */
  check: boolean
  /** Write the HTML edition too (it needs no browser, so it is made here). */
  html: boolean
  /** Every edition of the build, for the HTML page's links. */
  editions: readonly EditionName[]
}

/** A parsed source, its canonical tree, and its HTML edition when asked for. */
export interface Prepared {
  file: VFile
  tree?: Root
  article?: ArticleData
  htmlFiles?: EditionFile[]
  /** Why the HTML edition failed, when it did. */
  htmlError?: Error
  timings: Record<string, number>
}

/**
 * The CPU-bound part of building a source: read, parse and enrich it, check
 * its images, and write its HTML edition. Runs in the main thread or in a
 * worker (`worker-pool.ts`); never needs the browser, and never throws: a
 * failure is a fatal message on the source.
 */
export async function prepareSource(request: PrepareRequest): Promise<Prepared> {
  try {
    return await prepare(request)
  } catch (error) {
    const file = new VFile({ path: request.sourcePath })
    reportFailure(file, error)
    return { file, timings: {} }
  }
}

async function prepare(request: PrepareRequest): Promise<Prepared> {
  const timings: Record<string, number> = {}
  let started = performance.now()
  const { file, tree } = await processSource(request.sourcePath, request.glossary, { paper: request.paper })
  timings.parse = performance.now() - started
  const article = file.data.article
  if (!tree || !article) return { file, timings }
  article.slug = request.slug
  if (request.check) return { file, tree, article, timings }
  const sourceDir = sourceDirOf(request.sourcePath)
  await checkAssets(file, tree, article, sourceDir)
  if (!request.html) return { file, tree, article, timings }
  started = performance.now()
  try {
    const htmlFiles = await writeHtml(
      { tree, article, sourcePath: request.sourcePath, sourceDir, templatesDir: request.templatesDir, epoch: epochOf(article.meta.date) },
      { editions: request.editions },
    )
    timings.html = performance.now() - started
    return { file, tree, article, htmlFiles, timings }
  } catch (error) {
    timings.html = performance.now() - started
    return { file, tree, article, htmlError: error instanceof Error ? error : new Error(String(error)), timings }
  }
}
