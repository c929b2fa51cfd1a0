import type { Root } from 'hast'
import { headingRank } from 'hast-util-heading-rank'
import { toString } from 'hast-util-to-string'
import GithubSlugger from 'github-slugger'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { OutlineHeading } from '../article.ts'

/**
 * Give every heading a GitHub-compatible id (github-slugger), unique in the
 * document and never equal to an id already in the tree (footnotes, glossary,
 * raw HTML anchors): such a clash gets GitHub's `-1` suffix. Headings inside
 * the generated footnote and glossary sections are left as they are. Writes
 * the outline to `file.data.article.headings`.
 */
export function rehypeHeadingIds() {
  return function (tree: Root, file: VFile): void {
    const slugger = new GithubSlugger()
    const taken = new Set<string>()
    visit(tree, 'element', (node) => {
      if (typeof node.properties.id === 'string' && !headingRank(node)) taken.add(node.properties.id)
    })
    const headings: OutlineHeading[] = []
    visit(tree, 'element', (node) => {
      if (node.properties.dataFootnotes !== undefined || node.properties.role === 'doc-glossary') return 'skip'
      const rank = headingRank(node)
      if (!rank) return undefined
      const text = toString(node).replace(/\s+/g, ' ').trim()
      let id = typeof node.properties.id === 'string' && node.properties.id !== '' ? node.properties.id : slugger.slug(text)
      while (taken.has(id) || id === '') id = slugger.slug(text || 'section')
      taken.add(id)
      node.properties.id = id
      headings.push({ depth: rank as OutlineHeading['depth'], id, text })
      return 'skip'
    })
    const article = file.data.article
    if (!article) return
    article.headings = headings
    const first = headings[0]
    if (article.meta.title === '' && first?.depth === 1) {
      article.meta.title = first.text
      article.meta.titleFromContent = true
    }
    if (article.meta.title === '') article.meta.title = first?.text ?? article.slug
  }
}
