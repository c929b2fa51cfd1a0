import type { Element, ElementContent, Root } from 'xast'
import { toXml } from 'xast-util-to-xml'

/**
 * A feed document as bytes: the XML declaration, then `root` with one
 * element per line, indented by depth. Built from xast nodes, never from
 * strings; elements holding only text stay on one line.
 */
export function xmlDocument(root: Element): string {
  const tree: Root = {
    type: 'root',
    children: [{ type: 'instruction', name: 'xml', value: 'version="1.0" encoding="utf-8"' }, { type: 'text', value: '\n' }, indent(root, 0), { type: 'text', value: '\n' }],
  }
  return toXml(tree, { closeEmptyElements: true })
}

function indent(element: Element, depth: number): Element {
  if (!element.children.some((child) => child.type === 'element')) return element
  const children: ElementContent[] = []
  for (const child of element.children) {
    if (child.type === 'text' && child.value.trim() === '') continue
    children.push({ type: 'text', value: `\n${'  '.repeat(depth + 1)}` }, child.type === 'element' ? indent(child, depth + 1) : child)
  }
  children.push({ type: 'text', value: `\n${'  '.repeat(depth)}` })
  return { ...element, children }
}
