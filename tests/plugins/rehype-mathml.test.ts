import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-mathml', () => {
  fixtureTests('rehype-mathml')
})
