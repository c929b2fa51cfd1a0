import type { Element, ElementContent } from 'hast'

/** Whether a node is white space only. */
const blank = (node: ElementContent): boolean => node.type === 'text' && node.value.trim() === ''

/**
 * A cell's content in pieces that may end a page: its sentences (text split
 * after `.`, `!`, `?`, `:` or `;` and a space; inline elements whole), inside
 * its one paragraph if it has one. Undefined when the cell holds other blocks
 * (lists, several paragraphs), which are left whole.
 */
function piecesOf(cell: Element): { pieces: ElementContent[][]; wrap?: Element } | undefined {
  const content = cell.children.filter((child) => !blank(child))
  const only = content.length === 1 ? content[0] : undefined
  const wrap = only?.type === 'element' && only.tagName === 'p' ? only : undefined
  const inline = wrap ? wrap.children : cell.children
  if (inline.some((child) => child.type === 'element' && ['p', 'div', 'ul', 'ol', 'pre', 'blockquote', 'table', 'dl', 'figure', 'hr'].includes(child.tagName))) return undefined
  const pieces: ElementContent[][] = [[]]
  for (const child of inline) {
    if (child.type !== 'text') {
      pieces.at(-1)?.push(child)
      continue
    }
    child.value.split(/(?<=[.!?:;]\s+)/).forEach((part, index) => {
      if (index > 0) pieces.push([])
      pieces.at(-1)?.push({ type: 'text', value: part })
    })
  }
  return { pieces: pieces.filter((piece) => piece.length > 0), ...(wrap ? { wrap } : {}) }
}

/**
 * A table row too tall for a page, as rows that each fit: Paged.js breaks a
 * page between rows cleanly, but inside a row it loses or repeats lines (and
 * moves the other cells' text to the next page). Each cell's sentences are
 * shared out, in order, over as many rows as its text needs at `limit` points
 * a row (`heightOf` estimates the height of some of a cell's content); a cell
 * with less text leaves the later rows empty. The rows read as one: print-text.css
 * draws no rule between them (`row-continues`, `row-continued`). Returns the
 * rows, or the row alone when it cannot be split (a cell spanning rows or
 * columns, or holding blocks other than one paragraph).
 */
export function splitTallRow(row: Element, heightOf: (cell: Element, content: ElementContent[]) => number, limit: number): Element[] {
  const cells = row.children.filter((child): child is Element => child.type === 'element' && (child.tagName === 'td' || child.tagName === 'th'))
  if (cells.some((cell) => Number(cell.properties.colSpan ?? 1) > 1 || Number(cell.properties.rowSpan ?? 1) > 1)) return [row]
  const split = cells.map(piecesOf)
  if (split.some((entry) => entry === undefined)) return [row]
  const chunks = cells.map((cell, index) => {
    const found: ElementContent[][] = [[]]
    for (const piece of (split[index] as NonNullable<(typeof split)[number]>).pieces) {
      const current = found.at(-1) as ElementContent[]
      if (current.length > 0 && heightOf(cell, [...current, ...piece]) > limit) found.push([...piece])
      else current.push(...piece)
    }
    return found
  })
  const count = Math.max(...chunks.map((found) => found.length))
  if (count < 2) return [row]
  const own = Array.isArray(row.properties.className) ? row.properties.className : []
  return Array.from({ length: count }, (_, at) => ({
    ...row,
    properties: { ...row.properties, className: [...own, ...(at > 0 ? ['row-continued'] : []), ...(at < count - 1 ? ['row-continues'] : [])] },
    children: cells.map((cell, index) => {
      const content = chunks[index]?.[at] ?? []
      const wrap = split[index]?.wrap
      const properties = at === 0 ? cell.properties : { ...cell.properties, id: undefined }
      return { ...cell, properties, children: wrap && content.length > 0 ? [{ ...wrap, children: content }] : content }
    }),
  }))
}
