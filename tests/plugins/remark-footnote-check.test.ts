import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('remark-footnote-check', () => {
  // `label-with-space`: GFM labels cannot hold whitespace, so `[^my note]` is
  // plain text; the author meant a note and must be told why none was made.
  fixtureTests('remark-footnote-check')
})
