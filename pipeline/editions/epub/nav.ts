import type { Element } from 'hast'
import { h } from 'hastscript'
import { toString } from 'hast-util-to-string'
import type { ArticleData } from '../../common/article.ts'
import { uiStrings } from '../../common/strings.ts'
import { glossaryFile, textFile } from './content.ts'
import { tocList } from '../toc.ts'

/** The package's nav document is written by epub-gen-memory under this name. */
export const navFile = 'toc.xhtml'

/** One entry of the NCX (EPUB 2 readers' table of contents). */
export interface NcxPoint {
  label: string
  src: string
  children: NcxPoint[]
}

/** One landmark of the nav document. */
export interface Landmark {
  type: 'toc' | 'bodymatter' | 'glossary'
  href: string
  label: string
}

/** The tables of contents of a book: nav `<ol>`, NCX points, landmarks. */
export interface BookNavigation {
  list: Element
  points: NcxPoint[]
  landmarks: Landmark[]
  tocTitle: string
}

/**
 * The heading hierarchy as the book's table of contents: every heading of the
 * article, nested by level, under the title (unless the title is the
 * document's own first `h1`, which is then the first heading), then the
 * glossary. A heading without text is listed by its id.
 */
export function bookNavigation(article: ArticleData, hasGlossary: boolean): BookNavigation {
  const strings = uiStrings(article.meta.lang)
  const headings = article.headings.map((heading) => (heading.text.trim() ? heading : { ...heading, text: heading.id }))
  const outline = tocList(headings, (heading) => `${textFile}#${heading.id}`)
  const items: Element[] = article.meta.titleFromContent
    ? (outline.children.filter((child) => child.type === 'element') as Element[])
    : [h('li', [h('a', { href: textFile }, article.meta.title), ...(outline.children.length > 0 ? [outline] : [])])]
  if (hasGlossary) items.push(h('li', [h('a', { href: glossaryFile }, strings.glossary)]))
  const list = h('ol', items)
  return {
    list,
    points: ncxPoints(list),
    tocTitle: strings.contents,
    landmarks: [
      { type: 'toc', href: `${navFile}#toc`, label: strings.contents },
      { type: 'bodymatter', href: textFile, label: article.meta.title },
      ...(hasGlossary ? [{ type: 'glossary' as const, href: glossaryFile, label: strings.glossary }] : []),
    ],
  }
}

/** The nav list as NCX points (`li > a`, nested `ol`). */
function ncxPoints(list: Element): NcxPoint[] {
  const points: NcxPoint[] = []
  for (const item of list.children) {
    if (item.type !== 'element' || item.tagName !== 'li') continue
    const link = item.children.find((child): child is Element => child.type === 'element' && child.tagName === 'a')
    const sub = item.children.find((child): child is Element => child.type === 'element' && child.tagName === 'ol')
    if (!link) continue
    points.push({ label: toString(link), src: String(link.properties.href), children: sub ? ncxPoints(sub) : [] })
  }
  return points
}
