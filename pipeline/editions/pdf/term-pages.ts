import type { ElementContent, Root, Text } from 'hast'
import { h } from 'hastscript'
import { select } from 'hast-util-select'
import { SKIP, visit } from 'unist-util-visit'
import type { ArticleData } from '../../common/article.ts'
import { compileGlossary } from '../../glossary/matcher.ts'
import { isTermFree } from '../../glossary/term-scope.ts'

/**
 * Mark every use of every glossary term, counted where the linker links
 * (`glossary/term-scope.ts`: never in headings, links, code or footnotes) (`data-term-use="gloss-…"`), not only
 * the linked first use, and give each glossary entry a page list
 * (`<span class="glossary-pages" data-pages-for="gloss-…">— <span class="glossary-page-list">`). The list holds
 * one wide placeholder per use, so the real numbers, written in after layout
 * by `fillGlossaryPages`, are never longer than the space laid out for them.
 * Returns the number of uses marked.
 */
export function markTermUses(tree: Root, article: ArticleData): number {
  const section = select('section#glossary', tree)
  if (!section || article.terms.length === 0) return 0
  const matcher = compileGlossary(article.terms.map((term) => term.entry))
  const idOfTerm = new Map(article.terms.map((term) => [term.entry.term, term.id]))
  const uses = new Map<string, number>()
  const count = (id: string): void => void uses.set(id, (uses.get(id) ?? 0) + 1)

  visit(tree, (node, index, parent) => {
    if (node === section) return SKIP
    if (node.type === 'element') {
      const id = node.properties.dataTerm === undefined ? undefined : idOfTerm.get(String(node.properties.dataTerm))
      if (node.tagName === 'a' && id) {
        node.properties.dataTermUse = id
        count(id)
        return SKIP
      }
      return isTermFree(node) ? SKIP : undefined
    }
    if (node.type !== 'text' || !matcher || !parent || index === undefined) return undefined
    const pieces = splitUses(node, matcher.pattern, (form) => {
      const entry = matcher.entryFor(form)
      return entry && idOfTerm.get(entry.term)
    })
    if (pieces.length === 1) return undefined
    for (const piece of pieces) if (piece.type === 'element') count(String(piece.properties.dataTermUse))
    parent.children.splice(index, 1, ...pieces)
    return index + pieces.length
  })

  visit(section, 'element', (node) => {
    if (node.tagName !== 'dt' || typeof node.properties.id !== 'string') return
    const total = uses.get(node.properties.id) ?? 0
    if (total === 0) return
    node.children.push(
      { type: 'text', value: ' ' },
      // The dash is text, not CSS `content`: Chromium leaves generated text out of the PDF's tags.
      h('span.glossary-pages', { dataPagesFor: node.properties.id }, ['— ', h('span.glossary-page-list', Array.from({ length: total }, () => '0000').join(', '))]),
    )
  })
  return [...uses.values()].reduce((sum, n) => sum + n, 0)
}

function splitUses(node: Text, pattern: RegExp, idOf: (form: string) => string | undefined): ElementContent[] {
  const pieces: ElementContent[] = []
  let last = 0
  for (const match of node.value.matchAll(new RegExp(pattern.source, pattern.flags))) {
    const id = idOf(match[0])
    if (!id || match.index === undefined) continue
    if (match.index > last) pieces.push({ type: 'text', value: node.value.slice(last, match.index) })
    pieces.push(h('span.term-use', { dataTermUse: id }, match[0]))
    last = match.index + match[0].length
  }
  if (pieces.length === 0) return [node]
  if (last < node.value.length) pieces.push({ type: 'text', value: node.value.slice(last) })
  return pieces
}

/**
 * In the laid-out page (runs in the browser after Paged.js): write each
 * term's sorted, distinct page numbers into its glossary entry. Returns them.
 */
export function fillGlossaryPages(): Record<string, number[]> {
  const pages: Record<string, number[]> = {}
  for (const use of Array.from(document.querySelectorAll<HTMLElement>('[data-term-use]'))) {
    const page = Number(use.closest<HTMLElement>('.pagedjs_page')?.dataset.pageNumber)
    const id = use.dataset.termUse
    if (!id || !Number.isFinite(page)) continue
    const list = (pages[id] ??= [])
    if (!list.includes(page)) list.push(page)
  }
  for (const target of Array.from(document.querySelectorAll<HTMLElement>('[data-pages-for]'))) {
    const list = (pages[target.dataset.pagesFor ?? ''] ?? []).sort((a, b) => a - b)
    pages[target.dataset.pagesFor ?? ''] = list
    ;(target.querySelector('.glossary-page-list') ?? target).textContent = list.join(', ')
  }
  return pages
}
