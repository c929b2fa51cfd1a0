import type { VFile } from 'vfile'
import { frontMatterSchema, knownFrontMatterKeys, type FrontMatter } from './front-matter-schema.ts'
import { nodeAt, parseYamlBlock, report, validateYaml, type YamlBlock } from '../common/yaml-source.ts'
import { isMap } from 'yaml'
import { location } from 'vfile-location'
import { messageSource } from '../common/rules.ts'

/** A front matter block found at the top of a source. */
export interface FrontMatterBlock extends YamlBlock {
  /** Offset just past the closing fence line. */
  end: number
}

/** Found at the top, but never closed: `at` is the offset of the line that ended it, if one did. */
export interface UnclosedFrontMatter {
  unclosed: true
  /** The `--- name:sidebar` style line (webgen's multi-block pages) that stands where the closing fence should. */
  endedBy?: { line: string; offset: number }
}

const openFence = /^---[ \t]*\r?\n/
/** A line opening with a YAML document marker: `---` or `...`, alone or followed by text. */
const markerLine = /^(?:---|\.\.\.)(?:[ \t].*)?$/m
const bareFence = /^(?:---|\.\.\.)[ \t]*$/

/**
 * Find YAML front matter: `---` on the first line, closed by `---` or `...`
 * (a YAML document end) alone on a later line. A block whose YAML is not a
 * mapping is not front matter: a leading `---` can be a thematic break, as in
 * the markdown-it sample. A mapping never closed, or one ended by a marker
 * line with text after it (webgen's `--- name:sidebar`), is `unclosed`: as
 * pandoc and GitHub do, its opening `---` is then a thematic break and the
 * rest text.
 */
export function findFrontMatter(text: string): FrontMatterBlock | UnclosedFrontMatter | undefined {
  const open = openFence.exec(text)
  if (!open) return undefined
  const start = open[0].length
  const rest = text.slice(start)
  const close = markerLine.exec(rest)
  if (!close) return looksLikeMapping(rest) ? { unclosed: true } : undefined
  const body = rest.slice(0, close.index)
  if (!looksLikeMapping(body)) return undefined
  const line = close[0].replace(/\r$/, '')
  if (!bareFence.test(line)) return { unclosed: true, endedBy: { line, offset: start + close.index } }
  const lineEnd = text.indexOf('\n', start + close.index)
  return { text: body, offset: start, end: lineEnd === -1 ? text.length : lineEnd + 1 }
}

/** A first non-blank, non-comment line shaped like `key:`. */
function looksLikeMapping(body: string): boolean {
  const first = body.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  return first !== undefined && /^["']?[\w$.-][^:]*["']?:(?:\s|$)/.test(first)
}

/**
 * Parse and validate the front matter block of `file`; errors are reported
 * at their own line and column. Unknown fields are warnings.
 */
export function readFrontMatter(file: VFile, block: FrontMatterBlock): FrontMatter | undefined {
  const doc = parseYamlBlock(file, block, 'frontmatter-yaml')
  if (!doc) return undefined
  if (!isMap(doc.contents)) {
    report(file, block.offset, 'Unexpected front matter that is not a mapping, expected `key: value` lines', 'frontmatter-yaml')
    return undefined
  }
  for (const pair of doc.contents.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value)
    if (!knownFrontMatterKeys.has(key)) {
      const node = nodeAt(doc, [])
      const range = (pair.key as { range?: [number, number] } | null)?.range ?? node?.range
      const place = location(file).toPoint(block.offset + (range?.[0] ?? 0))
      file.message(`Unexpected front matter field \`${key}\`, expected one of ${[...knownFrontMatterKeys].map((k) => `\`${k}\``).join(', ')}; it is ignored`, {
        ...(place ? { place } : {}),
        ruleId: 'frontmatter-unknown',
        source: messageSource,
      })
    }
  }
  return validateYaml(file, doc, block, frontMatterSchema, 'frontmatter-field', (path) => `front matter field \`${path.join('.')}\``)
}

/**
 * Metadata written MultiMarkdown-style (`Title: …` lines at the top, no
 * fences). `lines` lists the metadata lines when a title or an author was found.
 */
export function readMultiMarkdownMeta(text: string): { title?: string; author?: string; lines?: string[] } {
  const meta: { title?: string; author?: string; lines?: string[] } = {}
  const lines: string[] = []
  for (const line of text.split(/\r?\n/, 50)) {
    const match = /^([A-Za-z][\w -]{0,40}):\s+(\S.*)$/.exec(line)
    if (!match) break
    lines.push(line)
    const key = (match[1] ?? '').toLowerCase()
    const value = (match[2] ?? '').trim()
    if (key === 'title') meta.title = value
    if (key === 'author') meta.author = value
  }
  if (meta.title !== undefined || meta.author !== undefined) meta.lines = lines
  return meta
}

/** Replace a range with spaces, keeping newlines, so offsets stay true. */
export function blankOut(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end)
}
