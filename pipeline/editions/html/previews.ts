import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import { visit } from 'unist-util-visit'
import type { ArticleData } from '../../common/article.ts'

/**
 * The one script of the HTML edition (the page works without it): Escape
 * hides the preview shown, until focus or the pointer moves to another link,
 * as WCAG 1.4.13 asks of content shown on hover or focus. CSS alone cannot.
 */
export const dismissPreviewsScript = `(() => {
  const root = document.documentElement
  let over = null
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') root.classList.add('tips-dismissed') })
  document.addEventListener('focusin', () => root.classList.remove('tips-dismissed'))
  document.addEventListener('pointerover', (event) => {
    const link = event.target instanceof Element ? event.target.closest('.term, .note-call') : null
    if (link !== over) root.classList.remove('tips-dismissed')
    over = link
  })
})()`

/**
 * Add previews that need no JavaScript: each glossary link and footnote call
 * gets a `role="tooltip"` sibling with the definition or the note's text,
 * tied to it by `aria-describedby` and shown by CSS on hover and on focus.
 * Returns how many it added.
 */
export function addPreviews(tree: Root, article: ArticleData): number {
  let added = 0
  const definitionOf = new Map(article.terms.map((term) => [term.refId, term.entry.definition]))
  const noteOf = new Map(article.notes.flatMap((note) => note.refIds.map((refId) => [refId, note.text] as const)))
  visit(tree, 'element', (node, index, parent) => {
    if (!parent || index === undefined) return
    const id = typeof node.properties.id === 'string' ? node.properties.id : undefined
    const isTerm = node.tagName === 'a' && id !== undefined && definitionOf.has(id)
    const call = node.tagName === 'sup' ? firstLink(node) : undefined
    const callId = call && typeof call.properties.id === 'string' ? call.properties.id : undefined
    const isNote = callId !== undefined && noteOf.has(callId)
    if (!isTerm && !isNote) return
    const link = isTerm ? node : (call as Element)
    const linkId = (isTerm ? id : callId) as string
    const tipId = `tip-${linkId}`
    link.properties.ariaDescribedBy = [tipId]
    const text = (isTerm ? definitionOf.get(linkId) : noteOf.get(linkId)) ?? ''
    parent.children[index] = h(`span.${isTerm ? 'term' : 'note-call'}`, [node, h('span.tip', { role: 'tooltip', id: tipId }, text)])
    added++
    return 'skip'
  })
  return added
}

function firstLink(node: Element): Element | undefined {
  const child = node.children.find((item) => item.type === 'element' && item.tagName === 'a')
  return child?.type === 'element' ? child : undefined
}
