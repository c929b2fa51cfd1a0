import type { Element, ElementContent, Root } from 'hast'
import { h } from 'hastscript'
import { visit } from 'unist-util-visit'
import { hyphenateCapitalised } from './hyphenate.ts'
import { splitTallRow } from './tall-rows.ts'

/**
 * A table's set, from the body size down: the CSS class (print-text.css), the font
 * size in points and the padding either side of a cell in points (a border
 * of 0.5 pt included). A step is taken only when the longest words of the
 * columns do not fit beside each other at the step before.
 */
const steps = [
  { className: undefined, size: 9.66, padding: 4.75 },
  { className: 'table-compact', size: 8.5, padding: 3.1 },
  { className: 'table-small', size: 7.5, padding: 2.2 },
  { className: 'table-smallest', size: 6.5, padding: 1.7 },
] as const
/** The text block's width in points: A4 less its margins (Letter's is wider), 170 mm. */
const measure = (170 * 72) / 25.4
/**
 * A row estimated taller than this (in points, a third of the text block's
 * height) may break across pages (`tr.tall-row`): Paged.js loses or repeats
 * the lines of a row kept whole (`break-inside: avoid`) that is taller than a page.
 */
const tallRow = 240
/** The height of each row a tall row is split into, in points (a little under a quarter of the text block). */
const rowPart = 160
/** A piece wider than this (in em) breaks anywhere rather than widen its column. */
const longestPiece = 10

/** Advance widths of printable ASCII (U+0020 to U+007E) in Noto Serif Regular, in em (from its `hmtx` table). */
const asciiWidths = [
  0.26, 0.332, 0.408, 0.559, 0.559, 0.896, 0.742, 0.22, 0.346, 0.346, 0.5, 0.559, 0.25, 0.31, 0.25, 0.288, 0.559, 0.559, 0.559, 0.559, 0.559, 0.559, 0.559, 0.559, 0.559, 0.559,
  0.286, 0.286, 0.559, 0.559, 0.559, 0.474, 0.921, 0.705, 0.654, 0.614, 0.727, 0.623, 0.59, 0.714, 0.793, 0.367, 0.357, 0.7, 0.623, 0.938, 0.763, 0.742, 0.604, 0.742, 0.656, 0.544,
  0.613, 0.717, 0.675, 1.047, 0.66, 0.625, 0.592, 0.36, 0.288, 0.36, 0.559, 0.459, 0.274, 0.563, 0.614, 0.492, 0.614, 0.535, 0.369, 0.538, 0.635, 0.32, 0.3, 0.585, 0.31, 0.945,
  0.645, 0.577, 0.614, 0.614, 0.471, 0.451, 0.352, 0.635, 0.579, 0.862, 0.578, 0.565, 0.511, 0.428, 0.559, 0.428, 0.559,
]
/** Added to each column's estimates, in em. */
const slack = 0.3
/** Bold is about this much wider (Noto Serif Bold over Regular, averaged over letters). */
const boldFactor = 1.09

/** Width of a character in em: Noto Serif's for ASCII, Noto Sans Mono's (0.6 em, set at 0.86, at 1 in small tables: the larger) in code, wide for CJK, else an average letter. */
function charWidth(char: string, mono: boolean): number {
  if (mono) return 0.6
  const code = char.codePointAt(0) ?? 0
  if (code >= 0x20 && code < 0x7f) return asciiWidths[code - 0x20] as number
  if (/\s/.test(char)) return 0.26
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(char)) return 1
  return 0.62
}

interface Extent {
  /** The cell on one line, in em. */
  max: number
  /** Its widest piece that may not break (capped at `longestPiece`), in em. */
  min: number
  /** All its lines end to end, in em, and how many lines it starts (`br`, blocks). */
  total: number
  lines: number
}

/** A cell's widths: lines end at `br` and blocks; pieces at spaces, soft hyphens, dashes and `<wbr>`. */
function extentOf(cell: Element): Extent {
  let max = 0
  let min = 0
  let line = 0
  let piece = 0
  let total = 0
  let lines = 0
  const endPiece = (): void => {
    min = Math.max(min, Math.min(piece, longestPiece))
    piece = 0
  }
  const endLine = (): void => {
    endPiece()
    max = Math.max(max, line)
    total += line
    if (line > 0) lines++
    line = 0
  }
  const walk = (node: ElementContent, mono: boolean, bold: boolean): void => {
    if (node.type === 'element') {
      if (node.tagName === 'br' || node.tagName === 'wbr') {
        if (node.tagName === 'br') endLine()
        else endPiece()
        return
      }
      const block = ['p', 'div', 'li', 'pre', 'ul', 'ol', 'blockquote', 'table', 'tr', 'dd', 'dt'].includes(node.tagName)
      if (block) endLine()
      const inMono = mono || ['code', 'kbd', 'samp', 'pre'].includes(node.tagName)
      const inBold = bold || ['strong', 'b', 'th'].includes(node.tagName)
      for (const child of node.children) walk(child, inMono, inBold)
      if (block) endLine()
      return
    }
    if (node.type !== 'text') return
    for (const char of node.value) {
      if (char === '\n' && mono) endLine()
      else if (/\s/.test(char)) {
        endPiece()
        line += charWidth(' ', mono)
      } else if (char === '\u00AD') {
        // A break at a soft hyphen draws a hyphen.
        piece += charWidth('-', mono)
        endPiece()
      } else {
        const width = charWidth(char, mono) * (bold ? boldFactor : 1)
        line += width
        piece += width
        // Chromium breaks after a hyphen; inside an address only at `<wbr>` (a long token's).
        if (/[-\u2010\u2013\u2014]/.test(char)) endPiece()
      }
    }
  }
  walk(cell, false, cell.tagName === 'th')
  endLine()
  return { max, min, total, lines }
}

/**
 * The width `level` at which columns of `wants` widths, each cut down to it,
 * add up to `room`: the widest words break, columns of short words stay whole.
 */
function levelFor(wants: readonly number[], room: number): number {
  const sorted = [...wants].sort((a, b) => a - b)
  let left = room
  for (let index = 0; index < sorted.length; index++) {
    const want = sorted[index] as number
    const level = left / (sorted.length - index)
    if (want >= level) return level
    left -= want
  }
  return sorted.at(-1) ?? room
}

/** Each row's cells with the column each starts at, `colspan` and `rowspan` taken into account. */
function grid(table: Element): Array<{ cell: Element; column: number; row: Element }> {
  const rows: Element[] = []
  visit(table, 'element', (node, _index, parent) => {
    if (node !== table && node.tagName === 'table') return 'skip'
    if (node.tagName === 'tr' && parent) rows.push(node)
    return undefined
  })
  const placed: Array<{ cell: Element; column: number; row: Element }> = []
  const taken: number[] = [] // rows still covered by a rowspan, by column
  for (const row of rows) {
    let column = 0
    for (const cell of row.children) {
      if (cell.type !== 'element' || (cell.tagName !== 'td' && cell.tagName !== 'th')) continue
      while ((taken[column] ?? 0) > 0) column++
      const span = Math.max(1, Number(cell.properties.colSpan) || 1)
      const down = Math.max(1, Number(cell.properties.rowSpan) || 1)
      if (span === 1) placed.push({ cell, column, row })
      for (let at = column; at < column + span; at++) taken[at] = down
      column += span
    }
    for (let at = 0; at < taken.length; at++) taken[at] = Math.max(0, (taken[at] ?? 0) - 1)
  }
  return placed
}

/**
 * Rows estimated taller than `tallRow` become rows of `rowPart` points
 * (`splitTallRow`); one that cannot be split is marked `tall-row`, which
 * print.css lets break across pages.
 */
function splitTallRows(table: Element, cellHeight: (cell: Element) => number, heightOf: (cell: Element, content: ElementContent[]) => number): void {
  visit(table, 'element', (row, index, parent) => {
    if (row !== table && row.tagName === 'table') return 'skip'
    if (row.tagName !== 'tr' || !parent || index === undefined || parent.type !== 'element' || parent.tagName === 'thead') return undefined
    const cells = row.children.filter((child): child is Element => child.type === 'element')
    if (Math.max(0, ...cells.map(cellHeight)) <= tallRow) return 'skip'
    const rows = splitTallRow(row, heightOf, rowPart)
    if (rows.length === 1) row.properties.className = [...(Array.isArray(row.properties.className) ? row.properties.className : []), 'tall-row']
    parent.children.splice(index, 1, ...rows)
    return ['skip', index + rows.length]
  })
}

/** Each column's widest line and widest unbreakable piece, over the cells that start in it alone. */
function columnsOf(table: Element): Extent[] {
  const columns: Extent[] = []
  for (const { cell, column } of grid(table)) {
    const { max, min } = extentOf(cell)
    const known = columns[column] ?? { max: 0, min: 0, total: 0, lines: 0 }
    // A little over the estimate: kerning, synthetic bold and rounding never push a word out of its column.
    columns[column] = { max: Math.max(known.max, max + slack), min: Math.max(known.min, min + slack), total: 0, lines: 0 }
  }
  return Array.from(columns, (extent) => extent ?? { max: 0, min: 0, total: 0, lines: 0 })
}

type Step = (typeof steps)[number]

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)

/** Whether the columns' longest words fit beside each other at `step`, in `share` of the measure. */
const fitsAt = (columns: readonly Extent[], step: Step, share = 1): boolean =>
  sum(columns.map((column) => column.min)) * step.size + columns.length * 2 * step.padding <= measure * share

/**
 * Fit every table to the text block, as a typesetter would. print-text.css lays
 * tables out fixed (`table-layout: fixed`, cells wrapping anywhere), so a
 * table is never wider than the text block and its cells never overlap; this
 * gives each column its share of the width (a `<col>` width) from its content,
 * as a browser's automatic layout would, but never narrower than its longest
 * word where the words fit. A table whose words do not fit at the body's
 * table size gets soft hyphens in its capitalised words too (headers such as
 * "Dependencies", in `lang`), and is set smaller (`table-compact`,
 * `table-small`, `table-smallest`: down to 6.5 pt, with narrower padding).
 * Only when its words do not fit at 6.5 pt either do the longest break
 * inside. A row too tall to be kept whole on a page is marked to break.
 * A table with its own `<colgroup>` keeps it.
 */
export function fitTables(tree: Root, lang?: string): void {
  visit(tree, 'element', (table) => {
    if (table.tagName !== 'table' || table.children.some((child) => child.type === 'element' && child.tagName === 'colgroup')) return
    let columns = columnsOf(table)
    const count = columns.length
    if (count === 0) return
    if (lang && !fitsAt(columns, steps[0])) {
      hyphenateCapitalised({ type: 'root', children: [table] }, lang)
      columns = columnsOf(table)
    }
    // The largest size at which the longest words take at most 85% of the width, leaving some for the
    // columns of running text; else the largest at which they fit at all.
    const step =
      steps.find((candidate) => fitsAt(columns, candidate, sum(columns.map((column) => column.max)) * candidate.size > measure ? 0.85 : 1)) ??
      steps.find((candidate) => fitsAt(columns, candidate)) ??
      steps[3]
    const room = (measure - count * 2 * step.padding) / step.size
    const mins = columns.map((column) => column.min)
    const sumMin = sum(mins)
    const sumMax = sum(columns.map((column) => column.max))
    const level = levelFor(mins, room)
    // Widths in em of text: by content where it all fits on one line, else from the longest words up, else the longest words break.
    const widths = columns.map(({ max, min }) => {
      if (sumMax <= room) return sumMax > 0 ? (max * room) / sumMax : room / count
      if (sumMin <= room) return min + ((room - sumMin) * (max - min)) / Math.max(sumMax - sumMin, Number.EPSILON)
      return Math.min(min, level)
    })
    const outer = widths.map((width) => width * step.size + 2 * step.padding)
    const total = sum(outer)
    const percent = outer.map((width) => `width: ${((width / total) * 100).toFixed(2)}%`)
    const caption = table.children.findIndex((child) => child.type === 'element' && child.tagName === 'caption')
    table.children.splice(
      caption + 1,
      0,
      h(
        'colgroup',
        percent.map((style) => h('col', { style })),
      ),
    )
    // On every cell too: where Paged.js breaks a row across pages, the part on the next page is a new table without the colgroup.
    const columnOf = new Map<Element, number>()
    for (const { cell, column } of grid(table)) {
      cell.properties.style = percent[column]
      columnOf.set(cell, column)
    }
    // Lines some content of a cell will take (a tenth more for the words that do not fill a line), in points.
    const heightOf = (cell: Element, content: ElementContent[]): number => {
      const { total, lines } = extentOf({ ...cell, children: content })
      return Math.max(lines, Math.ceil((total * 1.1) / Math.max(widths[columnOf.get(cell) ?? 0] ?? 1, 1))) * step.size * 1.35
    }
    splitTallRows(table, (cell) => (columnOf.has(cell) ? heightOf(cell, cell.children) : 0), heightOf)
    if (step.className) table.properties.className = [...(Array.isArray(table.properties.className) ? table.properties.className : []), step.className]
  })
}
