import { execFile, spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Article } from './generate.ts'
import { watchPeak } from './process-tree.ts'

/** pandoc's version line, or undefined when it is not installed. */
export async function pandocVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('pandoc', ['--version'])
    return stdout.split('\n')[0]
  } catch {
    return undefined
  }
}

/** A pandoc run over every article. */
export interface PandocRun {
  seconds: number
  /** Peak resident memory of all pandoc processes at once, in bytes. */
  peak: number
  failed: number
}

/**
 * Convert every article with pandoc, `jobs` at a time (as wide as
 * offprint's `--jobs`): HTML as `pandoc -s -f gfm`, EPUB as `pandoc -f gfm
 * -t epub3` with the article's folder as resource path. pandoc has no cache:
 * this compares with offprint's cold build.
 */
export async function runPandoc(format: 'html' | 'epub', articles: readonly Article[], out: string, jobs: number): Promise<PandocRun> {
  await mkdir(out, { recursive: true })
  const started = performance.now()
  const monitor = watchPeak(process.pid, { withRoot: false, interval: 50 })
  let failed = 0
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < articles.length) {
      const article = articles[next++] as Article
      const dir = path.dirname(article.file)
      const base = path.basename(article.file, '.md')
      const args =
        format === 'html'
          ? ['-s', '-f', 'gfm', '--quiet', '--metadata', `pagetitle=${article.title}`, '-o', path.join(out, `${base}.html`), article.file]
          : ['-f', 'gfm', '-t', 'epub3', '--quiet', '--metadata', `title=${article.title}`, `--resource-path=${dir}`, '-o', path.join(out, `${base}.epub`), article.file]
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('pandoc', args, { cwd: dir, stdio: 'ignore' })
        child.once('error', () => resolve(-1))
        child.once('exit', (exitCode) => resolve(exitCode))
      })
      if (code !== 0) failed++
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, articles.length)) }, worker))
  const peak = monitor.stop()
  return { seconds: (performance.now() - started) / 1000, peak, failed }
}
