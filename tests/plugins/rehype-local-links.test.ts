import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-local-links', () => {
  fixtureTests('rehype-local-links')
})
