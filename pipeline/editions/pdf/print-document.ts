import type { Element, ElementContent, Root, Text } from 'hast'
import { h } from 'hastscript'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SKIP, visit } from 'unist-util-visit'
import type { ArticleMeta } from '../../common/article.ts'
import { uiStrings } from '../../common/strings.ts'
import type { EditionInput, EditionWarning } from '../edition.ts'
import { logoCss } from '../brand.ts'
import { titleBlock } from '../title-block.ts'
import { removeUnsafe } from '../unsafe-markup.ts'
import { markTermUses } from './term-pages.ts'
import { splitCodeLines } from './code-lines.ts'
import { hyphenateTree } from './hyphenate.ts'
import { inlineFootnotes } from './notes.ts'
import { printLogo } from './print-assets.ts'
import { fitTables } from './wide-tables.ts'

export interface PrintDocumentOptions {
  paper: ArticleMeta['paper']
  /** Text of `templates/print.css`, with the theme's after it: read by Paged.js. */
  printCss: string
  /**
   * `templates/print-text.css` and the sheets every edition shares
   * (`splitStylesheet`), given to Chromium as they are: Paged.js would only
   * parse, walk and write them again, for each document (default none).
   */
  sharedCss?: string
  /** Insert soft hyphens from TeX patterns; default true. */
  hyphenate?: boolean
}

export interface PrintDocument {
  tree: Root
  warnings: EditionWarning[]
  /** Footnotes moved to their calls. */
  notes: number
  /** Glossary term uses marked for the page list. */
  termUses: number
}

/**
 * Only our own injected script may run (Runtime.evaluate is not subject to
 * the policy); styles inline for Paged.js; fonts and images as local files.
 */
const contentSecurityPolicy = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline' file:; font-src file:; img-src file:; base-uri 'none'; form-action 'none'"

/** The print document: title block, the article's content prepared for paging, print CSS. */
export function buildPrintDocument(input: EditionInput, options: PrintDocumentOptions): PrintDocument {
  const { meta } = input.article
  // The edition's own copy of the tree (see `EditionInput`): changed in place.
  const tree = input.tree
  const warnings: EditionWarning[] = []
  removeUnsafe(tree)
  splitCodeLines(tree)
  unlinkLocal(tree)
  localizeImages(tree, input, warnings)
  keepAsideForNotes(tree)
  const notes = inlineFootnotes(tree)
  const termUses = markTermUses(tree, input.article)
  if (options.hyphenate ?? true) hyphenateTree(tree, meta.lang)
  keepInlineLang(tree)
  collapseBlockSpace(tree)
  breakLongTokens(tree)
  fitTables(tree, (options.hyphenate ?? true) ? meta.lang : undefined)
  // The one title block of every edition (`title-block.ts`), with the licence: a PDF has no page footer for it.
  const header = titleBlock(meta, tree, { license: true, logo: printLogo(input.brand) })

  const html = h('html', { lang: meta.lang }, [
    h('head', [
      h('meta', { charSet: 'utf-8' }),
      h('meta', { httpEquiv: 'Content-Security-Policy', content: contentSecurityPolicy }),
      h('title', meta.title),
      // The logo's size, left to Chromium (not to Paged.js). The fonts are the print page's own (`print-page.ts`).
      ...(input.brand?.logo ? [h('style', { dataPagedjsIgnore: '' }, logoCss)] : []),
      ...(options.sharedCss ? [h('style', { dataPagedjsIgnore: '' }, options.sharedCss)] : []),
      h('style', options.printCss),
      h('style', `@page { size: ${options.paper === 'Letter' ? 'letter' : 'A4'}; }`),
    ]),
    h('body', [header, h('main', tree.children as ElementContent[])]),
  ])
  return { tree: { type: 'root', children: [{ type: 'doctype' }, html] }, warnings, notes, termUses }
}

/**
 * The print document as Paged.js takes it apart: the body's content already
 * in the `<template data-ref="pagedjs-content">` that Paged.js would move it
 * into (`Previewer.wrapContent`), so that Chromium never lays out and paints
 * the unpaged document first (about 25 ms of Chromium's time per document,
 * measured). A new root; `tree` is left as it is.
 */
export function inPagedTemplate(tree: Root): Root {
  return {
    ...tree,
    children: tree.children.map((html) =>
      html.type === 'element' && html.tagName === 'html'
        ? {
            ...html,
            children: html.children.map((body) =>
              body.type === 'element' && body.tagName === 'body'
                ? { ...body, children: [{ ...h('template', { dataRef: 'pagedjs-content' }), content: { type: 'root', children: body.children } }] }
                : body,
            ),
          }
        : html,
    ),
  }
}

/**
 * Chromium draws no space where a line wraps, so the PDF's tags (and a wrapped
 * heading's bookmark) would read "theJanuary". Print CSS keeps the spaces of
 * headings and paragraphs (`white-space: pre-wrap`), where a line-end space is
 * drawn; this collapses their white space first, across inline elements as a
 * browser would, so the lines break where they did. Notes keep normal spacing.
 */
function collapseBlockSpace(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'p' && !/^h[1-6]$/.test(node.tagName)) return undefined
    let last: Text | undefined
    let afterSpace = true
    const trimLast = (): void => {
      if (last) last.value = last.value.trimEnd()
    }
    visit(node, (child) => {
      if (child.type === 'element') {
        const classes = child.properties.className
        if (Array.isArray(classes) && classes.includes('footnote')) return SKIP
        if (child.tagName === 'br') {
          trimLast()
          afterSpace = true
        } else if (child.tagName === 'img') afterSpace = false
        return undefined
      }
      if (child.type !== 'text') return undefined
      child.value = child.value.replace(/[ \t\n\r\f]+/g, ' ')
      if (afterSpace) child.value = child.value.replace(/^ /, '')
      if (child.value !== '') {
        afterSpace = child.value.endsWith(' ')
        last = child
      }
      return undefined
    })
    trimLast()
    return SKIP
  })
}

/** Characters with no space between them that make a long token (an address, a path, an identifier). */
const longToken = 24
/**
 * A run at least that long, soft hyphens included: what a text with a long
 * token has. Tried only where a run starts: tried at every character, the
 * pattern read each word again from each of its letters (1 ms per document, profiled).
 */
const longRun = new RegExp(`(?<!\\S)\\S{${longToken}}`)
/** Characters after which a long token breaks first: `/` (but not inside `//`), `.`, `?`, `&`, `=`. */
const breakAfter = /(?<=[.?&=]|\/(?!\/))(?=.)/u
/** A space that justification never stretches (U+2005, a quarter em: a word space's width in Noto Serif). */
const fixedSpace = '\u2005'
/** Inline elements a long token may sit in, whose neighbours' spaces are the token's. */
const inlineParents = new Set(['a', 'code', 'em', 'strong', 'span', 'i', 'b', 'u', 's', 'del', 'ins', 'mark', 'small', 'kbd', 'samp', 'var', 'cite', 'q'])

/**
 * In justified text a long token that cannot break (a URL, a path in `code`)
 * goes whole to the next line and stretches the spaces of the line it left
 * across the measure, or leaves the text block. Each one is wrapped in a
 * `span.long-token`, which print CSS lets break between any two characters
 * (so the line before it is filled to its end), with `<wbr>` after `/`, `.`,
 * `?`, `&` and `=`; and the spaces on either side of it become spaces that
 * justification does not stretch, so a line holding little but the token is
 * left ragged rather than spread. Code blocks wrap on their own.
 */
function breakLongTokens(tree: Root): void {
  const spans: Array<{ span: Element; ancestors: Array<Element | Root> }> = []
  const walk = (parent: Element | Root, ancestors: Array<Element | Root>): void => {
    if (parent.type === 'element' && ['pre', 'script', 'style'].includes(parent.tagName)) return
    const inside = [...ancestors, parent]
    for (let index = 0; index < parent.children.length; index++) {
      const node = parent.children[index]
      if (node?.type === 'element') walk(node, inside)
      // Most text has no run that long: passed over without listing its words.
      if (node?.type !== 'text' || !longRun.test(node.value)) continue
      const tokens = [...node.value.matchAll(/\S+/g)].filter((match) => match[0].replaceAll('\u00AD', '').length >= longToken)
      if (tokens.length === 0) continue
      const parts: ElementContent[] = []
      let from = 0
      for (const match of tokens) {
        const token = match[0].replaceAll('\u00AD', '')
        if (match.index > from) parts.push({ type: 'text', value: node.value.slice(from, match.index) })
        const span = h(
          'span.long-token',
          token.split(breakAfter).flatMap((piece, at) => (at === 0 ? [piece] : [h('wbr'), piece])),
        )
        spans.push({ span, ancestors: inside })
        parts.push(span)
        from = match.index + match[0].length
      }
      if (from < node.value.length) parts.push({ type: 'text', value: node.value.slice(from) })
      ;(parent.children as ElementContent[]).splice(index, 1, ...parts)
      index += parts.length - 1
    }
  }
  walk(tree, [])
  for (const { span, ancestors } of spans) fixSpacesAround(span, ancestors)
}

/** The spaces just before and after `span` (outside the inline elements it opens or ends) become `fixedSpace`. */
function fixSpacesAround(span: Element, ancestors: ReadonlyArray<Element | Root>): void {
  for (const side of [-1, 1] as const) {
    let child: Element = span
    for (let level = ancestors.length - 1; level >= 0; level--) {
      const parent = ancestors[level] as Element | Root
      const neighbour = parent.children[(parent.children as ElementContent[]).indexOf(child) + side]
      if (neighbour?.type === 'text') {
        neighbour.value = side < 0 ? neighbour.value.replace(/ $/, fixedSpace) : neighbour.value.replace(/^ /, fixedSpace)
        break
      }
      if (neighbour || parent.type !== 'element' || !inlineParents.has(parent.tagName)) break
      child = parent
    }
  }
}

/** Inline elements that can carry a passage's language. */
const inlineTags = new Set(['span', 'i', 'b', 'u', 's', 'q', 'cite', 'abbr', 'small', 'mark', 'bdi', 'bdo', 'dfn', 'time', 'data', 'var', 'samp', 'kbd', 'sub', 'sup'])

/**
 * Chromium writes a structure element's /Lang only for elements in its
 * accessibility tree, and leaves a plain inline element (`<span lang>`) out;
 * `tabindex="-1"` keeps it in (nothing in a PDF takes focus).
 */
function keepInlineLang(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.properties.lang !== undefined && inlineTags.has(node.tagName) && node.properties.tabIndex === undefined) node.properties.tabIndex = -1
  })
}

/**
 * A PDF is read away from the source folder: a relative or `file:` link
 * would point into the reader's disk (and Chromium resolves it against the
 * build's temporary folder). Such links become their text.
 */
function unlinkLocal(tree: Root): void {
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'a' || node.properties.href === undefined || !parent || index === undefined) return undefined
    const href = String(node.properties.href).trim()
    if (/^(?:https?:|mailto:|#)/i.test(href)) return undefined
    parent.children.splice(index, 1, ...node.children)
    return index
  })
}

/**
 * Footnotes are the print page's only `complementary` content (see
 * `inlineFootnotes`), so that the PDF can tag them as `Note`: a source's
 * own `<aside>` is given the role `group` (tagged `Div`).
 */
function keepAsideForNotes(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName === 'aside' || node.properties.role === 'complementary') node.properties.role = 'group'
  })
}

/** Local images to `file://` URLs of the source folder; anything remote becomes a placeholder. */
function localizeImages(tree: Root, input: EditionInput, warnings: EditionWarning[]): void {
  const sourceOf = new Map(input.article.assets.map((asset) => [asset.href, asset.source]))
  const label = uiStrings(input.article.meta.lang).imageNotIncluded
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'img' || !parent || index === undefined) return undefined
    const src = String(node.properties.src ?? '')
    delete node.properties.srcSet
    const asset = sourceOf.get(src)
    if (asset) {
      node.properties.src = pathToFileURL(asset).href
      return undefined
    }
    if (src !== '' && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) {
      node.properties.src = pathToFileURL(resolve(input.sourceDir, decodeURI(src))).href
      return undefined
    }
    warnings.push({ reason: `Unexpected remote image \`${src}\`, expected a local file (shown as a placeholder)`, ruleId: 'image-remote' })
    const alt = String(node.properties.alt ?? '')
    parent.children[index] = h('span.image-placeholder', { role: 'img', ariaLabel: alt || label }, alt ? `${label}: ${alt}` : label)
    return SKIP
  })
}
