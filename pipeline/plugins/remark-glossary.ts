import type { Link, Nodes, Root, Text } from 'mdast'
import { visit } from 'unist-util-visit'
import { findAndReplace, type RegExpMatchObject } from 'mdast-util-find-and-replace'
import type { VFile } from 'vfile'
import { compileGlossary } from '../glossary/matcher.ts'
import { termFreeMdast } from '../glossary/term-scope.ts'
import type { ArticleTerm } from '../common/article.ts'

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
    const insideRawLinks = textInsideRawLinks(tree)
    const used = new Set<string>()
    const terms: ArticleTerm[] = []
    findAndReplace(
      tree,
      [
        matcher.pattern,
        (value: string, match: RegExpMatchObject) => {
          // find-and-replace only tests ancestors against `ignore`, so text directly between raw `<a>` tags is checked here.
          if (match.stack.some((node) => insideRawLinks.has(node as Nodes))) return false
          const entry = matcher.entryFor(value)
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
      { ignore: termFreeMdast },
    )
    article.terms = terms
  }
}

/**
 * Nodes between a raw HTML `<a …>` and its `</a>`: Markdown parses them as
 * siblings of the HTML, so the usual `link` ignore cannot see that they are
 * link text.
 */
function textInsideRawLinks(tree: Root): Set<Nodes> {
  const inside = new Set<Nodes>()
  visit(tree, (node) => {
    if (!('children' in node)) return
    let depth = 0
    for (const child of node.children as Nodes[]) {
      if (child.type === 'html') {
        depth += (child.value.match(/<a[\s>]/gi)?.length ?? 0) - (child.value.match(/<\/a\s*>/gi)?.length ?? 0)
        depth = Math.max(depth, 0)
      } else if (depth > 0) inside.add(child)
    }
  })
  return inside
}
