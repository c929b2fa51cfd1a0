import type { Element, Root } from 'hast'
import { headingRank } from 'hast-util-heading-rank'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * A heading with nothing to read (`#` alone, or one whose raw HTML was
 * removed) would be an empty entry in the outline and the contents, and an
 * empty heading for screen readers: it is removed, with a `heading-empty`
 * warning. A heading holding only an image with alt text is kept.
 */
export function rehypeEmptyHeadings() {
  return function (tree: Root, file: VFile): void {
    visit(tree, 'element', (node, index, parent) => {
      if (!headingRank(node) || !parent || index === undefined || toString(node).trim() !== '' || hasAltText(node)) return undefined
      file.message('Unexpected heading with no text, expected text; it is removed', {
        ...(node.position ? { place: node.position } : {}),
        ruleId: 'heading-empty',
        source: messageSource,
      })
      parent.children.splice(index, 1)
      return index
    })
  }
}

function hasAltText(node: Element): boolean {
  let found = false
  visit(node, 'element', (inner) => {
    if (inner.tagName === 'img' && typeof inner.properties.alt === 'string' && inner.properties.alt.trim() !== '') found = true
  })
  return found
}
