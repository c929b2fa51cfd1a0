import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { ArticleNote } from '../article.ts'

/**
 * Give footnotes ASCII ids whatever their labels: `fn-N` for the note,
 * `fnref-N` (then `fnref-N-2`, …) for its calls, N in order of first call.
 * Expects remark-rehype's output with an empty clobber prefix
 * (`fn-<label>`, `fnref-<label>`). Writes `file.data.article.notes`.
 */
export function rehypeFootnoteIds() {
  return function (tree: Root, file: VFile): void {
    const section = findFootnoteSection(tree)
    if (!section) return
    const numberOf = new Map<string, number>()
    const notes: ArticleNote[] = []
    visit(section, 'element', (node) => {
      const id = node.properties.id
      if (node.tagName !== 'li' || typeof id !== 'string' || numberOf.has(id)) return
      const number = numberOf.size + 1
      numberOf.set(id, number)
      node.properties.id = `fn-${number}`
      notes.push({ number, id: `fn-${number}`, refIds: [], text: toString(node).replace(/\s*↩(\s*\d+)?\s*/g, ' ').trim() })
    })
    const renumber = (target: string): string | undefined => {
      for (const [oldId, number] of numberOf) {
        const label = oldId.slice('fn-'.length)
        const prefix = `fnref-${label}`
        if (target === prefix) return `fnref-${number}`
        if (target.startsWith(`${prefix}-`) && /^\d+$/.test(target.slice(prefix.length + 1))) return `fnref-${number}${target.slice(prefix.length)}`
      }
      return undefined
    }
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'a') return
      const href = node.properties.href
      if (node.properties.dataFootnoteRef !== undefined && typeof href === 'string') {
        const number = numberOf.get(href.slice(1))
        const id = typeof node.properties.id === 'string' ? renumber(node.properties.id) : undefined
        if (number === undefined || id === undefined) return
        node.properties.href = `#fn-${number}`
        node.properties.id = id
        notes[number - 1]?.refIds.push(id)
      } else if (node.properties.dataFootnoteBackref !== undefined && typeof href === 'string') {
        const id = renumber(href.slice(1))
        if (id) node.properties.href = `#${id}`
      }
    })
    if (file.data.article) file.data.article.notes = notes
  }
}

function findFootnoteSection(tree: Root): Element | undefined {
  let found: Element | undefined
  visit(tree, 'element', (node) => {
    if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) {
      found = node
      return false
    }
    return undefined
  })
  return found
}
