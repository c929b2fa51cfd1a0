import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-link-check', () => {
  fixtureTests('rehype-link-check', {
  })
})
