import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import type { createLowlight } from 'lowlight'
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
  return async function (tree: Root): Promise<void> {
    const blocks: Array<{ code: Element; language: string }> = []
    visit(tree, 'element', (node, _index, parent) => {
      if (node.tagName !== 'code' || parent?.type !== 'element' || parent.tagName !== 'pre') return
      const language = languageOf(node)
      if (language && language !== 'math') blocks.push({ code: node, language })
    })
    if (blocks.length === 0) return
    const lowlight = await sharedLowlight()
    for (const { code, language } of blocks) {
      if (!lowlight.registered(language)) continue
      const highlighted = lowlight.highlight(language, toString(code))
      code.children = highlighted.children as Element['children']
      code.properties.className = [...(code.properties.className as string[]), 'hljs']
    }
  }
}

let lowlightOnce: Promise<ReturnType<typeof createLowlight>> | undefined

/**
 * highlight.js with its common languages, loaded and registered once per
 * thread, when a first source has a code block that names a language
 * (registering them took ~20 ms per source, and loading them ~0.4 MB of code).
 */
function sharedLowlight(): Promise<ReturnType<typeof createLowlight>> {
  lowlightOnce ??= import('lowlight').then(({ common, createLowlight }) => createLowlight(common))
  return lowlightOnce
}

function languageOf(node: Element): string | undefined {
  const classes = node.properties.className
  if (!Array.isArray(classes)) return undefined
  const name = classes.map(String).find((name) => name.startsWith('language-'))
  return name?.slice('language-'.length).toLowerCase()
}
