import type { Nodes, Parent, Root } from 'mdast'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * Depth of the Markdown tree past which content is kept as plain text. Every
 * later stage recurses (mdast-util-to-hast, hast-util-raw, the sanitizer,
 * serializers) and overflows the stack some thousands of levels down;
 * browsers' HTML parsers re-parent elements past 512. `source.ts` already
 * refuses more than 100 nested containers, which take at most ~200 levels.
 */
export const maxTreeDepth = 300
/** Raw HTML elements open at once past which raw HTML is kept as literal text. */
export const maxHtmlDepth = 100

/** Nodes whose children are phrasing content. */
const phrasingParents = new Set(['paragraph', 'heading', 'tableCell', 'emphasis', 'strong', 'delete', 'link', 'linkReference'])
/** Raw HTML elements that never hold others (void) or close themselves when a sibling opens. */
const selfClosing = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'tfoot',
  'option',
  'optgroup',
  'rb',
  'rt',
  'rtc',
  'rp',
  'colgroup',
])
/** The start of a start or end tag (measuring only: the HTML itself is parsed by rehype-raw). */
const tagStart = /<(\/?)([a-zA-Z][a-zA-Z0-9-]{0,63})/y

/**
 * Keep the tree shallow enough for every later stage: content nested deeper
 * than `maxTreeDepth` becomes its plain text, and raw HTML from the point
 * where it would hold more than `maxHtmlDepth` open elements is kept as
 * literal text; each with one `source-limit` warning. Iterative, so it cannot
 * itself overflow. Runs first, right after parsing.
 */
export function remarkNestingLimit() {
  return function (tree: Root, file: VFile): void {
    let flattened = false
    let htmlAsText = false
    let flowDepth = 0
    let inlineDepth = 0
    const stack: Array<{ node: Nodes; parent: Parent | undefined; index: number; depth: number }> = [{ node: tree, parent: undefined, index: 0, depth: 0 }]
    while (stack.length > 0) {
      const { node, parent, index, depth } = stack.pop() as (typeof stack)[number]
      if (node.type === 'html' && parent) {
        const inline = phrasingParents.has(parent.type)
        if (!htmlAsText) {
          const opened = openedElements(node.value, inline ? flowDepth + inlineDepth : flowDepth)
          if (inline) inlineDepth = opened.depth - flowDepth
          else flowDepth = opened.depth
          if (opened.deepest > maxHtmlDepth) {
            htmlAsText = true
            warn(file, node, `Unexpected raw HTML nested more than ${maxHtmlDepth} elements deep, expected at most ${maxHtmlDepth}; from here on raw HTML is kept as text`)
          }
        }
        if (htmlAsText) asText(parent, index, node.value)
        continue
      }
      if (!('children' in node)) continue
      if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') inlineDepth = 0
      if (depth >= maxTreeDepth && node.children.length > 0) {
        if (!flattened) warn(file, node, `Unexpected markup nested more than ${maxTreeDepth} levels deep, expected at most ${maxTreeDepth}; what is deeper is kept as plain text`)
        flattened = true
        flatten(node)
        continue
      }
      // Pushed in reverse so that nodes are visited in document order.
      for (let child = node.children.length - 1; child >= 0; child--) {
        stack.push({ node: node.children[child] as Nodes, parent: node, index: child, depth: depth + 1 })
      }
    }
  }
}

/**
 * Open raw HTML elements after `html`, starting from `depth`, and the most
 * open inside it. Linear: a tag ends at the next `>`, so `<div <div …>`
 * counts every `<div` (too many is the safe side); comments and end tags
 * without a start are ignored.
 */
function openedElements(html: string, depth: number): { depth: number; deepest: number } {
  let deepest = depth
  let end = -1
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) {
    if (end < at) end = html.indexOf('>', at)
    if (end === -1) break
    tagStart.lastIndex = at
    const match = tagStart.exec(html)
    if (!match) continue
    const name = (match[2] ?? '').toLowerCase()
    if (match[1] === '/') depth = Math.max(0, depth - (selfClosing.has(name) ? 0 : 1))
    else if (html[end - 1] !== '/' && !selfClosing.has(name)) deepest = Math.max(deepest, ++depth)
  }
  return { depth, deepest }
}

/** Replace the children of `node` with its text, in the one shape its type allows. */
function flatten(node: Parent): void {
  const text = { type: 'text' as const, value: textOf(node) }
  const paragraph = { type: 'paragraph' as const, children: [text] }
  const cell = { type: 'tableCell' as const, children: [text] }
  const children = phrasingParents.has(node.type)
    ? [text]
    : node.type === 'list'
      ? [{ type: 'listItem' as const, spread: false, children: [paragraph] }]
      : node.type === 'table'
        ? [{ type: 'tableRow' as const, children: [cell] }]
        : node.type === 'tableRow'
          ? [cell]
          : [paragraph]
  ;(node as { children: unknown[] }).children = children
}

/** The text of a subtree, iteratively: values, image alt text, a space between blocks. */
function textOf(root: Parent): string {
  const parts: string[] = []
  const stack: Nodes[] = [...(root.children as Nodes[])].reverse()
  while (stack.length > 0) {
    const node = stack.pop() as Nodes
    if ('value' in node && typeof node.value === 'string') parts.push(node.value)
    else if (node.type === 'image' || node.type === 'imageReference') parts.push(node.alt ?? '')
    else if (node.type === 'footnoteReference') parts.push(`[^${node.label ?? node.identifier}]`)
    else if (node.type === 'break') parts.push('\n')
    if (!phrasingParents.has(node.type) && node.type !== 'text') parts.push(' ')
    if ('children' in node) for (let index = node.children.length - 1; index >= 0; index--) stack.push(node.children[index] as Nodes)
  }
  return parts
    .join('')
    .replace(/[ \t]+/g, ' ')
    .trim()
}

/** Put `value` as text where the raw HTML node at `index` was; as a paragraph where phrasing cannot stand alone. */
function asText(parent: Parent, index: number, value: string): void {
  const text = { type: 'text', value }
  ;(parent.children as unknown[])[index] = phrasingParents.has(parent.type) ? text : { type: 'paragraph', children: [text] }
}

function warn(file: VFile, node: Nodes, reason: string): void {
  file.message(reason, { ...(node.position ? { place: node.position } : {}), ruleId: 'source-limit', source: messageSource })
}
