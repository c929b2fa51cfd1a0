import type { Element, ElementContent, Root } from 'hast'
import { h } from 'hastscript'
import { select, selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { SKIP, visit } from 'unist-util-visit'

/** Elements that cannot sit inside a paragraph once the note is moved to its call. */
const blockTags = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'footer',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
])

/**
 * Move each footnote to its first call, as `<span class="footnote">` that the
 * print CSS floats to the bottom of the page (`float: footnote`, Paged.js).
 * Every call is a superscript link to its note, and the note opens with its
 * number: real text, as Chromium tags no CSS-generated text (Paged.js's own
 * call and marker are hidden by the print CSS). The note's role is
 * `complementary` only because Chromium tags that as `Aside`, which the PDF's
 * RoleMap maps to `Note`; nothing else in the print page may have it. The
 * notes section is removed. Returns the number of notes moved.
 */
export function inlineFootnotes(tree: Root): number {
  const section = select('section[data-footnotes]', tree)
  if (!section) return 0
  const notes = new Map<string, Element>()
  for (const item of selectAll('li[id]', section)) notes.set(String(item.properties.id), item)
  removeNode(tree, section)

  const placed = new Set<string>()
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'sup' || !parent || index === undefined) return
    const call = select('a[data-footnote-ref]', node)
    if (!call) return
    const noteId = String(call.properties.href ?? '').replace(/^#/, '')
    const note = notes.get(noteId)
    const number = toString(call)
    if (!note) {
      parent.children[index] = h('sup.footnote-repeat', number)
      return SKIP
    }
    const link = h('a', { href: `#${noteId}` }, number)
    if (placed.has(noteId)) {
      parent.children[index] = h('sup.footnote-repeat', link)
      return SKIP
    }
    placed.add(noteId)
    const label = h('span.footnote-number', { id: noteId }, `${number}.`)
    const body = h('span.footnote', { role: 'complementary', dataNote: noteId, dataNumber: number }, [label, { type: 'text', value: ' ' }, ...noteContent(note)])
    parent.children.splice(index, 1, h('sup.footnote-call', link), body)
    return [SKIP, index + 2]
  })
  return placed.size
}

/** The note's content as phrasing: back links dropped, blocks renamed to styled spans. */
function noteContent(item: Element): ElementContent[] {
  const copy = structuredClone(item)
  visit(copy, 'element', (node, index, parent) => {
    if (parent && index !== undefined && node.properties.dataFootnoteBackref !== undefined) {
      parent.children.splice(index, 1)
      return index
    }
    return undefined
  })
  const blocks = copy.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''))
  const only = blocks.length === 1 ? blocks[0] : undefined
  const content = only?.type === 'element' && only.tagName === 'p' ? only.children : blocks
  trimEnd(content)
  for (const child of content) visit(child, 'element', toPhrasing)
  return content
}

/** Roles that keep a renamed list a list in the PDF's tags (`L` holding `LI`). */
const phrasingRoles: Record<string, string> = { ul: 'list', ol: 'list', li: 'listitem' }

function toPhrasing(node: Element): void {
  if (!blockTags.has(node.tagName)) return
  const className = Array.isArray(node.properties.className) ? node.properties.className : []
  node.properties.className = [...className, `fn-block`, `fn-${node.tagName}`]
  const role = phrasingRoles[node.tagName]
  if (role && node.properties.role === undefined) node.properties.role = role
  node.tagName = 'span'
}

function trimEnd(content: ElementContent[]): void {
  const last = content.at(-1)
  if (last?.type === 'text') last.value = last.value.trimEnd()
}

function removeNode(tree: Root, target: Element): void {
  visit(tree, 'element', (node, index, parent) => {
    if (node !== target || !parent || index === undefined) return undefined
    parent.children.splice(index, 1)
    return [SKIP, index] as const
  })
}
