import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { Readability } from '@mozilla/readability'
import { JSDOM } from 'jsdom'
import type { Nodes, Root } from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { readSource } from '../../pipeline/source/read-source.ts'

/**
 * How other clients read a page (issue 17): Reader View's Readability, a
 * text browser, and the source's own text blocks to judge them against.
 */

// ---------------------------------------------------------------- Reader View

/**
 * What Reader View shows (Firefox's Readability, on jsdom): the title, and
 * the article's text with each image read as its alt text.
 */
export function readerView(html: string, url: string): { title: string; text: string } {
  const dom = new JSDOM(html, { url })
  try {
    const article = new Readability(dom.window.document).parse()
    if (!article) throw new Error(`Unexpected page \`${url}\` Readability finds no article in, expected one`)
    const content = JSDOM.fragment(article.content ?? '')
    for (const image of Array.from(content.querySelectorAll('img'))) image.replaceWith(` ${image.getAttribute('alt') ?? ''} `)
    return { title: article.title ?? '', text: content.textContent ?? '' }
  } finally {
    dom.window.close()
  }
}

// ---------------------------------------------------------------- w3m

const w3mInstallHint = 'install it with `apt-get install --no-install-recommends w3m` (`make test` does)'

/**
 * `w3m -dump` of an HTML file: the text a text browser shows, wide enough
 * that table cells are not wrapped, and deleted or inserted text shown as
 * text rather than between `[DEL:` markers. A missing w3m is an error, never
 * a skip.
 */
export async function w3mDump(file: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('w3m', ['-dump', '-T', 'text/html', '-I', 'UTF-8', '-O', 'UTF-8', '-cols', '2000', '-o', 'display_ins_del=2', file], {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    })
    return stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`Unexpected missing \`w3m\`, expected a text browser to read the HTML edition with: ${w3mInstallHint}`, { cause: error })
    throw error
  }
}

// ---------------------------------------------------------------- the source's text blocks

/** Letters, marks and digits only: what is compared, so wrapping, punctuation and markup do not matter. */
export function letters(text: string): string {
  return (text.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).join('')
}

/** A text block of the source: a paragraph, heading, table cell or code block, as read aloud. */
export interface SourceBlock {
  kind: string
  /** Its text, footnote calls read as their numbers. */
  text: string
}

/** The source's text blocks: the title heading, the body's in order, and each footnote's, by number. */
export interface SourceFlow {
  /** The first heading when it is an `h1` and the front matter has no title: the editions make it the page's title. */
  title?: SourceBlock
  body: SourceBlock[]
  notes: SourceBlock[][]
}

const blockKinds = new Set(['paragraph', 'heading', 'tableCell', 'code'])

/**
 * The text blocks of a Markdown source, read independently of the
 * editions: footnote calls become their numbers (in order of first call, as
 * GFM numbers them), raw HTML blocks are left out (their text is judged by
 * the word-fidelity tests), raw inline tags are dropped and their text kept.
 */
export async function sourceFlow(sourcePath: string): Promise<SourceFlow> {
  const file = await readSource(sourcePath)
  const tree = unified().use(remarkParse).use(remarkGfm).parse(String(file.value)) as Root
  const definitions = new Map<string, Nodes>()
  visit(tree, 'footnoteDefinition', (node) => {
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
  })
  const body: SourceBlock[] = []
  const numbers = new Map<string, number>()
  const numberOf = (identifier: string): number => {
    if (!numbers.has(identifier)) numbers.set(identifier, numbers.size + 1)
    return numbers.get(identifier) as number
  }
  const textOf = (node: Nodes): string => {
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') return node.value
    if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? ''
    if (node.type === 'footnoteReference') return definitions.has(node.identifier) ? ` ${numberOf(node.identifier)} ` : ''
    if (node.type === 'html') return ''
    if (node.type === 'break') return ' '
    return 'children' in node ? node.children.map((child) => textOf(child as Nodes)).join('') : ''
  }
  let title: SourceBlock | undefined
  let headings = 0
  const blocksOf = (node: Nodes, into: SourceBlock[]): void => {
    if (node.type === 'footnoteDefinition') return
    if (blockKinds.has(node.type)) {
      const text = textOf(node)
      const block = { kind: node.type, text }
      if (node.type === 'heading' && into === body && headings++ === 0 && node.depth === 1 && file.data.article?.meta.title === '') title = block
      else if (letters(text) !== '') into.push(block)
      return
    }
    if ('children' in node) for (const child of node.children) blocksOf(child as Nodes, into)
  }
  blocksOf(tree, body)
  const notes: SourceBlock[][] = []
  // Notes called from notes get their numbers after the body's, in the order they are reached.
  for (let index = 0; index < numbers.size; index++) {
    const identifier = [...numbers].find(([, number]) => number === index + 1)?.[0] as string
    const blocks: SourceBlock[] = []
    for (const child of (definitions.get(identifier) as { children: Nodes[] }).children) blocksOf(child, blocks)
    notes.push(blocks)
  }
  return title ? { title, body, notes } : { body, notes }
}

// ---------------------------------------------------------------- judging a reading

/**
 * Where `reading` does not read `blocks` whole and in order: each block's
 * letters must appear unbroken (so nothing, such as a note or a definition,
 * sits inside a sentence), after the previous block's. Returns one line per
 * block that fails, with what the reading has where the block breaks off.
 */
export function flowProblems(blocks: readonly SourceBlock[], reading: string, options: { inOrder?: boolean } = {}): string[] {
  const stream = letters(reading)
  const inOrder = options.inOrder ?? true
  const problems: string[] = []
  let cursor = 0
  for (const block of blocks) {
    const wanted = letters(block.text)
    const at = stream.indexOf(wanted, inOrder ? cursor : 0)
    if (at >= 0) {
      cursor = at + wanted.length
      continue
    }
    // The longest beginning of the block the reading has (after the cursor), and what follows it there.
    let low = 0
    let high = wanted.length
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if (stream.indexOf(wanted.slice(0, middle), inOrder ? cursor : 0) >= 0) low = middle
      else high = middle - 1
    }
    const start = stream.indexOf(wanted.slice(0, low), inOrder ? cursor : 0)
    const excerpt = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text)
    problems.push(
      low === 0
        ? `${block.kind} missing${inOrder ? ' (or out of order)' : ''}: «${excerpt(block.text.trim())}»`
        : `${block.kind} broken after «${excerpt(wanted.slice(Math.max(0, low - 40), low))}»: expected «${excerpt(wanted.slice(low))}», read «${excerpt(stream.slice(start + low))}»`,
    )
  }
  return problems
}
