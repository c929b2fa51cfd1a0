import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * A link with nothing to read (`[](https://…)`, a link around a decorative
 * image, a raw `<a href>` whose content the sanitizer removed) is invisible
 * and has no name for screen readers: it shows its address as its text (or
 * goes, when it has no address either), with a `link-empty` warning.
 */
export function rehypeEmptyLinks() {
  return function (tree: Root, file: VFile): void {
    visit(tree, 'element', (node, index, parent) => {
      const href = node.properties.href
      if (node.tagName !== 'a' || typeof href !== 'string' || toString(node).trim() !== '' || hasAltText(node)) return undefined
      const place = node.position ? { place: node.position } : {}
      if (href.trim() === '' && parent && index !== undefined) {
        // No text and no address (`[]()`): nothing to show.
        file.message('Unexpected link with no text and no address, expected both; it is removed', { ...place, ruleId: 'link-empty', source: messageSource })
        parent.children.splice(index, 1, ...node.children)
        return index
      }
      node.children.push({ type: 'text', value: href })
      file.message(`Unexpected link to \`${href.slice(0, 200)}\` with no text, expected text to click; its address is shown`, {
        ...place,
        ruleId: 'link-empty',
        source: messageSource,
      })
      return undefined
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
