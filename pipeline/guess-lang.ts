/** Letters only Kazakh uses among Cyrillic languages. */
const kazakhLetters = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/gu
const cyrillic = /\p{Script=Cyrillic}/gu
const latin = /\p{Script=Latin}/gu

/**
 * Guess a language tag from the letters of `text`, for sources without
 * `lang`: Kazakh-only letters mean `kk`, mostly Cyrillic means `ru`, else `en`.
 */
export function guessLang(text: string): string {
  // Only prose counts: comments, code and addresses are mostly Latin whatever the language.
  const sample = text
    .slice(0, 200_000)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/<[^>\n]*>/g, '')
    .replace(/\]\([^)\s]*\)|\]: \S+|[a-z]+:\/\/\S+/g, '')
  const cyrillicCount = sample.match(cyrillic)?.length ?? 0
  const latinCount = sample.match(latin)?.length ?? 0
  if (cyrillicCount <= latinCount) return 'en'
  const kazakhCount = sample.match(kazakhLetters)?.length ?? 0
  return kazakhCount > cyrillicCount / 200 ? 'kk' : 'ru'
}
