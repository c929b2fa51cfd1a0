import path from 'node:path'
import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { decodeUri } from '../common/decode-uri.ts'
import { messageSource } from '../common/rules.ts'

/** A URL with a scheme (`https:`, `mailto:`) or protocol-relative (`//host`). */
const withScheme = /^([a-z][a-z0-9+.-]*:|\/\/)/i

/**
 * Links that lead into the reader's own file system: `file:` URLs, absolute
 * paths, and relative paths that climb out of the source folder (`../`,
 * `sub/../../x`). They become their text with a warning. Runs before the
 * sanitizer, which would otherwise drop a `file:` address without a word.
 */
export function rehypeLocalLinks() {
  return function (tree: Root, file: VFile): void {
    const sourceDir = path.resolve(file.cwd, file.dirname ?? '.')
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string' || !parent || index === undefined) return undefined
      const href = node.properties.href.trim()
      if (href === '' || href.startsWith('#') || (withScheme.test(href) && !/^file:/i.test(href))) return undefined
      const target = /^file:/i.test(href) ? '/' : path.resolve(sourceDir, decodeUri(href.split(/[?#]/)[0] ?? ''))
      if (target === sourceDir || target.startsWith(sourceDir + path.sep)) return undefined
      file.message(`Unexpected link \`${href.slice(0, 200)}\` outside the source folder, expected a web address or a file beside the source; its text is kept without the link`, {
        ...(node.position ? { place: node.position } : {}),
        ruleId: 'link-outside',
        source: messageSource,
      })
      parent.children.splice(index, 1, ...node.children)
      return index
    })
  }
}
