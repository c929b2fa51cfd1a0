/** Letters only Kazakh uses among Cyrillic languages. */
const kazakhLetters = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/gu
const cyrillic = /\p{Script=Cyrillic}/gu
const latin = /\p{Script=Latin}/gu

/**
 * Guess a language tag from the letters of `text`, for sources without
 * `lang`: Kazakh-only letters mean `kk`, mostly Cyrillic means `ru`, else `en`.
 * Time grows linearly with the text, whatever it holds.
 */
export function guessLang(text: string): string {
  // Only prose counts: comments, code and addresses are mostly Latin whatever the language.
  // Each pattern's repeated part excludes its own opening character, so a failed
  // match never rescans the text the next attempt scans (no quadratic time).
  const sample = removeSpans(removeSpans(text.slice(0, 200_000), '<!--', '-->'), '```', '```')
    .replace(/`[^`\n]*`/g, '')
    .replace(/<[^<>\n]*>/g, '')
    .replace(/\]\([^()\]\s]*\)|\]: \S+|\b[a-z]+:\/\/\S+/g, '')
  const cyrillicCount = sample.match(cyrillic)?.length ?? 0
  const latinCount = sample.match(latin)?.length ?? 0
  if (cyrillicCount <= latinCount) return 'en'
  const kazakhCount = sample.match(kazakhLetters)?.length ?? 0
  return kazakhCount > cyrillicCount / 200 ? 'kk' : 'ru'
}

/** `text` without the spans from `open` to the next `close`; an unclosed `open` stays. */
function removeSpans(text: string, open: string, close: string): string {
  const kept: string[] = []
  let at = 0
  for (;;) {
    const start = text.indexOf(open, at)
    const end = start === -1 ? -1 : text.indexOf(close, start + open.length)
    // No close after this open means none after any later open either: stop.
    if (end === -1) break
    kept.push(text.slice(at, start))
    at = end + close.length
  }
  kept.push(text.slice(at))
  return kept.join('')
}
