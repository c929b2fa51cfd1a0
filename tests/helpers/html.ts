import type { Element, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { selectAll } from 'hast-util-select'
import { HtmlValidate } from 'html-validate'

/**
 * html-validate's recommended rules, less those that judge style rather than
 * validity: `doctype-style` is met anyway; `long-title` is SEO advice, and a
 * headline is as long as the editor wrote it; trailing whitespace inside
 * `<pre>` is the source's code, kept verbatim; and `valid-id` checks only what
 * HTML requires (non-empty, no spaces), since GitHub's heading ids may begin
 * with a digit (`1-introduction`) and hand-written ones hold dots.
 */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'long-title': 'off', 'no-trailing-whitespace': 'off', 'valid-id': ['error', { relaxed: true }] },
})

/** Validation errors as `line:column rule message` strings. */
export async function validateHtml(html: string, name: string): Promise<string[]> {
  const report = await validator.validateString(html, name)
  return report.results.flatMap((result) => result.messages.map((m) => `${name}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))
}

export function parseHtml(html: string): Root {
  return fromHtml(html)
}

/** Ids that occur more than once. */
export function duplicateIds(tree: Root): string[] {
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const node of selectAll('[id]', tree)) {
    const id = String(node.properties.id)
    if (seen.has(id)) duplicates.push(id)
    seen.add(id)
  }
  return duplicates
}

/** `#fragment` links with no element of that id. */
export function unresolvedFragments(tree: Root): string[] {
  const ids = new Set(selectAll('[id]', tree).map((node) => String(node.properties.id)))
  return selectAll('a[href^="#"]', tree)
    .map((node: Element) => decodeURIComponent(String(node.properties.href).slice(1)))
    .filter((id) => id !== '' && !ids.has(id))
}
