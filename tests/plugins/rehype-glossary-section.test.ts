import type { Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select, selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { describe, expect } from 'vitest'
import { fixtureTests, type FixtureResult } from '../helpers/fixtures.ts'

const parse = (result: FixtureResult): Root => fromHtml(result.html, { fragment: true })

// Every case names remark-glossary in its plugins.txt: the section lists the terms it found.
describe('rehype-glossary-section', () => {
  fixtureTests('rehype-glossary-section', {
    assert: {
      'used-terms-only': (result) => {
        const tree = parse(result)
        expect(select('section[role="doc-glossary"]', tree)).toBeDefined()
        // Only the terms the document uses, each a <dfn> the first use links to.
        expect(selectAll('dt > dfn', tree).map((node) => toString(node))).toEqual(['akim', 'maslikhat', 'tenge'])
        for (const link of selectAll('a.glossary-term', tree)) {
          expect(select(`dt[id="${String(link.properties.href).slice(1)}"]`, tree)).toBeDefined()
        }
      },
    },
  })
})
