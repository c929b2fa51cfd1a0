import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { ArticleNote } from '../common/article.ts'

/**
 * Give footnotes ASCII ids whatever their labels: `fn-N` for the note,
 * `fnref-N` (then `fnref-N-2`, …) for its calls, N in order of first call.
 * Ids are given by position, never by parsing the old ids, which embed
 * labels (`x` and `x-2` would be ambiguous). Expects remark-rehype's output
 * with an empty clobber prefix. Writes `file.data.article.notes`.
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
      notes.push({
        number,
        id: `fn-${number}`,
        refIds: [],
        text: toString(node)
          .replace(/\s*↩(\s*\d+)?\s*/g, ' ')
          .trim(),
      })
      // The k-th back link of a note returns to its k-th call.
      let k = 0
      visit(node, 'element', (link) => {
        if (link.tagName === 'a' && link.properties.dataFootnoteBackref !== undefined) link.properties.href = `#${refId(number, ++k)}`
      })
      return 'skip'
    })
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'a' || node.properties.dataFootnoteRef === undefined || typeof node.properties.href !== 'string') return
      const number = numberOf.get(node.properties.href.slice(1))
      const note = number === undefined ? undefined : notes[number - 1]
      if (!note) return
      const id = refId(note.number, note.refIds.length + 1)
      node.properties.href = `#${note.id}`
      node.properties.id = id
      note.refIds.push(id)
    })
    if (file.data.article) file.data.article.notes = notes
  }
}

function refId(number: number, k: number): string {
  return k === 1 ? `fnref-${number}` : `fnref-${number}-${k}`
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
