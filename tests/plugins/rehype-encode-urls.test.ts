import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-encode-urls', () => {
  fixtureTests('rehype-encode-urls')
})
