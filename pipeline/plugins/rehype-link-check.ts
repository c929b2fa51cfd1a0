import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../rules.ts'

/**
 * Warn about in-document links (`#anchor`) whose target id does not exist,
 * and turn links to local files outside the source folder, or `file:` URLs,
 * into plain text (their text is kept).
 */
export function rehypeLinkCheck() {
  return function (tree: Root, file: VFile): void {
    const ids = new Set<string>()
    visit(tree, 'element', (node) => {
      if (typeof node.properties.id === 'string') ids.add(node.properties.id)
      if (typeof node.properties.name === 'string' && node.tagName === 'a') ids.add(node.properties.name)
    })
    const lowerIds = new Map([...ids].reverse().map((id) => [id.toLowerCase(), id]))
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string') return
      const href = node.properties.href
      if (href.startsWith('#')) {
        const target = safeDecode(href.slice(1))
        if (target === '' || ids.has(target)) return
        // GitHub matches heading anchors without regard to case: `#Описание` reaches `описание`.
        const folded = lowerIds.get(target.toLowerCase())
        if (folded) node.properties.href = `#${folded}`
        else {
          file.message(`Unexpected link to \`${href}\` with no such anchor, expected the id of a heading or element in this document`, {
            ...(node.position ? { place: node.position } : {}),
            ruleId: 'link-broken',
            source: messageSource,
          })
        }
        return
      }
      if (/^file:/i.test(href) || /^(\.\.\/)+/.test(href) || href.startsWith('/')) {
        file.message(`Unexpected link \`${href.slice(0, 200)}\` outside the source folder, expected a web address or a file beside the source; its text is kept without the link`, {
          ...(node.position ? { place: node.position } : {}),
          ruleId: 'link-outside',
          source: messageSource,
        })
        if (parent && index !== undefined) parent.children.splice(index, 1, ...node.children)
        return index
      }
      return undefined
    })
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
