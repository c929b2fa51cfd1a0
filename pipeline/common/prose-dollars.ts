/**
 * Dollars in prose stay text, as on GitHub: "it costs $5 and $10" and "$ 3"
 * are not math. remark-math pairs any two dollars, so before parsing, each
 * `$` that GitHub's rules would not read as a delimiter is swapped for
 * `proseDollar`, a private-use character of the same length (every position
 * stays true), and `remark-prose-dollars` swaps it back.
 *
 * GitHub's rules for inline math, `$…$`: the opening `$` is followed by a
 * character that is not white space, the closing one follows such a
 * character and is not followed by a digit; both sit in one paragraph. `$$`
 * (display math) and `\$` are left as they are.
 */
export const proseDollar = '\uE024'

/** `text` with prose dollars swapped, or undefined when none is (or the text holds `proseDollar` itself). */
export function maskProseDollars(text: string): string | undefined {
  if (!text.includes('$') || text.includes(proseDollar)) return undefined
  const chars = [...text]
  // Indexes into `chars` are code points; positions are counted in UTF-16 units, which the swap keeps.
  const prose: number[] = []
  let open: number | undefined
  const closeParagraph = (): void => {
    if (open !== undefined) prose.push(open)
    open = undefined
  }
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index]
    if (char === '\n' && /^[ \t]*\n/.test(chars.slice(index + 1, index + 40).join(''))) closeParagraph()
    if (char === '\\') {
      index++
      continue
    }
    if (char !== '$') continue
    if (chars[index + 1] === '$') {
      // Display math (or a `$$` pair inline): remark-math's own rules.
      while (chars[index + 1] === '$') index++
      continue
    }
    const before = chars[index - 1] ?? ' '
    const after = chars[index + 1] ?? ' '
    if (open !== undefined && !/\s/.test(before) && !/\d/.test(after)) {
      open = undefined
      continue
    }
    if (open !== undefined) prose.push(open)
    open = /\s/.test(after) ? undefined : index
    if (open === undefined) prose.push(index)
  }
  closeParagraph()
  if (prose.length === 0) return undefined
  for (const index of prose) chars[index] = proseDollar
  return chars.join('')
}
