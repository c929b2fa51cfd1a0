import type { Root } from 'hast'
import { h } from 'hastscript'
import type { VFile } from 'vfile'
import { uiStrings } from '../common/strings.ts'

/**
 * Append the glossary section: a `<dl>` with one `<dfn>` per term the
 * document uses (from `file.data.article.terms`), in alphabetical order.
 */
export function rehypeGlossarySection() {
  return function (tree: Root, file: VFile): void {
    const article = file.data.article
    if (!article || article.terms.length === 0) return
    const collator = new Intl.Collator(article.meta.lang)
    const terms = [...article.terms].sort((a, b) => collator.compare(a.entry.term, b.entry.term))
    tree.children.push(
      h('section#glossary.glossary', { role: 'doc-glossary', ariaLabelledBy: 'glossary-label' }, [
        h('h2#glossary-label', uiStrings(article.meta.lang).glossary),
        h(
          'dl',
          terms.flatMap((term) => [h('dt', { id: term.id }, [h('dfn', term.entry.term)]), h('dd', term.entry.definition)]),
        ),
      ]),
    )
  }
}
