import type { Root } from 'hast'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'

/**
 * Serialise a whole HTML page: rehype-stringify (hast-util-to-html's
 * defaults, `<!DOCTYPE html>` upper-case), ending with a newline. The one
 * serialiser of the HTML edition, the print page, the site index and the
 * live preview.
 */
export function serializeHtml(tree: Root): string {
  return `${unified().use(rehypeStringify, { upperDoctype: true }).stringify(tree)}\n`
}
