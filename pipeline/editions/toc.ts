import type { Element, ElementContent } from 'hast'
import { h } from 'hastscript'
import type { OutlineHeading } from '../common/article.ts'

/**
 * A nested list of links to the headings, levels nested as the outline is
 * (a jump from `h2` to `h4` nests one level, never an empty `li`).
 * `skipFirst` leaves out a title heading shown elsewhere.
 */
export function tocList(headings: readonly OutlineHeading[], hrefOf: (heading: OutlineHeading) => string = (heading) => `#${heading.id}`): Element {
  const root = h('ol')
  const stack: Array<{ depth: number; list: Element }> = [{ depth: 0, list: root }]
  for (const heading of headings) {
    while (stack.length > 1 && (stack.at(-1)?.depth ?? 0) >= heading.depth) stack.pop()
    const parent = stack.at(-1) as { depth: number; list: Element }
    const item = h('li', [h('a', { href: hrefOf(heading) }, heading.text)])
    parent.list.children.push(item as ElementContent)
    const sub = h('ol')
    item.children.push(sub)
    stack.push({ depth: heading.depth, list: sub })
  }
  pruneEmpty(root)
  return root
}

function pruneEmpty(list: Element): void {
  for (const item of list.children) {
    if (item.type !== 'element') continue
    item.children = item.children.filter((child) => !(child.type === 'element' && child.tagName === 'ol' && child.children.length === 0))
    for (const child of item.children) if (child.type === 'element' && child.tagName === 'ol') pruneEmpty(child)
  }
}
