import type { Element, ElementContent, Root } from 'hast'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/** Elements whose content may only be phrasing (inline) content. */
const phrasingOnly = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'summary',
  'span',
  'em',
  'strong',
  'b',
  'i',
  'u',
  's',
  'strike',
  'code',
  'kbd',
  'samp',
  'var',
  'sub',
  'sup',
  'small',
  'mark',
  'abbr',
  'cite',
  'q',
  'dfn',
  'time',
  'tt',
  'ruby',
  'rt',
  'rp',
  'label',
  'legend',
])
/** Flow elements that are not phrasing content, kept by the sanitizer. */
const flowOnly = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'details',
  'div',
  'dl',
  'figure',
  'figcaption',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'ul',
])
/** Elements whose content model is their parent's. */
const transparent = new Set(['a', 'del', 'ins'])
/** Not allowed inside a table header cell or a description term (`details` and `blockquote` count as sections). */
const headingLike = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'footer', 'section', 'article', 'aside', 'nav', 'details', 'blockquote'])
/** Elements that only stand inside certain parents (what is left of a table or a list moved elsewhere). */
const parentsOf: Record<string, readonly string[]> = {
  li: ['ul', 'ol'],
  dt: ['dl', 'div'],
  dd: ['dl', 'div'],
  thead: ['table'],
  tbody: ['table'],
  tfoot: ['table'],
  caption: ['table'],
  tr: ['table', 'thead', 'tbody', 'tfoot'],
  td: ['tr'],
  th: ['tr'],
  summary: ['details'],
  figcaption: ['figure'],
}
/** Interactive elements, which a link may not hold. */
const interactive = new Set(['a', 'details', 'input', 'button'])

/** The only elements some elements may hold. */
const childrenOf: Record<string, ReadonlySet<string>> = {
  ul: new Set(['li']),
  ol: new Set(['li']),
  dl: new Set(['dt', 'dd', 'div']),
  table: new Set(['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr']),
  thead: new Set(['tr']),
  tbody: new Set(['tr']),
  tfoot: new Set(['tr']),
  tr: new Set(['td', 'th']),
}

/** Phrasing-only elements that are blocks themselves: what they hold goes, not they. */
const blockLevel = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'summary'])

/**
 * Repair raw HTML that breaks HTML's content model, which would make every
 * edition invalid (and fail epubcheck): a block inside phrasing content (`<div>`
 * in a heading), a heading inside a table header cell, an interactive element
 * inside a link, a table row or list item left outside its table or list. An inline element standing among blocks and holding a block
 * (an unclosed `<em>` the HTML parser carried over a table) loses its tags;
 * otherwise the misplaced element does. Content is always kept, with an
 * `html-invalid` warning at the element. Runs after the sanitizer; iterative.
 */
export function rehypeContentModel() {
  return function (tree: Root, file: VFile): void {
    const stack: Array<{ node: Root | Element; phrasing: boolean; noHeadings: boolean; inLink: boolean }> = [{ node: tree, phrasing: false, noHeadings: false, inLink: false }]
    while (stack.length > 0) {
      const { node, phrasing, noHeadings, inLink } = stack.pop() as (typeof stack)[number]
      for (let index = 0; index < node.children.length; index++) {
        const child = node.children[index]
        if (child?.type !== 'element') continue
        const tag = child.tagName
        const held = !phrasing && phrasingOnly.has(tag) && !blockLevel.has(tag) ? heldBlock(child) : undefined
        // `<summary>` holds phrasing content or one heading.
        const headingInSummary = node.type === 'element' && node.tagName === 'summary' && /^h[1-6]$/.test(tag)
        const only = node.type === 'element' ? childrenOf[node.tagName] : undefined
        const misplaced =
          only && !only.has(tag)
            ? `\`<${tag}>\` inside \`<${(node as Element).tagName}>\`, expected ${[...only].map((name) => `\`<${name}>\``).join(' or ')}; its tags are removed`
            : held
              ? `\`<${held}>\` inside \`<${tag}>\`, expected phrasing content in \`<${tag}>\`; the \`<${tag}>\` tags are removed`
              : phrasing && flowOnly.has(tag) && !headingInSummary
                ? `\`<${tag}>\` inside ${nameOf(node)}, expected phrasing content there; its tags are removed`
                : noHeadings && headingLike.has(tag)
                  ? `\`<${tag}>\` inside a table header or term, expected no headings or sections there; its tags are removed`
                  : inLink && interactive.has(tag)
                    ? `\`<${tag}>\` inside a link, expected no links or controls there; its tags are removed`
                    : parentsOf[tag] && !parentsOf[tag].includes(node.type === 'element' ? node.tagName : '')
                      ? `\`<${tag}>\` inside ${nameOf(node)}, expected it inside ${parentsOf[tag].map((name) => `\`<${name}>\``).join(' or ')}; its tags are removed`
                      : undefined
        if (misplaced) {
          file.message(`Unexpected ${misplaced} and its content kept`, { ...(child.position ? { place: child.position } : {}), ruleId: 'html-invalid', source: messageSource })
          // A block's text must not run into its neighbours' once its tags are gone.
          const block = flowOnly.has(tag) || parentsOf[tag] !== undefined
          const before: ElementContent[] = block && index > 0 ? [{ type: 'text', value: ' ' }] : []
          const after: ElementContent[] = block && index < node.children.length - 1 ? [{ type: 'text', value: ' ' }] : []
          ;(node.children as ElementContent[]).splice(index, 1, ...before, ...child.children, ...after)
          index--
          continue
        }
        stack.push({
          node: child,
          phrasing: transparent.has(tag) ? phrasing : phrasingOnly.has(tag),
          noHeadings: noHeadings || tag === 'th' || tag === 'dt',
          inLink: inLink || tag === 'a',
        })
      }
    }
  }
}

/** The first block (or table or list part) `node` holds through inline elements, if any. */
function heldBlock(node: Element): string | undefined {
  const stack: Element[] = [node]
  while (stack.length > 0) {
    for (const child of (stack.pop() as Element).children) {
      if (child.type !== 'element') continue
      if (flowOnly.has(child.tagName) || parentsOf[child.tagName]) return child.tagName
      if (phrasingOnly.has(child.tagName) || transparent.has(child.tagName)) stack.push(child)
    }
  }
  return undefined
}

function nameOf(node: Root | Element): string {
  return node.type === 'element' ? `\`<${node.tagName}>\`` : 'the document'
}
