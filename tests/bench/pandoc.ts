import path from 'node:path'
import type { Command } from './commands.ts'
import type { Article } from './generate.ts'

export type PandocFormat = 'html' | 'epub' | 'pdf'

/**
 * The Markdown dialect pandoc reads: GFM as offprint reads it. pandoc 2.17's
 * `gfm` already reads footnotes and the YAML front matter; `$…$` math is
 * added, as offprint typesets it.
 */
const from = 'gfm+tex_math_dollars'

/** Where pandoc writes `format` for `article` in `out`. */
export function pandocOutput(article: Article, out: string, format: PandocFormat): string {
  return path.join(out, `${path.basename(article.file, '.md')}.${format}`)
}

/**
 * The command a user would run for one edition of one article, in its own
 * folder (so its local images are found): `pandoc -s` for a standalone HTML
 * page, `-t epub3` for the EPUB, and `-s --pdf-engine=weasyprint` for the
 * PDF. The front matter gives the title; the article's title is passed as
 * well for the one document whose title line pandoc does not read
 * (MultiMarkdown). Remote images cannot be fetched offline: pandoc warns and
 * goes on.
 */
export function pandocCommand(format: PandocFormat, article: Article, out: string): Command {
  const dir = path.dirname(article.file)
  const output = pandocOutput(article, out, format)
  const common = ['-f', from, '--quiet', `--resource-path=${dir}`, '-o', output, article.file]
  const args =
    format === 'html'
      ? ['-s', '--metadata', `pagetitle=${article.title}`, ...common]
      : format === 'epub'
        ? ['-t', 'epub3', '--metadata', `title=${article.title}`, ...common]
        : ['-s', '--pdf-engine=weasyprint', '--metadata', `pagetitle=${article.title}`, ...common]
  return { command: 'pandoc', args, cwd: dir }
}

/** One unit per article: its editions one after the other, as a user would type them. */
export function pandocUnits(formats: readonly PandocFormat[], articles: readonly Article[], out: string): Command[][] {
  return articles.map((article) => formats.map((format) => pandocCommand(format, article, out)))
}
