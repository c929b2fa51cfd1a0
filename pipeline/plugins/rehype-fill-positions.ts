import type { Root } from 'hast'
import type { Position } from 'unist'
import { visit } from 'unist-util-visit'

/**
 * Give a place to elements the HTML parser made up: an unclosed `<a>` or
 * `<em>` re-opened in the next block, an implied `<tbody>` take the position
 * of the element before them in document order; an element never closed ends
 * where it starts. So every message a later plugin reports on them has a line
 * and a column. Runs right after
 * `rehype-raw`.
 */
export function rehypeFillPositions() {
  return function (tree: Root): void {
    let last: Position | undefined
    visit(tree, 'element', (node) => {
      const { start, end } = node.position ?? {}
      // An element left open has a start but no end; the sanitizer drops such a half position.
      if (start && !end) node.position = { start, end: { ...start } }
      else if (!start && last) node.position = { start: { ...last.start }, end: { ...last.end } }
      last = node.position ?? last
    })
  }
}
