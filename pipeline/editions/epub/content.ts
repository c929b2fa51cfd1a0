import type { Element, ElementContent, Root } from 'hast'
import { h } from 'hastscript'
import { select, selectAll } from 'hast-util-select'
import { SKIP, visit } from 'unist-util-visit'
import type { ArticleData } from '../../common/article.ts'
import { uiStrings } from '../../common/strings.ts'
import { keyBlocks, stripBlockKeys } from '../block-keys.ts'
import { removeUnsafe } from '../unsafe-markup.ts'
import { resolveLinks } from './links.ts'
import { placePageBreaks, type PageTarget } from './page-list.ts'
import { relevelHeadings } from '../heading-levels.ts'
import type { PageStart } from '../edition.ts'
import { titleBlock } from '../title-block.ts'

/** File names of the content documents, relative to the package folder. */
export const textFile = 'text.xhtml'
export const glossaryFile = 'glossary.xhtml'

/** What the EPUB can truthfully say about its images (for the accessibility metadata). */
export interface ImageFacts {
  /** `<img>` elements in the book (placeholders excluded). */
  count: number
  /** Of those, how many had no `alt` attribute in the source (given `alt=""` for validity). */
  withoutAlt: number
}

/** The `<body>` of each content document, ready to serialize. */
export interface EpubBodies {
  text: Element
  glossary: Element | undefined
  images: ImageFacts
  /** The page-list, when the print edition's page starts were given. */
  pages: PageTarget[]
}

/**
 * The EPUB edition transform of the edition's own copy of the tree (changed in place):
 * - the title block first;
 * - footnote calls become `epub:type="noteref"` links and the notes become
 *   `<aside epub:type="footnote">` at the end of the same document, so
 *   e-readers show them as pop-ups;
 * - the glossary section moves to its own document (`epub:type="glossary"`),
 *   its entries link back to the first use, and term links are `glossref`s;
 * - images not packaged become placeholders; scripts, styles and `on*`
 *   handlers go (defence in depth: the sanitizer already removed them);
 * - links are resolved across the two documents (see `resolveLinks`);
 * - given where each page of the print edition begins (`pageStarts`),
 *   page-break markers go there (see `placePageBreaks`).
 * `packaged` is the set of `assets/…` paths the package contains; `logo`, the
 * site's logo in the title block (default none).
 */
export function epubBodies(own: Root, article: ArticleData, packaged: ReadonlySet<string>, pageStarts?: readonly PageStart[], logo?: { src: string; alt: string }): EpubBodies {
  const tree = keyBlocks(own)
  const strings = uiStrings(article.meta.lang)
  removeUnsafe(tree)
  const images = checkImages(tree, packaged)
  // The site's logo (`site.logo`), packaged in `theme/`: an image with its text alternative.
  const header = titleBlock(article.meta, tree, { logo })
  if (logo) images.count++
  const notes = takeSection(tree, 'section[data-footnotes]')
  const glossarySection = takeSection(tree, 'section.glossary')
  // The title is the document's only h1; the headings below it never skip a level.
  relevelHeadings(tree, 2)

  for (const call of selectAll('a[data-footnote-ref]', tree)) {
    call.properties['epub:type'] = 'noteref'
    call.properties.role = 'doc-noteref'
    delete call.properties.ariaDescribedBy
  }
  for (const term of selectAll('a.glossary-term', tree)) {
    term.properties['epub:type'] = 'glossref'
    term.properties.role = 'doc-glossref'
  }

  const asides = notes ? footnoteAsides(notes) : []
  const text = h('body', { 'epub:type': 'bodymatter' }, [header, ...(tree.children as ElementContent[]), ...(asides.length > 0 ? [h('div.footnotes', asides)] : [])])
  const glossary = glossarySection ? glossaryBody(glossarySection, article, strings.backToReference) : undefined
  const documents = { [textFile]: text, ...(glossary ? { [glossaryFile]: glossary } : {}) }
  resolveLinks(documents, packaged)
  const pages = pageStarts && pageStarts.length > 0 ? placePageBreaks(documents, textFile, pageStarts) : []
  for (const body of Object.values(documents)) stripBlockKeys(body)
  return { text, glossary, images, pages }
}

/** Remove the first element matching `selector` from the tree and return it. */
function takeSection(tree: Root, selector: string): Element | undefined {
  const found = select(selector, tree)
  if (!found) return undefined
  visit(tree, 'element', (node, index, parent) => {
    if (node !== found || !parent || index === undefined) return undefined
    parent.children.splice(index, 1)
    return [SKIP, index]
  })
  return found
}

/** `<li id="fn-N">` items of the footnote section → `<aside epub:type="footnote">`, numbered. */
function footnoteAsides(section: Element): Element[] {
  return selectAll('li[id]', section).map((item, index) => {
    const children = item.children
    for (const back of selectAll('a[data-footnote-backref]', item)) back.properties.role = 'doc-backlink'
    const number = h('span.note-number', `${index + 1}. `)
    const first = children.find((child): child is Element => child.type === 'element')
    if (first && first.tagName === 'p') first.children.unshift(number)
    else children.unshift(number)
    return h('aside', { id: item.properties.id, 'epub:type': 'footnote', role: 'doc-footnote' }, children)
  })
}

/** The glossary document's body: the section as `epub:type="glossary"`, `h1` title, back links. */
function glossaryBody(section: Element, article: ArticleData, backLabel: string): Element {
  section.properties['epub:type'] = 'glossary'
  for (const heading of selectAll('h2', section)) heading.tagName = 'h1'
  const refOf = new Map(article.terms.map((term) => [term.id, term.refId]))
  const list = select('dl', section)
  if (list) {
    let current: string | undefined
    for (const child of list.children) {
      if (child.type !== 'element') continue
      if (child.tagName === 'dt') {
        child.properties['epub:type'] = 'glossterm'
        current = typeof child.properties.id === 'string' ? child.properties.id : undefined
      } else if (child.tagName === 'dd') {
        child.properties['epub:type'] = 'glossdef'
        const refId = current ? refOf.get(current) : undefined
        if (refId) child.children.push({ type: 'text', value: ' ' }, h('a', { href: `#${refId}`, role: 'doc-backlink', ariaLabel: backLabel }, '↩'))
      }
    }
  }
  return h('body', { 'epub:type': 'backmatter' }, [section])
}

/** Images not in the package become placeholders; count the rest and those lacking `alt`. */
function checkImages(tree: Root, packaged: ReadonlySet<string>): ImageFacts {
  const facts: ImageFacts = { count: 0, withoutAlt: 0 }
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'img' || !parent || index === undefined) return
    const src = String(node.properties.src ?? '')
    const alt = node.properties.alt
    if (!packaged.has(src)) {
      const label = typeof alt === 'string' && alt !== '' ? alt : src
      parent.children[index] = h('span.image-placeholder', { role: 'img', ariaLabel: label }, label)
      return
    }
    facts.count++
    if (typeof alt !== 'string') {
      facts.withoutAlt++
      node.properties.alt = ''
    }
  })
  return facts
}
