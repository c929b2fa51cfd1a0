import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import type { ArticleMeta } from '../common/article.ts'

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** A date as the reader's language writes it, from `YYYY-MM-DD` (UTC, so no day shift). */
export function formatDate(date: string, lang: string): string {
  try {
    // Making a formatter costs far more than using one; an index formats a date per article.
    let format = dateFormats.get(lang)
    if (!format) dateFormats.set(lang, (format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' })))
    return format.format(new Date(`${date}T00:00:00Z`))
  } catch {
    return date
  }
}

/**
 * The title block every edition opens with: the `h1` title, subtitle, then a
 * line with authors, date and publisher. When the document's own first `h1`
 * is the title, that heading is moved out of `tree` into the block.
 */
export function titleBlock(meta: ArticleMeta, tree: Root, options: { className?: string } = {}): Element {
  const ownTitle = meta.titleFromContent ? takeFirstH1(tree) : undefined
  const details: Array<Element | string> = []
  const push = (node: Element) => {
    if (details.length > 0) details.push(' · ')
    details.push(node)
  }
  if (meta.authors.length > 0) push(h('span.author', meta.authors.join(', ')))
  if (meta.date) push(h('time', { dateTime: meta.date }, formatDate(meta.date, meta.lang)))
  if (meta.publisher) push(h('span.publisher', meta.publisher))
  return h(`header.${options.className ?? 'title-block'}`, [
    ownTitle ?? h('h1', meta.title),
    meta.subtitle ? h('p.subtitle', meta.subtitle) : undefined,
    details.length > 0 ? h('p.byline-meta', details) : undefined,
  ])
}

function takeFirstH1(tree: Root): Element | undefined {
  const index = tree.children.findIndex((node) => node.type === 'element' && node.tagName === 'h1')
  if (index === -1) return undefined
  const [heading] = tree.children.splice(index, 1)
  return heading as Element
}
