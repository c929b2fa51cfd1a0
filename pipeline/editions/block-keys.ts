import type { Element, Root } from 'hast'
import { visit } from 'unist-util-visit'

/**
 * Block keys let one edition name a place in another: the PDF says where each
 * of its pages begins as (block key, character offset), and the EPUB puts its
 * page-break markers there. Both editions key a clone of the same canonical
 * tree with `keyBlocks`, so the same block gets the same key in both.
 */

/** The attribute carrying a block's key in the print page's DOM. */
export const blockKeyAttribute = 'data-block-key'

/** Elements that get a key: every element that can hold a paragraph's worth of text. */
const blockTags = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
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
 * Characters that are not counted in offsets: white space (editions collapse
 * or trim it differently) and soft hyphens (only the print tree has them).
 * A pattern source, as it is also used in the browser.
 */
export const uncountedPattern = '[\\s\\u00AD]'

/**
 * Text that one edition has and the other lacks, or has in another form, left
 * out of offsets: superscripts (footnote calls are superscript numbers, made
 * differently per edition; other superscripts are left out of both), the
 * notes (floated to the page's foot in print), the print glossary's page
 * lists, image placeholders (labelled differently per edition).
 */
export const uncountedInPrint = 'sup, [data-note], .footnote, [data-pages-for], .image-placeholder, .pagedjs_footnote_area'
export const uncountedInEpub = 'sup, a[data-footnote-ref], .image-placeholder'

/** Key the edition's own copy of the tree in place: each block element gets `data-block-key="n"`, in document order. Returns it. */
export function keyBlocks(tree: Root): Root {
  let next = 0
  visit(tree, 'element', (node: Element) => {
    if (blockTags.has(node.tagName)) node.properties.dataBlockKey = String(next++)
  })
  return tree
}

/** The key of a block element of a keyed tree, if it has one. */
export function blockKeyOf(node: Element): string | undefined {
  const key = node.properties.dataBlockKey
  return key === undefined || key === null ? undefined : String(key)
}

/** Remove every block key from `tree` (no edition's output carries them). */
export function stripBlockKeys(tree: Root | Element): void {
  visit(tree, 'element', (node: Element) => {
    delete node.properties.dataBlockKey
  })
}
