import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import { common, createLowlight } from 'lowlight'
import { visit } from 'unist-util-visit'

/**
 * Colour fenced code blocks that name a language highlight.js knows (its 37
 * common ones, with their aliases: `js`, `ts`, `sh`, `py`, `yml`, `md`, …):
 * `<pre><code class="language-X hljs">` with `<span class="hljs-…">` tokens
 * that every edition's stylesheet colours. An unknown or absent language
 * stays plain, with no message. Only the code's own text is read: the block
 * keeps every character.
 */
export function rehypeHighlightCode() {
  const lowlight = createLowlight(common)
  return function (tree: Root): void {
    visit(tree, 'element', (node, _index, parent) => {
      if (node.tagName !== 'code' || parent?.type !== 'element' || parent.tagName !== 'pre') return
      const language = languageOf(node)
      if (!language || language === 'math' || !lowlight.registered(language)) return
      const highlighted = lowlight.highlight(language, toString(node))
      node.children = highlighted.children as Element['children']
      node.properties.className = [...(node.properties.className as string[]), 'hljs']
    })
  }
}

function languageOf(node: Element): string | undefined {
  const classes = node.properties.className
  if (!Array.isArray(classes)) return undefined
  const name = classes.map(String).find((name) => name.startsWith('language-'))
  return name?.slice('language-'.length).toLowerCase()
}
