import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-empty-headings', () => {
  fixtureTests('rehype-empty-headings')
})
