import type { Link, Root, Text } from 'mdast'
import { findAndReplace } from 'mdast-util-find-and-replace'
import type { VFile } from 'vfile'
import { compileGlossary } from '../glossary/matcher.ts'
import type { ArticleTerm } from '../article.ts'

/**
 * Link the first use of each glossary term (or one of its variants) to its
 * entry in the glossary section. Reads `file.data.glossary`, writes
 * `file.data.article.terms` in order of first use. Headings, links, code,
 * raw HTML and footnote definitions are left alone.
 */
export function remarkGlossary() {
  return function (tree: Root, file: VFile): void {
    const matcher = compileGlossary(file.data.glossary ?? [])
    const article = file.data.article
    if (!matcher || !article) return
    const used = new Set<string>()
    const terms: ArticleTerm[] = []
    findAndReplace(
      tree,
      [
        matcher.pattern,
        (value: string) => {
          const entry = matcher.entryOf.get(value.replace(/\s+/g, ' ')) ?? matcher.entryOf.get(value)
          if (!entry) return false
          const id = matcher.idOf.get(entry) ?? 'gloss-term'
          if (used.has(id)) return false
          used.add(id)
          const refId = id.replace(/^gloss-/, 'gloss-ref-')
          terms.push({ entry, id, refId })
          const text: Text = { type: 'text', value }
          const link: Link = {
            type: 'link',
            url: `#${id}`,
            children: [text],
            data: { hProperties: { id: refId, className: ['glossary-term'], dataTerm: entry.term } },
          }
          return link
        },
      ],
      { ignore: ['heading', 'link', 'linkReference', 'inlineCode', 'code', 'html', 'footnoteDefinition', 'definition', 'imageReference', 'image'] },
    )
    article.terms = terms
  }
}
