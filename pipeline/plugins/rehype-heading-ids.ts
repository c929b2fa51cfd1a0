import type { Element, Root } from 'hast'
import { headingRank } from 'hast-util-heading-rank'
import { toString } from 'hast-util-to-string'
import GithubSlugger from 'github-slugger'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { OutlineHeading } from '../common/article.ts'
import { editionIds } from './rehype-unique-ids.ts'

/** The sections offprint generates; their headings keep their own ids. */
function isGenerated(node: Element): boolean {
  return node.properties.dataFootnotes !== undefined || node.properties.role === 'doc-glossary'
}

/**
 * Give every heading a GitHub-compatible id (github-slugger on the heading's
 * raw text), unique in the document and never equal to an id already in the
 * tree (footnotes, the glossary section, raw HTML anchors): such a clash gets
 * GitHub's `-1` suffix. Run after the generated sections exist. Writes the
 * outline to `file.data.article.headings`.
 */
export function rehypeHeadingIds() {
  return function (tree: Root, file: VFile): void {
    const slugger = new GithubSlugger()
    // A heading "Main" must not take the page's own `main`.
    const taken = new Set<string>(editionIds)
    visit(tree, 'element', (node) => {
      if (isGenerated(node)) {
        visit(node, 'element', (inner) => {
          if (typeof inner.properties.id === 'string') taken.add(inner.properties.id)
        })
        return 'skip'
      }
      if (typeof node.properties.id === 'string' && !headingRank(node)) taken.add(node.properties.id)
      return undefined
    })
    const headings: OutlineHeading[] = []
    visit(tree, 'element', (node) => {
      if (isGenerated(node)) return 'skip'
      const rank = headingRank(node)
      if (!rank) return undefined
      const raw = toString(node)
      let id = typeof node.properties.id === 'string' && node.properties.id !== '' ? node.properties.id : slugger.slug(raw)
      while (taken.has(id) || id === '') id = slugger.slug(raw.trim() === '' ? 'section' : raw)
      taken.add(id)
      node.properties.id = id
      // A heading that is only an image is named by its alt text in the outline.
      const text = raw.trim() === '' ? altText(node) : raw
      headings.push({ depth: rank as OutlineHeading['depth'], id, text: text.replace(/\s+/g, ' ').trim() })
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

function altText(node: Element): string {
  const parts: string[] = []
  visit(node, 'element', (inner) => {
    if (inner.tagName === 'img' && typeof inner.properties.alt === 'string') parts.push(inner.properties.alt)
  })
  return parts.join(' ')
}
