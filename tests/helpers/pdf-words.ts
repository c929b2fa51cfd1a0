import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { wordsOf } from './words.ts'

const run = promisify(execFile)

/** A word box of poppler's text layer (`pdftotext -bbox`), in points from the page's top left. */
export interface WordBox {
  left: number
  top: number
  right: number
  bottom: number
  text: string
}

export interface PageWords {
  /** 1-based. */
  page: number
  width: number
  height: number
  words: WordBox[]
}

/** Page margins of `templates/print.css` (`@page { margin: 22mm 20mm 24mm 20mm }`), in points. */
export const printMargin = { top: (22 * 72) / 25.4, right: (20 * 72) / 25.4, bottom: (24 * 72) / 25.4, left: (20 * 72) / 25.4 }

/** Run a poppler tool; a missing one fails saying how to install it. */
export async function poppler(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { maxBuffer: 256 * 1024 * 1024 })).stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`\`${command}\` is missing: install it with \`apt-get install poppler-utils\``, { cause: error })
    throw error
  }
}

const unescapeXml = (text: string): string =>
  text.replace(/&(?:lt|gt|quot|apos|amp);/g, (entity) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' })[entity] ?? entity)

/** Every page's word boxes, read by `pdftotext -bbox`. */
export async function pageWords(pdfFile: string): Promise<PageWords[]> {
  const layer = await poppler('pdftotext', ['-bbox', pdfFile, '-'])
  return layer
    .split('<page ')
    .slice(1)
    .map((page, index) => ({
      page: index + 1,
      width: Number(/width="([\d.]+)"/.exec(page)?.[1]),
      height: Number(/height="([\d.]+)"/.exec(page)?.[1]),
      words: [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((match) => ({
        left: Number(match[1]),
        top: Number(match[2]),
        right: Number(match[3]),
        bottom: Number(match[4]),
        text: unescapeXml(match[5] ?? ''),
      })),
    }))
}

const describe = (page: PageWords, word: WordBox): string =>
  `p${page.page} "${word.text}" x ${word.left.toFixed(1)}–${word.right.toFixed(1)} y ${word.top.toFixed(1)}–${word.bottom.toFixed(1)}`

/**
 * Words that leave the text block (the page less its margins, with half a
 * point's tolerance): left or right of it anywhere, or below it, except the
 * page number centred in the bottom margin; the running heads above it are
 * the top margin's own.
 */
export function outsideTextBlock(page: PageWords): string[] {
  const right = page.width - printMargin.right
  const foot = page.height - printMargin.bottom
  const pageNumber = (word: WordBox): boolean => /^\d+$/.test(word.text) && Math.abs((word.left + word.right) / 2 - page.width / 2) < 10
  return page.words
    .filter((word) => word.left < printMargin.left - 0.5 || word.right > right + 0.5 || (word.bottom > foot + 0.5 && !pageNumber(word)))
    .map((word) => describe(page, word))
}

/**
 * Pairs of words drawn over each other: boxes that share more than half a
 * point across and a quarter of the smaller one's height (a line's box is a
 * little taller than a tight line, so the lines of one cell touch).
 */
export function overlappingWords(page: PageWords): string[] {
  const found: string[] = []
  const words = [...page.words].sort((a, b) => a.left - b.left)
  for (let i = 0; i < words.length; i++) {
    const a = words[i] as WordBox
    for (let j = i + 1; j < words.length; j++) {
      const b = words[j] as WordBox
      if (b.left >= a.right - 0.5) break
      const across = Math.min(a.right, b.right) - Math.max(a.left, b.left)
      const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
      if (across > 0.5 && down > Math.min(a.bottom - a.top, b.bottom - b.top) / 4) found.push(`${describe(page, a)} over ${describe(page, b)}`)
    }
  }
  return found
}

/** A PDF's words as text, a word broken at a soft hyphen (or a line-end hyphen Chromium drew at one) joined again. */
export async function printedWords(pdfFile: string): Promise<string[]> {
  const text = await poppler('pdftotext', ['-enc', 'UTF-8', pdfFile, '-'])
  return wordsOf(text.replace(/\u00AD[-\u2010]?\s*/g, ''))
}

/**
 * The justified lines of a PDF's text block (lines that end at its right
 * edge), each with its widest word gap over the normal gap (the median gap of
 * lines that are not justified, paragraphs' last lines), and whether it holds
 * a long token (a word of 24 characters or more, or a piece of 12 or more of
 * an address broken at the line's start or end) in body-size text. Gaps are
 * in units of the line's tallest word. As pdf.test.ts measures the corpus.
 */
export function justifiedLines(pages: readonly PageWords[]): Array<{ ratio: number; text: string; long: boolean }> {
  const natural: number[] = []
  const lines: Array<{ gaps: number[]; text: string; long: boolean }> = []
  for (const page of pages) {
    const right = page.width - printMargin.right
    const words = page.words.filter((word) => word.top > printMargin.top - 2 && word.bottom < page.height - printMargin.bottom + 2)
    const rows: WordBox[][] = []
    for (const word of [...words].sort((a, b) => a.bottom - b.bottom || a.left - b.left)) {
      const row = rows.at(-1)
      const first = row?.[0]
      if (row && first && Math.abs(word.top + word.bottom - first.top - first.bottom) / 2 < (first.bottom - first.top) / 3) row.push(word)
      else rows.push([word])
    }
    for (const row of rows) {
      row.sort((a, b) => a.left - b.left)
      const last = row.at(-1)
      if (row.length < 2 || !last) continue
      const size = Math.max(...row.map((word) => word.bottom - word.top))
      const gaps = row.slice(1).map((word, index) => (word.left - (row[index] as WordBox).right) / size)
      const bare = (word: WordBox | undefined): string => (word && word.bottom - word.top > size * 0.95 ? word.text.replaceAll('\u00AD', '') : '')
      const piece = (word: WordBox | undefined): boolean => bare(word).length >= 12 && /[/?&=]|\.[^\s.]/.test(bare(word))
      const long = row.some((word) => bare(word).length >= 24) || piece(row[0]) || piece(last)
      if (Math.abs(last.right - right) < 1) lines.push({ gaps, text: row.map((word) => word.text).join(' '), long })
      else if (row.length >= 3) natural.push(...gaps)
    }
  }
  natural.sort((a, b) => a - b)
  const normal = natural[Math.floor(natural.length / 2)] ?? Number.NaN
  return lines.map(({ gaps, text, long }) => ({ ratio: Math.max(...gaps) / normal, text, long }))
}
