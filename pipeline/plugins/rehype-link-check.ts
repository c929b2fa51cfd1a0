import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { decodeUri } from '../common/decode-uri.ts'
import { messageSource } from '../common/rules.ts'

/**
 * Warn about in-document links (`#anchor`) whose target id does not exist.
 * A link whose target differs only in case is pointed at the real id, as
 * GitHub's anchors match without regard to case.
 */
export function rehypeLinkCheck() {
  return function (tree: Root, file: VFile): void {
    const ids = new Set<string>()
    visit(tree, 'element', (node) => {
      if (typeof node.properties.id === 'string') ids.add(node.properties.id)
      if (typeof node.properties.name === 'string' && node.tagName === 'a') ids.add(node.properties.name)
    })
    const lowerIds = new Map([...ids].reverse().map((id) => [id.toLowerCase(), id]))
    visit(tree, 'element', (node) => {
      const href = node.properties.href
      if (node.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#')) return
      const target = decodeUri(href.slice(1))
      if (target === '' || ids.has(target)) return
      // GitHub matches heading anchors without regard to case: `#Описание` reaches `описание`.
      const folded = lowerIds.get(target.toLowerCase())
      if (folded) {
        node.properties.href = `#${folded}`
        return
      }
      file.message(`Unexpected link to \`${href}\` with no such anchor, expected the id of a heading or element in this document`, {
        ...(node.position ? { place: node.position } : {}),
        ruleId: 'link-broken',
        source: messageSource,
      })
    })
  }
}
