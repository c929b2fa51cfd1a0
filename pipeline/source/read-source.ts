import { lstat, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { location } from 'vfile-location'
import type { ArticleMeta } from '../common/article.ts'
import { defaultBuildOptions } from '../common/config.ts'
import { decodeUtf8 } from '../common/encoding.ts'
import { blankOut, findFrontMatter, readFrontMatter, readMultiMarkdownMeta } from './front-matter.ts'
import { guessLang } from './guess-lang.ts'
import { messageSource, type RuleId } from '../common/rules.ts'
import { slugForFile } from '../common/slug.ts'
import { report } from '../common/yaml-source.ts'
import { isInsideFolder } from '../common/inside-folder.ts'

/**
 * Read a Markdown source: decode strictly, find and validate front matter,
 * resolve metadata (`options.paper` and `options.publisher`, default none, when the front matter names none). The returned file's value is the Markdown with the front
 * matter blanked (offsets kept), ready for the processor; `file.data.article`
 * holds `slug` and `meta`. Fatal messages mean no edition can be made.
 */
export async function readSource(sourcePath: string, options: { paper: ArticleMeta['paper']; publisher?: string } = { paper: defaultBuildOptions.paper }): Promise<VFile> {
  const file = new VFile({ path: sourcePath, value: '' })
  const opened = await openSource(sourcePath)
  if ('reason' in opened) {
    const message = file.message(opened.reason, { place: { line: 1, column: 1 }, ruleId: opened.ruleId, source: messageSource })
    message.fatal = true
    return file
  }
  const { bytes } = opened
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
  if (block && 'unclosed' in block) {
    const why = block.endedBy ? `ended by \`${block.endedBy.line.slice(0, 60)}\` on line ${location(file).toPoint(block.endedBy.offset)?.line}` : 'with no closing fence'
    file.message(`Unexpected front matter ${why}, expected \`---\` or \`...\` alone on a line after it; the opening \`---\` is read as a thematic break and what follows as text`, {
      place: { line: 1, column: 1 },
      ruleId: 'frontmatter-unclosed',
      source: messageSource,
    })
  } else if (block) {
    matter = readFrontMatter(file, block)
    text = blankOut(text, 0, block.end)
    file.value = text
  }
  if (!file.messages.some((m) => m.fatal)) checkLimits(file, text)
  if (text.trim() === '') {
    const place = location(file).toPoint(0)
    const message = file.message('Unexpected empty document, expected Markdown text', { ...(place ? { place } : {}), ruleId: 'source-empty', source: messageSource })
    message.fatal = true
  }

  const multiMarkdown = block && !('unclosed' in block) ? {} : readMultiMarkdownMeta(text)
  if (multiMarkdown.lines && !file.messages.some((m) => m.fatal)) {
    file.message(
      `Unexpected MultiMarkdown metadata (\`${multiMarkdown.lines[0]?.slice(0, 100)}\`), expected YAML front matter between \`---\` fences; its title and author are used and its lines are kept as text`,
      {
        place: { line: 1, column: 1 },
        ruleId: 'frontmatter-multimarkdown',
        source: messageSource,
      },
    )
  }
  const fields = matter ?? {}
  const lang = fields.lang ?? guessLang(text)
  if (!fields.lang && !file.messages.some((m) => m.fatal)) {
    file.message(`Unexpected missing \`lang\`, expected it in front matter; guessed \`${lang}\` from the script`, {
      place: { line: 1, column: 1 },
      ruleId: 'lang-guessed',
      source: messageSource,
    })
  }
  const authors = fields.author ?? (multiMarkdown.author ? [multiMarkdown.author] : [])
  const meta: ArticleMeta = {
    title: fields.title ?? multiMarkdown.title ?? '',
    authors,
    lang,
    keywords: fields.keywords ?? [],
    paper: fields.paper ?? options.paper,
    ...(fields.math === false ? { math: false as const } : {}),
    titleFromContent: false,
    ...(fields.subtitle ? { subtitle: fields.subtitle } : {}),
    ...((fields.publisher ?? options.publisher) ? { publisher: (fields.publisher ?? options.publisher) as string } : {}),
    ...(fields.date ? { date: fields.date } : {}),
    ...(fields.description ? { description: fields.description } : {}),
    ...((fields.license ?? fields.rights) ? { license: (fields.license ?? fields.rights) as string } : {}),
  }
  file.data.article = { slug: slugForFile(sourcePath), meta, headings: [], notes: [], terms: [], assets: [] }
  return file
}

/**
 * The bytes of a source, or why they are not read: it is gone, unreadable,
 * too large, or a symbolic link whose target lies outside the link's own
 * folder (never followed: only files inside a source's folder are read).
 */
async function openSource(sourcePath: string): Promise<{ bytes: Uint8Array } | { reason: string; ruleId: RuleId }> {
  const name = path.basename(sourcePath)
  try {
    let real = sourcePath
    if ((await lstat(sourcePath)).isSymbolicLink()) {
      real = await realpath(sourcePath)
      const folder = await realpath(path.dirname(sourcePath))
      if (!isInsideFolder(real, folder)) {
        return {
          reason: `Unexpected symbolic link \`${name}\` to a file outside its folder, expected a Markdown file in the source folder; it is not read`,
          ruleId: 'source-unreadable',
        }
      }
    }
    const info = await stat(real)
    if (!info.isFile()) return { reason: `Unexpected \`${name}\` that is not a file, expected a Markdown file`, ruleId: 'source-unreadable' }
    if (info.size > sourceLimits.bytes) {
      return { reason: `Unexpected file of ${info.size.toLocaleString('en')} bytes, expected at most ${sourceLimits.bytes.toLocaleString('en')}; split it`, ruleId: 'source-limit' }
    }
    return { bytes: await readFile(real) }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    return { reason: `Unexpected unreadable source \`${name}\` (${code}), expected a readable Markdown file`, ruleId: 'source-unreadable' }
  }
}

/**
 * Limits past which a source is refused before it is parsed, because the
 * parser's time or memory grows much faster than the text there (measured on
 * two cores: a list nested 500 levels by indentation parses in 15 s, 1,000 in
 * 83 s, 10,000 levels overflow the stack; a 20,000-column table header pads
 * every short row below it to 20,000 cells and runs out of memory).
 */
export const sourceLimits = {
  /** Bytes of one source file. */
  bytes: 20_000_000,
  /** Blockquotes, list items and footnote definitions inside one another. */
  nesting: 100,
  /** Cells of one table, counting the empty cells GFM adds to short rows. */
  tableCells: 500_000,
  /** Emphasis delimiters in a row (`***…`): 24,000 nest 12,000 deep and overflow the parser's stack. */
  delimiterRun: 1_000,
} as const

/** `[^label]:` opening a footnote definition, which is a container like a list item. */
const footnoteStart = /\[\^[^\]\s]{1,999}\]:/y
/** A run of emphasis delimiters longer than `sourceLimits.delimiterRun`. */
const longRun = new RegExp(`([*_~])\\1{${sourceLimits.delimiterRun},}`)
/** A GFM table delimiter row, once container prefixes are removed: `| --- | :-: |`. */
const delimiterRow = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$/

/**
 * Refuse, before parsing, a source nested deeper than `sourceLimits.nesting`,
 * holding a table of more than `sourceLimits.tableCells` cells, or a run of
 * emphasis delimiters longer than `sourceLimits.delimiterRun`, with an error
 * where the limit is crossed. Nesting is bounded from above
 * without parsing: a line can keep or open a container only with a `>`, a list
 * or footnote marker, or two columns of indentation, and opens one only with a
 * marker; a line after a blank line cannot be a lazy continuation.
 */
function checkLimits(file: VFile, text: string): void {
  let depth = 0
  let previousBlank = true
  let offset = 0
  let table: { columns: number; rows: number; at: number } | undefined
  const fail = (at: number, reason: string): void => report(file, at, reason, 'source-limit')
  for (const line of text.split('\n')) {
    const start = offset
    offset += line.length + 1
    const { markers, columns, rest } = containerPrefix(line)
    const blank = rest.trim() === ''
    if (table) {
      if (blank) table = undefined
      else if (++table.rows * table.columns > sourceLimits.tableCells) {
        fail(
          table.at,
          `Unexpected table of ${table.columns.toLocaleString('en')} columns and more than ${table.rows.toLocaleString('en')} rows, expected at most ${sourceLimits.tableCells.toLocaleString('en')} cells (short rows are padded to the header's width); split it`,
        )
        return
      }
    } else if (!blank && delimiterRow.test(rest.trimEnd()) && rest.includes('|')) {
      table = { columns: rest.split('|').filter((cell) => cell.trim() !== '').length, rows: 1, at: start }
    }
    if (blank) {
      previousBlank = true
      continue
    }
    const run = longRun.exec(rest)
    if (run) {
      fail(
        start + (line.length - rest.length) + run.index,
        `Unexpected run of ${run[0].length.toLocaleString('en')} \`${run[1]}\`, expected at most ${sourceLimits.delimiterRun.toLocaleString('en')} (emphasis nested that deep cannot be laid out); shorten it`,
      )
      return
    }
    const reach = Math.min(depth + markers, markers + Math.floor(columns / 2))
    depth = previousBlank ? reach : Math.max(depth, reach)
    previousBlank = false
    if (depth > sourceLimits.nesting) {
      fail(start, `Unexpected nesting of more than ${sourceLimits.nesting} blockquotes, lists or footnotes, expected at most ${sourceLimits.nesting} levels; flatten it`)
      return
    }
  }
}

/**
 * The container markers (`>`, list and footnote markers) and the columns of
 * indentation at the start of a line, and the rest of the line. A thematic
 * break (`- - -`, `* * *`) is not a list marker.
 */
function containerPrefix(line: string): { markers: number; columns: number; rest: string } {
  let markers = 0
  let columns = 0
  let index = 0
  const thematicFrom = new Map<string, number>()
  for (const mark of ['-', '*']) {
    let from = line.length
    while (from > 0 && (line[from - 1] === mark || line[from - 1] === ' ' || line[from - 1] === '\t')) from--
    thematicFrom.set(mark, from)
  }
  while (index < line.length) {
    const char = line[index] as string
    if (char === ' ') columns++
    else if (char === '\t') columns += 4 - (columns % 4)
    else if (char === '>') markers++
    else if ((char === '-' || char === '*' || char === '+') && /[ \t\r]|^$/.test(line[index + 1] ?? '')) {
      if (index >= (thematicFrom.get(char) ?? line.length)) break
      markers++
    } else if (/[0-9]/.test(char)) {
      const match = /^[0-9]{1,9}[.)](?=[ \t\r]|$)/.exec(line.slice(index, index + 11))
      if (!match) break
      markers++
      index += match[0].length
      continue
    } else if (char === '[') {
      footnoteStart.lastIndex = index
      const match = footnoteStart.exec(line)
      if (!match) break
      markers++
      index += match[0].length
      continue
    } else break
    index++
  }
  return { markers, columns, rest: line.slice(index) }
}
