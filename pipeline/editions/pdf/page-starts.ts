import type { PageStart } from '../edition.ts'
import { blockKeyAttribute, uncountedInPrint, uncountedPattern } from '../block-keys.ts'

/** Arguments of `findPageStarts`, passed into the browser page. */
export interface PageStartQuery {
  keyAttribute: string
  uncounted: string
  uncountedPattern: string
}

export const pageStartQuery: PageStartQuery = { keyAttribute: blockKeyAttribute, uncounted: uncountedInPrint, uncountedPattern }

/**
 * In the laid-out page (runs in the browser after Paged.js): the start of
 * every page, in page order. Paged.js splits a block across pages into
 * fragments that keep its attributes, so a block's counted text is the sum
 * over its fragments in page order. A page with no text at all (only an
 * image, or blank) starts where the previous page's text ended.
 */
export function findPageStarts(query: PageStartQuery): PageStart[] {
  const uncounted = new RegExp(query.uncountedPattern, 'gu')
  const counted = new Map<string, number>()
  const starts: PageStart[] = []
  let last: PageStart = { offset: 0 }
  for (const [index, page] of Array.from(document.querySelectorAll('.pagedjs_page')).entries()) {
    let start: PageStart | undefined = index === 0 ? { offset: 0 } : undefined
    const content = page.querySelector('.pagedjs_page_content')
    const walker = document.createTreeWalker(content ?? page, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT)
    for (let node = content ? walker.nextNode() : null; node; node = walker.nextNode()) {
      const element = node instanceof Element ? node : node.parentElement
      if (!element || element.closest(query.uncounted)) continue
      const block = element.closest(`[${query.keyAttribute}]`)?.getAttribute(query.keyAttribute) ?? undefined
      const isImage = node instanceof Element && node.tagName === 'IMG'
      const count = node instanceof Text ? (node.nodeValue ?? '').replace(uncounted, '').length : 0
      if (count === 0 && !isImage) continue
      if (block === undefined) continue
      start ??= { block, offset: counted.get(block) ?? 0 }
      counted.set(block, (counted.get(block) ?? 0) + count)
      last = { block, offset: counted.get(block) ?? 0 }
    }
    starts.push(start ?? last)
  }
  return starts
}
