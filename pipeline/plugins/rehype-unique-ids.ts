import type { Element, Root } from 'hast'
import { headingRank } from 'hast-util-heading-rank'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * Ids the editions put around the article (the HTML page's `<main>` and its
 * contents heading): no id of the document may take them. An edition that
 * adds an id to its page adds it here.
 */
export const editionIds: ReadonlySet<string> = new Set(['main', 'toc-label'])

/**
 * Keep the ids of raw HTML unique in every edition. An old-style anchor
 * `<a name="x">` becomes `<a id="x">` (`name` is obsolete there). An id is
 * kept, so hand-written anchors work, unless it was used before or is one
 * offprint generates (footnotes, glossary, edition ids): then it gets the
 * first free `-1`, `-2` suffix and an `id-duplicate` warning. Generated ids
 * are never renamed; headings get theirs next, from `rehypeHeadingIds`.
 */
export function rehypeUniqueIds() {
  return function (tree: Root, file: VFile): void {
    const generated = new Set<Element>()
    const taken = new Set<string>(editionIds)
    visit(tree, 'element', (node) => {
      if (node.tagName === 'a' && typeof node.properties.name === 'string') {
        node.properties.id ??= node.properties.name
        delete node.properties.name
      }
      const call = node.properties.dataFootnoteRef !== undefined || (Array.isArray(node.properties.className) && node.properties.className.includes('glossary-term'))
      if (call) generated.add(node)
      // The HTML edition gives each call's preview the id `tip-<call id>`.
      if (call && typeof node.properties.id === 'string') taken.add(`tip-${node.properties.id}`)
      if (node.properties.dataFootnotes !== undefined || node.properties.role === 'doc-glossary') {
        // The section, its heading, and its notes or terms are offprint's; what a note holds is the author's.
        generated.add(node)
        for (const part of node.children) {
          if (part.type !== 'element') continue
          generated.add(part)
          for (const item of part.children) if (item.type === 'element' && (item.tagName === 'li' || item.tagName === 'dt')) generated.add(item)
        }
      }
    })
    for (const node of generated) if (typeof node.properties.id === 'string') taken.add(node.properties.id)
    visit(tree, 'element', (node) => {
      const id = node.properties.id
      if (typeof id !== 'string' || generated.has(node) || headingRank(node)) return
      if (!taken.has(id)) {
        taken.add(id)
        return
      }
      let n = 1
      while (taken.has(`${id}-${n}`)) n++
      node.properties.id = `${id}-${n}`
      taken.add(`${id}-${n}`)
      file.message(`Unexpected id \`${id}\` used twice or by offprint itself, expected a unique id; this one is renamed \`${id}-${n}\``, {
        ...(node.position ? { place: node.position } : {}),
        ruleId: 'id-duplicate',
        source: messageSource,
      })
    })
  }
}
