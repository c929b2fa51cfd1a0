import { Resvg } from '@resvg/resvg-js'
import type { ArticleMeta } from '../../common/article.ts'
import { formatDate } from '../title-block.ts'
import { coverFontOptions, sansFamily, serifFamily } from './cover-fonts.ts'
import { graphemesOf, fitLines, inkWidthOf } from './cover-lines.ts'
import { type BlockInk, measureInk, type TextStyle } from './cover-measure.ts'
import { bandedPng, type RowBand } from './cover-png.ts'
import { type Outlined, readOutlined } from './outlined-paths.ts'
import { type CoverBrand, coverDesign, coverSvg, type CoverLine, logoBox } from './cover-svg.ts'

/** A block of the cover: its text, how it is set, the space above it, and at most how many lines. */
interface Block {
  text: string
  style: TextStyle
  size: number
  lineHeight: number
  gap: number
  maxLines: number
}

/** Noto's ascent and descent (em): a line's baseline sits as CSS puts it in its line box. */
const ascent = 1.069
const descent = 0.293
/** Least title size before the blocks above are cut with an ellipsis instead of shrunk further. */
const leastTitle = 24
/** Ideographs, kana and Hangul. */
const cjkLetter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u
/** How far left and right of its origin a CJK letter's ink may start (em). */
const cjkBearing = [0.02, 0.15] as const
/** Least space between the blocks at the top and the publisher and date at the foot. */
const footGap = 48

const serif = (weight: number, italic = false): TextStyle => ({ family: serifFamily, weight, italic, letterSpacing: 0 })
const sans: TextStyle = { family: sansFamily, weight: 400, italic: false, letterSpacing: 0 }

/** Title size, smaller for longer titles (then smaller still until everything fits). */
function titleSize(title: string): number {
  const length = [...title].length
  if (length <= 30) return 88
  if (length <= 60) return 72
  if (length <= 110) return 58
  if (length <= 180) return 46
  return 36
}

/**
 * The cover's SVG: title, subtitle, authors, and publisher and date at the
 * foot, each block broken into lines that fit the margins, measured with the
 * cover's real fonts by resvg (`measureInk`). A title too long for its size
 * gets smaller; past `leastTitle`, the blocks are cut with an ellipsis. Every
 * line is then checked where it is drawn: one that would leave the margins
 * narrows the measure and the lines are broken again.
 */
export function coverLayout(meta: ArticleMeta, brand: CoverBrand = {}): { svg: string; lines: CoverLine[]; resvg: Resvg; ink: RowBand[] } {
  const lang = localeOf(meta.lang)
  const top: Block[] = [
    { text: meta.title, style: serif(700), size: titleSize(meta.title), lineHeight: 1.12, gap: 0, maxLines: Number.POSITIVE_INFINITY },
    { text: meta.subtitle ?? '', style: serif(400, true), size: 36, lineHeight: 1.25, gap: 32, maxLines: Number.POSITIVE_INFINITY },
    { text: meta.authors.join(', '), style: serif(400), size: 42, lineHeight: 1.3, gap: 64, maxLines: Number.POSITIVE_INFINITY },
  ].filter((block) => block.text.trim() !== '')
  const foot: Block[] = [
    { text: (meta.publisher ?? '').toLocaleUpperCase(lang), style: { ...sans, letterSpacing: 0.12 }, size: 30, lineHeight: ascent + descent, gap: 0, maxLines: 2 },
    { text: meta.date ? formatDate(meta.date, meta.lang) : '', style: sans, size: 26, lineHeight: ascent + descent, gap: 12, maxLines: 2 },
  ].filter((block) => block.text.trim() !== '')
  const blocks = [...top, ...foot]
  const fonts = coverFontOptions(blocks.map((block) => block.text).join('\n'))
  // Each block measured once, an ellipsis after it for cutting.
  const graphemes = blocks.map((block) => graphemesOf(block.text, lang))
  const ink = measureInk(
    blocks.map((block, i) => ({ graphemes: [...(graphemes[i] as string[]), ' ', '…'], style: block.style })),
    fonts,
    lang,
    // Ideographs, kana and Hangul fill their em box alike; the rest (CJK punctuation included) is measured alone.
    (grapheme) => !cjkLetter.test(grapheme) && !/^\s+$/u.test(grapheme),
  )
  type Setter = (block: Block, i: number, size: number, maxLines: number) => CoverLine[]
  const layout = (setBlock: Setter): CoverLine[] => {
    // The foot, from the bottom up.
    const footLines = foot.map((block, i) => setBlock(block, top.length + i, block.size, block.maxLines))
    const footHeight = foot.reduce((sum, block, i) => sum + block.gap + (footLines[i]?.length ?? 0) * block.lineHeight * block.size, 0)
    let y = coverDesign.bottom - footHeight
    const placedFoot = foot.flatMap((block, i) => {
      y += block.gap
      const lines = (footLines[i] ?? []).map((line) => ({ ...line, y: line.y + y }))
      y += lines.length * block.lineHeight * block.size
      return lines
    })
    const room = coverDesign.bottom - footHeight - footGap - (coverDesign.top + coverDesign.rule.height + coverDesign.rule.below)
    return [...setTop(top, room, setBlock), ...placedFoot]
  }
  /** Block `i`'s lines at `size`, each `y` its baseline below the block's top. */
  const set = (block: Block, i: number, size: number, maxLines: number, narrower: number): CoverLine[] => {
    const { ink: own, bearing } = ink[i] as BlockInk
    const chars = graphemes[i] as string[]
    // How far left of the line's origin its ink reaches, and then how far right of the margin it starts.
    // A CJK letter, not measured alone, sits in its em box: its ink starts between `cjkBearing` left and right.
    const reach = (start: number): number => Math.max(0, -(bearing.get(chars[start] as string) ?? -cjkBearing[0]))
    const lead = (start: number): number => {
      const measured = bearing.get(chars[start] as string)
      return measured === undefined ? cjkBearing[0] + cjkBearing[1] : Math.max(0, measured)
    }
    const measure = (coverDesign.right - coverDesign.left - narrower) / size
    const ellipsis = inkWidthOf(own, chars.length + 1, chars.length + 2) + 0.1
    return fitLines(chars, own, lead, measure, maxLines, ellipsis).map((line, n) => ({
      text: chars.slice(line.start, line.end).join('') + (line.ellipsis ? '…' : ''),
      // A line whose first glyph reaches left of its origin (a `J`'s hook) moves right by as much.
      x: coverDesign.left + reach(line.start) * size,
      y: n * block.lineHeight * size + size * (block.lineHeight / 2 + (ascent - descent) / 2),
      size,
      style: block.style,
    }))
  }
  let narrower = 0
  let lines: CoverLine[] = []
  for (let attempt = 0; attempt < 6; attempt++) {
    if (lines.length === 0) lines = layout((block, i, size, maxLines) => set(block, i, size, maxLines, narrower))
    const svg = coverSvg(lines, lang, brand)
    // The tree that is checked is the one drawn.
    const resvg = new Resvg(svg, { font: fonts, languages: [lang], fitTo: { mode: 'zoom', value: coverDesign.scale }, logLevel: 'off' })
    const outlined = readOutlined(resvg.toString())
    const overflows = overflowsOf(outlined)
    if (overflows.every(([left, right]) => left <= 0 && right <= 0)) return { svg, lines, resvg, ink: inkOf(outlined, brand) }
    const right = Math.max(...overflows.map(([left, right]) => right + Math.max(0, left)))
    if (right > 0) {
      // Too wide: break the lines again on a narrower measure.
      narrower += Math.ceil(right) + 1
      lines = []
    } else {
      // A glyph reaching left of its origin (a `J`'s hook): the line moves right.
      lines = lines.map((line, i) => ({ ...line, x: line.x + Math.max(0, Math.ceil((overflows[i]?.[0] ?? 0) * 100) / 100) }))
    }
  }
  throw new Error('Unexpected cover text outside the margins, expected it to fit after narrowing the measure')
}

/** The top blocks at the largest scale whose lines fit in `room`; at the least title size, cut to fit. */
function setTop(top: readonly Block[], room: number, set: (block: Block, i: number, size: number, maxLines: number) => CoverLine[]): CoverLine[] {
  const title = top[0]
  for (let scale = 1; ; scale *= 0.92) {
    const least = title ? title.size * scale < leastTitle : true
    const sized = top.map((block, i) => {
      const size = i === 0 ? Math.max(leastTitle, block.size * scale) : block.size * Math.max(scale, 0.7)
      if (!least) return { block, size, maxLines: block.maxLines }
      // Cut: two lines for each block below the title, the rest of the room for the title.
      const others = top.slice(1).reduce((sum, other) => sum + other.gap + 2 * other.lineHeight * other.size * Math.max(scale, 0.7), 0)
      return { block, size, maxLines: i === 0 ? Math.max(1, Math.floor((room - others) / (block.lineHeight * size))) : 2 }
    })
    let y = coverDesign.top + coverDesign.rule.height + coverDesign.rule.below
    const lines = sized.flatMap(({ block, size, maxLines }, i) => {
      y += block.gap * (i === 0 ? 1 : Math.max(scale, 0.7))
      const set_ = set(block, i, size, maxLines).map((line) => ({ ...line, y: line.y + y }))
      y += set_.length * block.lineHeight * size
      return set_
    })
    if (least || y - (coverDesign.top + coverDesign.rule.height + coverDesign.rule.below) <= room) return lines
  }
}

/**
 * Where anything but the paper is drawn, in user units: every path of resvg's
 * outlined tree but the first (the paper itself), two units more above and
 * below for their edges' shading, and the logo's box.
 */
function inkOf({ paths }: Outlined, brand: CoverBrand): RowBand[] {
  const bands = paths.slice(1).flatMap((path) => {
    const ys = coordinatesOf(path.d).filter((_, i) => i % 2 === 1)
    return ys.length > 0 ? [{ top: Math.min(...ys) - 2, bottom: Math.max(...ys) + 2 }] : []
  })
  return brand.logo ? [...bands, { top: logoBox.y - 2, bottom: logoBox.y + logoBox.height + 2 }] : bands
}

/** The numbers of a path's outline as resvg writes it (absolute commands, x and y in turn). */
function coordinatesOf(d: string): number[] {
  return d
    .split(/[\s,]+|(?=[A-Za-z])|(?<=[A-Za-z])/)
    .filter((token) => token !== '' && !/^[A-Za-z]$/.test(token))
    .map(Number)
}

/** How far (user units) each line's ink leaves the left and the right margin in resvg's outlined tree (≤ 0: not at all), by line. */
function overflowsOf({ paths, groups }: Outlined): Array<[number, number]> {
  const overflows: Array<[number, number]> = []
  // Every line's group, with ink or not.
  for (const id of groups) if (id.startsWith('line-')) overflows[Number(id.slice('line-'.length))] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]
  for (const path of paths) {
    const line = path.groups.find((id) => id.startsWith('line-'))
    const overflow = line === undefined ? undefined : overflows[Number(line.slice('line-'.length))]
    if (!overflow) continue
    const xs = coordinatesOf(path.d).filter((_, i) => i % 2 === 0)
    overflow[0] = Math.max(overflow[0], coverDesign.left - Math.min(...xs))
    overflow[1] = Math.max(overflow[1], Math.max(...xs) - coverDesign.right)
  }
  return overflows
}

/** `lang` when the platform knows it as a locale, else the root locale. */
function localeOf(lang: string): string {
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? 'und'
  } catch {
    return 'und'
  }
}

/**
 * The cover as PNG (1600 × 2560), drawn by resvg from `coverLayout`'s SVG with
 * the cover's own fonts only: only its rows with ink (`bandedPng`), unless a
 * pixel is not opaque, when resvg draws and writes the whole. The same
 * metadata gives the same bytes.
 */
export function renderCover(meta: ArticleMeta, brand: CoverBrand = {}): Uint8Array {
  const { resvg, ink } = coverLayout(meta, brand)
  const { width, height, scale, paper } = coverDesign
  const png = bandedPng({ resvg, width, height, scale, paper, bands: ink }) ?? resvg.render().asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}
