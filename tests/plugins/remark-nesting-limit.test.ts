import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('remark-nesting-limit', () => {
  fixtureTests('remark-nesting-limit')
})
