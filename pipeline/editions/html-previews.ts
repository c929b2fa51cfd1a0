import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import { visit } from 'unist-util-visit'
import type { ArticleData } from '../article.ts'

/**
 * Add previews that need no JavaScript: each glossary link and footnote call
 * gets a `role="tooltip"` sibling with the definition or the note's text,
 * tied to it by `aria-describedby` and shown by CSS on hover and on focus.
 */
export function addPreviews(tree: Root, article: ArticleData): void {
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
    return 'skip'
  })
}

function firstLink(node: Element): Element | undefined {
  const child = node.children.find((item) => item.type === 'element' && item.tagName === 'a')
  return child?.type === 'element' ? child : undefined
}
