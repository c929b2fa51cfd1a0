import { cjkPattern } from './cover-fonts.ts'
import type { Ink } from './cover-measure.ts'

/** A line of a block: graphemes `start` to `end` (exclusive), ending with an ellipsis when the block was cut. */
export interface Line {
  start: number
  end: number
  ellipsis: boolean
}

/** Characters that never begin a line (closing punctuation, small kana, the prolonged sound mark). */
const noStart = /^[、。，．・：；？！）」』】〕〉》］｝〙〗ーゝゞヽヾ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.!?;:)\]}’”…%]/u
/** Characters that never end a line (opening brackets and quotes). */
const noEnd = /[（「『【〔〈《［｛〘〖([{‘“]$/u
/** After these a line may break inside a word. */
const breakAfter = /[-‐–—/]$/u

const isSpace = (grapheme: string): boolean => /^\s+$/u.test(grapheme)

/** The graphemes of `text`, its white space collapsed to single spaces. */
export function graphemesOf(text: string, lang: string): string[] {
  const collapsed = text.replace(/\s+/gu, ' ').trim()
  return [...new Intl.Segmenter(lang, { granularity: 'grapheme' }).segment(collapsed)].map((part) => part.segment)
}

/**
 * Where a line may begin (the simple part of Unicode's line breaking that
 * titles need): after a space, after a hyphen or dash, and between CJK
 * characters (each is a word of its own), except before closing or after
 * opening punctuation.
 */
export function breakOpportunities(graphemes: readonly string[]): boolean[] {
  return graphemes.map((grapheme, i) => {
    const before = graphemes[i - 1]
    if (before === undefined || isSpace(grapheme)) return false
    if (isSpace(before)) return true
    if (noStart.test(grapheme) || noEnd.test(before)) return false
    return breakAfter.test(before) || cjkPattern.test(before) || cjkPattern.test(grapheme)
  })
}

/** Width of the ink of graphemes `start` to `end` as set on one line, in em. */
export function inkWidthOf(ink: readonly Ink[], start: number, end: number): number {
  let left = Number.POSITIVE_INFINITY
  let right = Number.NEGATIVE_INFINITY
  for (let i = start; i < end; i++) {
    const extent = ink[i]
    if (!extent) continue
    left = Math.min(left, extent[0])
    right = Math.max(right, extent[1])
  }
  return right > left ? right - left : 0
}

/**
 * Break a block into lines no wider than `width` em: each line takes as many
 * words as fit (greedy, as browsers do); a word wider than the line alone is
 * broken between graphemes. A line's width is its ink's plus `lead(start)`,
 * how far right of the line's origin its ink begins. With more than
 * `maxLines` lines, the last kept one ends with an ellipsis (`ellipsisWidth`
 * em) that fits too.
 */
export function fitLines(graphemes: readonly string[], ink: readonly Ink[], lead: (start: number) => number, width: number, maxLines: number, ellipsisWidth: number): Line[] {
  const breaks = breakOpportunities(graphemes)
  const inkWidth = (start: number, end: number): number => lead(start) + inkWidthOf(ink, start, end)
  const lines: Line[] = []
  let start = skipSpaces(graphemes, 0)
  while (start < graphemes.length) {
    let end = start + 1
    // The furthest break (or the end) that fits; failing that, as many graphemes as fit, at least one.
    let fitting = 0
    for (let i = start + 1; i <= graphemes.length; i++) {
      if (i < graphemes.length && !breaks[i]) continue
      if (inkWidth(start, i) > width) break
      fitting = i
    }
    if (fitting > 0) end = fitting
    else while (end < graphemes.length && inkWidth(start, end + 1) <= width) end++
    lines.push({ start, end: trimEnd(graphemes, start, end), ellipsis: false })
    start = skipSpaces(graphemes, end)
  }
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, Math.max(1, maxLines))
  const last = kept[kept.length - 1] as Line
  let end = last.end
  while (end > last.start + 1 && inkWidth(last.start, end) + ellipsisWidth > width) end--
  kept[kept.length - 1] = { start: last.start, end: trimEnd(graphemes, last.start, end), ellipsis: true }
  return kept
}

function skipSpaces(graphemes: readonly string[], from: number): number {
  let at = from
  while (at < graphemes.length && isSpace(graphemes[at] as string)) at++
  return at
}

function trimEnd(graphemes: readonly string[], start: number, end: number): number {
  let at = end
  while (at > start + 1 && isSpace(graphemes[at - 1] as string)) at--
  return at
}
