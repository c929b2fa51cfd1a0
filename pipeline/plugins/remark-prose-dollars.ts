import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import { proseDollar } from '../common/prose-dollars.ts'

/**
 * Swap back the dollars `maskProseDollars` (common/prose-dollars.ts) kept
 * from remark-math before parsing: in every string of every node (text,
 * code, URLs, titles, labels), so they read `$` again.
 */
export function remarkProseDollars() {
  return function (tree: Root): void {
    visit(tree, (node) => {
      const fields = node as unknown as Record<string, unknown>
      for (const [key, value] of Object.entries(fields)) {
        if (typeof value === 'string' && value.includes(proseDollar)) fields[key] = value.replaceAll(proseDollar, '$')
      }
    })
  }
}
