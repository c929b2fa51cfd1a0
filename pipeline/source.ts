import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { location } from 'vfile-location'
import type { ArticleMeta } from './article.ts'
import { defaultBuildOptions } from './config.ts'
import { decodeUtf8 } from './encoding.ts'
import { blankOut, findFrontMatter, readFrontMatter, readMultiMarkdownMeta } from './front-matter.ts'
import { guessLang } from './guess-lang.ts'
import { messageSource } from './rules.ts'
import { slugForFile } from './slug.ts'
import { report } from './yaml-source.ts'

/**
 * Read a Markdown source: decode strictly, find and validate front matter,
 * resolve metadata (`options.paper` when the front matter names none). The returned file's value is the Markdown with the front
 * matter blanked (offsets kept), ready for the processor; `file.data.article`
 * holds `slug` and `meta`. Fatal messages mean no edition can be made.
 */
export async function readSource(sourcePath: string, options: { paper: ArticleMeta['paper'] } = { paper: defaultBuildOptions.paper }): Promise<VFile> {
  const bytes = await readFile(sourcePath)
  const file = new VFile({ path: sourcePath, value: '' })
  const decoded = decodeUtf8(bytes)
  let text: string
  if ('invalidAt' in decoded) {
    text = new TextDecoder().decode(bytes)
    file.value = text
    report(file, decoded.invalidAt, 'Unexpected bytes that are not UTF-8, expected a UTF-8 file; re-save it as UTF-8', 'encoding-invalid')
  } else {
    text = decoded.text.startsWith('\uFEFF') ? decoded.text.slice(1) : decoded.text
    file.value = text
  }
  const nul = text.indexOf('\0')
  if (nul !== -1) report(file, nul, 'Unexpected NUL byte, expected text; remove it (was the file saved as UTF-16?)', 'encoding-invalid')

  const block = findFrontMatter(text)
  let matter: ReturnType<typeof readFrontMatter> = {}
  if (block === 'unclosed') {
    report(file, 0, 'Unexpected front matter with no closing fence, expected `---` or `...` on its own line after it', 'frontmatter-unclosed')
  } else if (block) {
    matter = readFrontMatter(file, block)
    text = blankOut(text, 0, block.end)
    file.value = text
  }
  if (text.trim() === '') {
    const place = location(file).toPoint(0)
    const message = file.message('Unexpected empty document, expected Markdown text', { ...(place ? { place } : {}), ruleId: 'source-empty', source: messageSource })
    message.fatal = true
  }

  const multiMarkdown = block ? {} : readMultiMarkdownMeta(text)
  const fields = matter ?? {}
  const lang = fields.lang ?? guessLang(text)
  if (!fields.lang && !file.messages.some((m) => m.fatal)) {
    file.message(`Unexpected missing \`lang\`, expected it in front matter; guessed \`${lang}\` from the script`, { place: { line: 1, column: 1 }, ruleId: 'lang-guessed', source: messageSource })
  }
  const authors = fields.author ?? (multiMarkdown.author ? [multiMarkdown.author] : [])
  const meta: ArticleMeta = {
    title: fields.title ?? multiMarkdown.title ?? '',
    authors,
    lang,
    keywords: fields.keywords ?? [],
    paper: fields.paper ?? options.paper,
    titleFromContent: false,
    ...(fields.subtitle ? { subtitle: fields.subtitle } : {}),
    ...(fields.publisher ? { publisher: fields.publisher } : {}),
    ...(fields.date ? { date: fields.date } : {}),
    ...(fields.description ? { description: fields.description } : {}),
    ...(fields.license ?? fields.rights ? { license: (fields.license ?? fields.rights) as string } : {}),
  }
  file.data.article = { slug: slugForFile(sourcePath), meta, headings: [], notes: [], terms: [], assets: [] }
  return file
}

/** Folder of a source: the only place its local resources may come from. */
export function sourceDirOf(sourcePath: string): string {
  return path.dirname(path.resolve(sourcePath))
}
