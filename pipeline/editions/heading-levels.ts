import type { Element, Parent, Root } from 'hast'
import { headingRank } from 'hast-util-heading-rank'
import { visit } from 'unist-util-visit'

/**
 * Renumber the document's headings so that the edition's title is the only
 * `h1` and levels never skip: each heading's level is `top` plus the number of
 * headings it sits under in the source outline, so a source `h2` → `h4` jump
 * becomes `h2` → `h3`, and a document whose sections are `# h1` under a
 * front-matter title moves down one level. Levels deeper than `h6` stay `h6`.
 * Ids and content are kept; a heading whose level changed records its source
 * level in `data-source-level`.
 *
 * The headings of the generated sections (footnotes, glossary) are document
 * level (`top`) whatever came before them. Call after the title block has
 * taken the document's own title out of the tree.
 */
export function relevelHeadings(tree: Root, top = 2): void {
  // Source levels of the headings the current one is under, outermost first.
  let stack: number[] = []
  visit(tree, 'element', (node, _index, parent) => {
    const rank = headingRank(node)
    if (rank === undefined) return
    if (isGeneratedSection(parent)) {
      setLevel(node, rank, top)
      // Headings inside a note sit under the section's heading.
      stack = [0]
      return 'skip'
    }
    while (stack.length > 0 && (stack.at(-1) as number) >= rank) stack.pop()
    setLevel(node, rank, Math.min(6, top + stack.length))
    stack.push(rank)
    return 'skip'
  })
}

function setLevel(node: Element, rank: number, level: number): void {
  if (level === rank) return
  node.tagName = `h${level}`
  node.properties.dataSourceLevel = String(rank)
}

/** The footnotes section (`data-footnotes`) or the glossary (`role="doc-glossary"`). */
function isGeneratedSection(parent: Parent | undefined): boolean {
  if (parent?.type !== 'element') return false
  const element = parent as Element
  return element.tagName === 'section' && (element.properties.dataFootnotes !== undefined || element.properties.role === 'doc-glossary')
}
