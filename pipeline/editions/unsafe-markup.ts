import type { Root } from 'hast'
import { SKIP, visit } from 'unist-util-visit'

/**
 * Elements no edition page may hold, whatever their content. The canonical
 * tree is sanitized already (`source/sanitize-schema.ts`); this keeps each
 * edition's page safe on its own, with one list for all of them.
 */
const unsafeTags = new Set(['script', 'style', 'link', 'meta', 'base', 'iframe', 'frame', 'object', 'embed', 'form', 'noscript', 'template'])

/** Remove unsafe elements and every `on…` event handler attribute from the edition's own tree. */
export function removeUnsafe(tree: Root): void {
  visit(tree, 'element', (node, index, parent) => {
    if (unsafeTags.has(node.tagName) && parent && index !== undefined) {
      parent.children.splice(index, 1)
      return [SKIP, index]
    }
    for (const key of Object.keys(node.properties)) if (/^on/i.test(key)) delete node.properties[key]
    return undefined
  })
}
