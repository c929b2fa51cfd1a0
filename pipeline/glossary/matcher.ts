import GithubSlugger from 'github-slugger'
import type { GlossaryEntry } from '../common/article.ts'

/** A compiled glossary: one regular expression over every form, longest first. */
export interface GlossaryMatcher {
  pattern: RegExp
  /** Entry for each form, exactly as written in the glossary. */
  entryOf: Map<string, GlossaryEntry>
  /** Ids of entries in the glossary section, `gloss-<slug>`. */
  idOf: Map<GlossaryEntry, string>
  /** The entry a matched text is a form of (a form written over a line break is still that form). */
  entryFor: (matched: string) => GlossaryEntry | undefined
}

/**
 * Compile glossary entries into a matcher. Forms match case-sensitively and
 * only as whole words: Unicode letters, marks, digits and `_` may not touch
 * them (JavaScript's `\b` only knows ASCII). Longer forms win over their
 * prefixes (`tenge coin` before `tenge`).
 */
export function compileGlossary(entries: readonly GlossaryEntry[]): GlossaryMatcher | undefined {
  const entryOf = new Map<string, GlossaryEntry>()
  const idOf = new Map<GlossaryEntry, string>()
  const slugger = new GithubSlugger()
  for (const entry of entries) {
    idOf.set(entry, `gloss-${slugger.slug(entry.term) || 'term'}`)
    for (const form of [entry.term, ...entry.variants]) if (!entryOf.has(form)) entryOf.set(form, entry)
  }
  if (entryOf.size === 0) return undefined
  const forms = [...entryOf.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b))
  const alternation = forms.map((form) => escape(form).replace(/\s+/g, '\\s+')).join('|')
  const pattern = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_])(?:${alternation})(?![\\p{L}\\p{M}\\p{N}_])`, 'gu')
  const entryFor = (matched: string) => entryOf.get(matched.replace(/\s+/g, ' ')) ?? entryOf.get(matched)
  return { pattern, entryOf, idOf, entryFor }
}

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}
