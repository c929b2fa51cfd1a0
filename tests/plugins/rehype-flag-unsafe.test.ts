import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-flag-unsafe', () => {
  fixtureTests('rehype-flag-unsafe')
})
