import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('remark-prose-dollars', () => {
  fixtureTests('remark-prose-dollars')
})
