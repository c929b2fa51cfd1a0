import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-unique-ids', () => {
  fixtureTests('rehype-unique-ids')
})
