import type { Root } from 'hast'
import { createRequire } from 'node:module'
import { SKIP, visit } from 'unist-util-visit'

type Hyphenator = (word: string) => string

/** Pattern sets of the `hyphen` package per primary language subtag. */
const patternNames: Record<string, string> = {
  en: 'en-us',
  ru: 'ru',
  uk: 'uk',
  be: 'be',
  bg: 'bg',
  de: 'de-1996',
  fr: 'fr',
  es: 'es',
  it: 'it',
  pt: 'pt',
  nl: 'nl',
  pl: 'pl',
  cs: 'cs',
  sk: 'sk',
  sv: 'sv',
  da: 'da',
  nb: 'nb',
  nn: 'nn',
  fi: 'fi',
  tr: 'tr',
  hu: 'hu',
}

/** Where soft hyphens would be wrong: code, headings, the title block. */
const skipTags = new Set(['code', 'pre', 'kbd', 'samp', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'style', 'script', 'a'])

const word = /\p{L}[\p{L}\p{M}]*/gu
// Made once: the bundle builds a pattern with \p{…} as \`new RegExp\`, which in a function ran once per word.
const lowercaseStart = /^\p{Ll}/u
const capitalStart = /^\p{Lu}/u

/**
 * Chromium has no hyphenation dictionaries offline (`hyphens: auto` does
 * nothing here), so words get soft hyphens from TeX patterns instead. Words
 * that start with a capital letter are left whole: proper names break badly.
 * A language without patterns (Kazakh) is left as it is. Returns the language
 * used, or undefined.
 */
export function hyphenateTree(tree: Root, lang: string, minLength = 6): string | undefined {
  return hyphenateWords(tree, lang, (found) => found.length >= minLength && lowercaseStart.test(found))
}

/**
 * Soft hyphens in the words that start with a capital letter, which
 * `hyphenateTree` leaves whole: for a table's words, where a column too
 * narrow for "Dependencies" would otherwise break it anywhere.
 */
export function hyphenateCapitalised(tree: Root, lang: string): string | undefined {
  return hyphenateWords(tree, lang, (found) => found.length >= 6 && capitalStart.test(found))
}

function hyphenateWords(tree: Root, lang: string, wanted: (word: string) => boolean): string | undefined {
  const hyphenate = loadHyphenator(lang)
  if (!hyphenate) return undefined
  visit(tree, (node) => {
    if (node.type === 'element') {
      if (skipTags.has(node.tagName)) return SKIP
      const own = node.properties.lang
      if (typeof own === 'string' && primary(own) !== primary(lang)) return SKIP
      return undefined
    }
    if (node.type === 'text') {
      node.value = node.value.replace(word, (found) => (wanted(found) ? hyphenate(found) : found))
    }
    return undefined
  })
  return patternNames[primary(lang)]
}

function primary(lang: string): string {
  return lang.toLowerCase().split('-')[0] ?? ''
}

/**
 * Each pattern set's hyphenator, made once per process (its `require` took
 * 1.2 ms per document, profiled), with the words it has hyphenated so far;
 * they are forgotten when they reach `memoLimit`.
 */
const hyphenators = new Map<string, Hyphenator>()
const memoLimit = 100_000

function loadHyphenator(lang: string): Hyphenator | undefined {
  const tag = lang.toLowerCase()
  const name = tag === 'en-gb' ? 'en-gb' : patternNames[primary(tag)]
  if (!name) return undefined
  let hyphenator = hyphenators.get(name)
  if (hyphenator) return hyphenator
  const module = createRequire(import.meta.url)(`hyphen/${name}`) as { hyphenateSync: (text: string, options?: { minWordLength?: number }) => string }
  const known = new Map<string, string>()
  // `hyphenateSync` sets up a text reader per call: 3.5 ms for the article's words, 0.1 ms when they are remembered (measured).
  hyphenator = (text) => {
    let hyphenated = known.get(text)
    if (hyphenated === undefined) {
      if (known.size >= memoLimit) known.clear()
      hyphenated = module.hyphenateSync(text)
      known.set(text, hyphenated)
    }
    return hyphenated
  }
  hyphenators.set(name, hyphenator)
  return hyphenator
}
