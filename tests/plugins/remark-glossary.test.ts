import type { Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select, selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { describe, expect } from 'vitest'
import { fixtureTests, type FixtureResult } from '../helpers/fixtures.ts'

const parse = (result: FixtureResult): Root => fromHtml(result.html, { fragment: true })

describe('remark-glossary', () => {
  fixtureTests('remark-glossary', {
    assert: {
      'glossary-section': (result) => {
        const tree = parse(result)
        const section = select('section[role="doc-glossary"]', tree)
        expect(section).toBeDefined()
        // Only the terms the document uses, each a <dfn> the first use links to.
        expect(selectAll('dt > dfn', tree).map((node) => toString(node))).toEqual(['akim', 'maslikhat', 'tenge'])
        for (const link of selectAll('a.glossary-term', tree)) {
          expect(select(`dt[id="${String(link.properties.href).slice(1)}"]`, tree)).toBeDefined()
        }
        expect(result.file.data.article?.terms.map((term) => term.entry.term)).toEqual(['akim', 'maslikhat', 'tenge'])
      },
    },
  })
})
