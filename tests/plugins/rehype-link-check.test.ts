import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

// Cases about headings name rehype-heading-ids in their plugins.txt, so headings have their ids.
describe('rehype-link-check', () => {
  fixtureTests('rehype-link-check')
})
