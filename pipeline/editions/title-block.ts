import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import { select } from 'hast-util-select'
import { SKIP, visit } from 'unist-util-visit'
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

/** Options of `titleBlock`. */
export interface TitleBlockOptions {
  /** Class of the `header`; default `title-block`. */
  className?: string
  /** Add the licence as a last line (the PDF, which has no page footer for it); default false. */
  license?: boolean
  /** The site's logo (`site.logo`) above the title, at `src`, its `alt` the site's title; default none. */
  logo?: { src: string; alt: string } | undefined
}

/**
 * The title block every edition opens with: the `h1` title, subtitle, then a
 * line with authors, date and publisher (and, when asked, the licence). When
 * the document's own first `h1` is the title, that heading is moved out of
 * `tree` into the block.
 */
export function titleBlock(meta: ArticleMeta, tree: Root, options: TitleBlockOptions = {}): Element {
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
    options.logo ? h('p.site-logo', [h('img', { src: options.logo.src, alt: options.logo.alt })]) : undefined,
    ownTitle ?? h('h1', meta.title),
    meta.subtitle ? h('p.subtitle', meta.subtitle) : undefined,
    details.length > 0 ? h('p.byline-meta', details) : undefined,
    options.license && meta.license ? h('p.license', meta.license) : undefined,
  ])
}

/** Move the document's own first `h1` (its title), wherever it is, out of the content. */
function takeFirstH1(tree: Root): Element | undefined {
  const first = select('h1', tree)
  if (!first) return undefined
  visit(tree, 'element', (node, index, parent) => {
    if (node !== first || !parent || index === undefined) return undefined
    parent.children.splice(index, 1)
    return [SKIP, index] as const
  })
  return first
}
