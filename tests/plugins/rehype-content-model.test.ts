import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-content-model', () => {
  fixtureTests('rehype-content-model')
})
