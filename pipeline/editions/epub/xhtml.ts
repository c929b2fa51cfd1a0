import type { Element } from 'hast'
import { toXast } from 'hast-util-to-xast'
import type { Nodes as XastNodes } from 'xast'
import { toXml } from 'xast-util-to-xml'

/**
 * Serialize one hast element (a `<body>`, a `<nav>`, an `<ol>`) as XML for an
 * EPUB content document whose `<html>` (written by a template) declares the
 * XHTML and `epub:` namespaces. Characters stay UTF-8 (`Қ`, `“`, not
 * `&#x…;`); `&`, `<` and `>` in text become the XML entities (`>` too, so
 * the text `]]>` of a code sample cannot end the document's well-formedness);
 * void elements close themselves; characters XML 1.0 forbids are dropped.
 */
export function toXhtmlFragment(node: Element): string {
  const tree = toXast(node)
  if (tree.type === 'element') delete tree.attributes.xmlns
  declareMathml(tree)
  escapeText(tree)
  return toXml(tree, { allowDangerousXml: true, closeEmptyElements: true })
}

/** MathML's own namespace on each `<math>` (hast keeps no MathML space), so its attributes are read as MathML's. */
function declareMathml(node: XastNodes): void {
  if (node.type !== 'element' && node.type !== 'root') return
  if (node.type === 'element' && node.name === 'math') {
    node.attributes = { xmlns: 'http://www.w3.org/1998/Math/MathML', ...node.attributes }
    return
  }
  for (const child of node.children) declareMathml(child)
}

/** Text → XML with the predefined entities, as a `raw` node the serializer keeps. */
function escapeText(node: XastNodes): void {
  if (node.type !== 'element' && node.type !== 'root') return
  node.children = node.children.map((child) => {
    if (child.type === 'text') return { type: 'raw', value: escapeXml(child.value) }
    escapeText(child)
    return child
  })
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }

/** Escape text for XML: the three markup characters as entities, forbidden characters dropped. */
export function escapeXml(value: string): string {
  return value.replace(forbidden, '').replace(/[&<>]/g, (character) => entities[character] ?? character)
}

/** Characters XML 1.0 does not allow, even as references (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F). */
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
