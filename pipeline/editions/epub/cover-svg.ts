import type { Element } from 'xast'
import { toXml } from 'xast-util-to-xml'
import { x } from 'xastscript'
import { styleAttributes, type TextStyle } from './cover-measure.ts'

/** The cover's design, in SVG user units (the PNG is twice as large: 1600 × 2560, the 1 : 1.6 e-readers ask for). */
export const coverDesign = {
  width: 800,
  height: 1280,
  scale: 2,
  paper: '#f4efe6',
  ink: '#1d1d1b',
  accent: '#7a2e1f',
  /** The band across the top. */
  band: 36,
  /** The text's box: left and right margins, top (below the band) and bottom. */
  left: 80,
  right: 720,
  top: 132,
  bottom: 1192,
  /** The short rule above the title, and the space below it. */
  rule: { width: 120, height: 6, below: 48 },
} as const

/** Where the logo goes: below the band, above the rule. */
export const logoBox = { y: 56, height: 52 } as const

/** What the project's brand changes on the cover; default nothing. */
export interface CoverBrand {
  /** The band's and the rule's colour (`theme.accent`, when resvg reads it: a hex colour). */
  accent?: string
  /** The logo (`site.logo`) as a `data:` URI. */
  logo?: string
}

/** One line of text on the cover, its baseline at `y`. */
export interface CoverLine {
  text: string
  x: number
  y: number
  size: number
  style: TextStyle
}

/**
 * The cover as SVG markup (built as an xast tree, serialised by
 * xast-util-to-xml): paper, the top band, the rule and the lines already laid
 * out. Each line's `id` (`line-N`) lets the caller find its ink in resvg's tree.
 */
export function coverSvg(lines: readonly CoverLine[], lang: string, brand: CoverBrand = {}): string {
  const { width, height, band, left, right, top, rule } = coverDesign
  const accent = brand.accent ?? coverDesign.accent
  const texts: Element[] = lines.map((line, index) =>
    x('text', { id: `line-${index}`, x: String(line.x), y: String(round(line.y)), fill: coverDesign.ink, ...styleAttributes(line.style, round(line.size)) }, line.text),
  )
  const svg = x('svg', { xmlns: 'http://www.w3.org/2000/svg', 'xml:lang': lang, width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}` }, [
    x('rect', { width: String(width), height: String(height), fill: coverDesign.paper }),
    x('rect', { width: String(width), height: String(band), fill: accent }),
    // The site's logo between the band and the rule, at most as wide as the text.
    brand.logo
      ? x('image', { x: String(left), y: String(logoBox.y), width: String(right - left), height: String(logoBox.height), preserveAspectRatio: 'xMinYMid meet', href: brand.logo })
      : undefined,
    x('rect', { x: String(left), y: String(top), width: String(rule.width), height: String(rule.height), fill: accent }),
    ...texts,
  ])
  return toXml(svg)
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
