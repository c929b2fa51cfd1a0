import { Resvg } from '@resvg/resvg-js'
import type { Element, ElementContent } from 'xast'
import { toXml } from 'xast-util-to-xml'
import { x } from 'xastscript'
import { readOutlined } from './outlined-paths.ts'

/** How a block of the cover is set: its font stack, weight, slant and letter spacing (in em). */
export interface TextStyle {
  family: string
  weight: number
  italic: boolean
  letterSpacing: number
}

/** One block of text to measure, split into graphemes (the smallest pieces a line may break between). */
export interface MeasureBlock {
  graphemes: readonly string[]
  style: TextStyle
}

/** A grapheme's ink from its left to its right edge, in em, on the block's one line; `null` when it has none (a space). */
export type Ink = readonly [number, number] | null

/** What `measureInk` found for one block: each grapheme's ink, and how far right of its origin the ink of a line's first grapheme starts (em; may be negative, as a `J`'s hook). */
export interface BlockInk {
  ink: Ink[]
  /** By grapheme text; absent for CJK and ink-less graphemes (not measured alone). */
  bearing: Map<string, number>
}

/** Size the blocks are measured at; resvg draws outlines unhinted, so widths scale linearly. */
const measureSize = 100

/** The SVG attributes that set `style` at `size`. */
export function styleAttributes(style: TextStyle, size: number): Record<string, string> {
  return {
    'font-family': style.family,
    'font-size': String(size),
    'font-weight': String(style.weight),
    ...(style.italic ? { 'font-style': 'italic' } : {}),
    ...(style.letterSpacing ? { 'letter-spacing': String(round(style.letterSpacing * size)) } : {}),
  }
}

/** Graphemes per measured row: resvg's time grows with the square of the spans in one run of text. */
const rowLength = 24

/**
 * The ink of every grapheme of every block, measured by resvg itself with the
 * cover's fonts: each grapheme is set in its own `tspan` with a fill of its
 * own, and resvg's outlined tree (`toString`) gives each grapheme's path; its
 * coordinates, control points included, bound the ink (never less than it).
 * A block is set as one line cut in rows of `rowLength`; each row ends with
 * the next row's first grapheme, which ties the rows into one line. Graphemes
 * `alone` are also set each at its own origin, for their bearing. One resvg
 * tree for all, so the fonts load once.
 */
export function measureInk(blocks: readonly MeasureBlock[], fonts: object, lang: string, alone: (grapheme: string) => boolean): BlockInk[] {
  let index = 0
  let row = 0
  const texts: Element[] = []
  const span = (grapheme: string, attributes: Record<string, string> = {}): ElementContent => {
    index++
    return /^\s+$/u.test(grapheme) ? { type: 'text', value: grapheme } : x('tspan', { ...attributes, fill: colourOf(index) }, grapheme)
  }
  const text = (attributes: Record<string, string>, children: ElementContent[]): void => {
    texts.push(x('text', { x: '0', y: String(++row * measureSize * 2), 'xml:space': 'preserve', fill: '#000000', ...attributes }, children))
  }
  const plans = blocks.map((block) => {
    const attributes = styleAttributes(block.style, measureSize)
    const rows = rowStarts(block.graphemes)
    const ids = rows.map((first, k) => {
      const end = rows[k + 1] ?? block.graphemes.length
      const from = index + 1
      const children = block.graphemes.slice(first, end).map((grapheme) => span(grapheme))
      const next = block.graphemes[end]
      if (next !== undefined) children.push(span(next))
      text(attributes, children)
      return { from, probe: next === undefined ? undefined : index }
    })
    const singles = [...new Set(block.graphemes.filter(alone))]
    const singlesFrom = index + 1
    text(
      attributes,
      singles.map((grapheme, k) => span(grapheme, { x: String(k * measureSize * 4) })),
    )
    return { rows, ids, singles, singlesFrom }
  })
  const svg = x('svg', { xmlns: 'http://www.w3.org/2000/svg', width: '100', height: String((row + 1) * measureSize * 2) }, texts)
  const outlined = new Resvg(toXml(svg), { font: fonts, languages: [lang], logLevel: 'off' }).toString()
  const extents = new Map<number, [number, number]>()
  for (const path of readOutlined(outlined).paths) {
    const fill = path.fill ?? ''
    if (!/^#[0-9a-f]{6}$/i.test(fill)) continue
    const id = Number.parseInt(fill.slice(1), 16)
    const [left, right] = xRange(path.d)
    const known = extents.get(id)
    extents.set(id, known ? [Math.min(known[0], left), Math.max(known[1], right)] : [left, right])
  }
  return blocks.map((block, b) => {
    const { rows, ids, singles, singlesFrom } = plans[b] as (typeof plans)[number]
    const ink: Ink[] = []
    let offset = 0
    rows.forEach((first, k) => {
      const { from, probe } = ids[k] as (typeof ids)[number]
      const end = rows[k + 1] ?? block.graphemes.length
      for (let i = first; i < end; i++) {
        const extent = extents.get(from + i - first)
        ink.push(extent ? [(offset + extent[0]) / measureSize, (offset + extent[1]) / measureSize] : null)
      }
      // The next row's first grapheme, here and there: the offset between the rows.
      const here = probe === undefined ? undefined : extents.get(probe)
      const there = extents.get(ids[k + 1]?.from ?? -1)
      offset += here && there ? here[0] - there[0] : 0
    })
    const bearing = new Map<string, number>()
    singles.forEach((grapheme, k) => {
      const extent = extents.get(singlesFrom + k)
      if (extent) bearing.set(grapheme, (extent[0] - k * measureSize * 4) / measureSize)
    })
    return { ink, bearing }
  })
}

/** Where each measured row of `graphemes` starts: about every `rowLength`, on a grapheme with ink (not a space). */
function rowStarts(graphemes: readonly string[]): number[] {
  const starts = [0]
  for (let i = rowLength; i < graphemes.length; i++) {
    if (i - (starts[starts.length - 1] as number) >= rowLength && /[\p{L}\p{N}]/u.test(graphemes[i] as string)) starts.push(i)
  }
  return starts
}

/** The fill that marks the grapheme numbered `index` (from 1; `#000000` is the spaces'). */
function colourOf(index: number): string {
  return `#${index.toString(16).padStart(6, '0')}`
}

/** Least and greatest x of a path's points (usvg writes absolute `M`, `L`, `Q`, `C` and `Z`: x, y pairs only). */
function xRange(d: string): [number, number] {
  const numbers = d.split(/[\s,]+|(?=[A-Za-z])|(?<=[A-Za-z])/).filter((token) => token !== '' && !/^[A-Za-z]$/.test(token))
  let least = Number.POSITIVE_INFINITY
  let greatest = Number.NEGATIVE_INFINITY
  for (let i = 0; i < numbers.length; i += 2) {
    const value = Number(numbers[i])
    if (value < least) least = value
    if (value > greatest) greatest = value
  }
  return [least, greatest]
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
