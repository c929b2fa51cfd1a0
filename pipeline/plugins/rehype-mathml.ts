import type { Element, ElementContent, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toString } from 'hast-util-to-string'
import { EXIT, SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * Typeset TeX math as MathML with temml: remark-math's
 * `<code class="language-math">` (inline) and `<pre><code
 * class="language-math">` (display) become `<math>`, with the TeX kept as
 * its `alttext` (not as an `<annotation>`: text browsers, reader modes and
 * copied text would read the formula twice). TeX that does not parse is a
 * `math-invalid` warning at its place, and its source stays visible as code:
 * math is never dropped.
 */
export function rehypeMathml() {
  return async function (tree: Root, file: VFile): Promise<void> {
    // temml (~0.5 MB of code) is loaded only for a source that has math.
    let hasMath = false
    visit(tree, 'element', (node) => {
      if (node.tagName === 'code' && isMath(node)) hasMath = true
      return hasMath ? EXIT : undefined
    })
    if (!hasMath) return
    const { default: temml } = await import('temml')
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return undefined
      const display = node.tagName === 'pre' && isMath(node.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code'))
      if (!display && !(node.tagName === 'code' && isMath(node))) return undefined
      const tex = toString(node)
      let math: ElementContent | undefined
      try {
        const markup = temml.renderToString(tex, { displayMode: display, annotate: false, throwOnError: true, trust: false })
        math = fromHtml(markup, { fragment: true }).children.find((child): child is Element => child.type === 'element' && child.tagName === 'math')
      } catch (error) {
        file.message(
          `Unexpected TeX \`${tex.length > 80 ? `${tex.slice(0, 80)}…` : tex}\` that does not parse (${(error as Error).message.trim()}), expected valid TeX math; it is shown as code`,
          {
            ...(node.position ? { place: node.position } : {}),
            ruleId: 'math-invalid',
            source: messageSource,
          },
        )
        return SKIP
      }
      if (!math) return SKIP
      // The stylesheets place display math (code.css); no inline style in any edition.
      if (math.type === 'element') {
        delete math.properties.style
        math.properties.alttext = tex
      }
      parent.children[index] = math
      return SKIP
    })
  }
}

function isMath(node: Element | undefined): boolean {
  const classes = node?.properties.className
  return Array.isArray(classes) && classes.includes('language-math')
}
