import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-align-classes', () => {
  fixtureTests('rehype-align-classes')
})
