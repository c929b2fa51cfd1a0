import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

// The glossary section itself is rehype-glossary-section's (its cases run this plugin first).
describe('remark-glossary', () => {
  fixtureTests('remark-glossary', {
    data: (file) => file.data.article?.terms.map((term) => ({ term: term.entry.term, id: term.id, refId: term.refId })),
  })
})
