import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-highlight-code', () => {
  fixtureTests('rehype-highlight-code')
})
