import type { Root } from 'hast'
import { visit } from 'unist-util-visit'

const horizontal = new Set(['left', 'center', 'right', 'justify'])
const vertical = new Set(['top', 'middle', 'bottom', 'baseline'])

/**
 * Replace the obsolete `align` and `valign` attributes (GFM table alignment,
 * `<p align="right">` in raw HTML) with classes every edition styles:
 * `align-left|center|right|justify`, `valign-top|middle|bottom|baseline`.
 */
export function rehypeAlignClasses() {
  return function (tree: Root): void {
    visit(tree, 'element', (node) => {
      const { align, vAlign } = node.properties
      if (align === undefined && vAlign === undefined) return
      const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
      const a = String(align ?? '').toLowerCase()
      const v = String(vAlign ?? '').toLowerCase()
      if (horizontal.has(a)) classes.push(`align-${a}`)
      if (vertical.has(v)) classes.push(`valign-${v}`)
      delete node.properties.align
      delete node.properties.vAlign
      if (classes.length > 0) node.properties.className = classes
    })
  }
}
