import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-empty-links', () => {
  fixtureTests('rehype-empty-links')
})
