import type { Element, ElementContent, Root } from 'hast'
import { h } from 'hastscript'
import { SKIP, visit } from 'unist-util-visit'

/**
 * Each line of a highlighted code block as its own block, `<span
 * class="code-line">` (print.css: `display: block`), its tokens split where
 * they cross a line. Paged.js stops laying out the book when a page break
 * falls inside the token spans of a `pre` (measured on the Dagoba chapter: 24
 * of its 33 pages, the rest lost); between block lines it breaks cleanly,
 * and never inside a line. An empty line keeps a space, so it keeps its height.
 */
export function splitCodeLines(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'code' || !Array.isArray(node.properties.className) || !node.properties.className.includes('hljs')) return undefined
    const lines: ElementContent[][] = [[]]
    for (const piece of node.children.flatMap(splitAtNewlines)) {
      if (piece.type === 'text' && piece.value === '\n') lines.push([])
      else lines.at(-1)?.push(piece)
    }
    // The newline that ends the block's last line opens no line of its own.
    if (lines.length > 1 && lines.at(-1)?.length === 0) lines.pop()
    node.children = lines.map((line) => h('span.code-line', line.length > 0 ? line : [' ']))
    return SKIP
  })
}

/** A node as pieces none of which crosses a line: `\n` alone, or a copy of an element around one line's part. */
function splitAtNewlines(node: ElementContent): ElementContent[] {
  if (node.type === 'text') {
    return node.value
      .split(/(\n)/)
      .filter((part) => part !== '')
      .map((part) => ({ type: 'text', value: part }))
  }
  if (node.type !== 'element') return [node]
  const pieces: ElementContent[] = []
  let current: ElementContent[] = []
  const flush = (): void => {
    if (current.length > 0) pieces.push({ ...node, children: current } satisfies Element)
    current = []
  }
  for (const piece of node.children.flatMap(splitAtNewlines)) {
    if (piece.type === 'text' && piece.value === '\n') {
      flush()
      pieces.push(piece)
    } else current.push(piece)
  }
  flush()
  return pieces
}
