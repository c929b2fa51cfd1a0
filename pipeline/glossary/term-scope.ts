import type { Element } from 'hast'

/**
 * Where a glossary term is never linked (`plugins/remark-glossary.ts`, on
 * the Markdown tree) nor counted for the PDF's page lists
 * (`editions/pdf/term-pages.ts`, on the HTML tree): one table, naming each
 * place in the terms of both trees, so the two passes cannot drift apart.
 */
const termFreePlaces = [
  { place: 'headings', mdast: ['heading'], hast: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] },
  { place: 'links', mdast: ['link', 'linkReference', 'definition'], hast: ['a'] },
  { place: 'code', mdast: ['inlineCode', 'code'], hast: ['code', 'pre', 'kbd', 'samp'] },
  { place: 'math', mdast: ['inlineMath', 'math'], hast: ['math'] },
  { place: 'raw HTML', mdast: ['html'], hast: ['script', 'style'] },
  { place: 'images', mdast: ['image', 'imageReference'], hast: ['img'] },
  // In the HTML tree a footnote is the notes section, or (in print) a note moved to its call.
  { place: 'footnote definitions', mdast: ['footnoteDefinition'], hast: [] },
] as const

/** Markdown node types a term is never matched in (mdast-util-find-and-replace's `ignore`). */
export const termFreeMdast: string[] = termFreePlaces.flatMap((entry) => [...entry.mdast])

const termFreeTags = new Set<string>(termFreePlaces.flatMap((entry) => [...entry.hast]))

/** Whether a term is never matched inside `element` of the HTML tree. */
export function isTermFree(element: Element): boolean {
  if (termFreeTags.has(element.tagName)) return true
  if (element.properties.dataFootnotes !== undefined) return true
  const classes = element.properties.className
  return Array.isArray(classes) && classes.includes('footnote')
}
