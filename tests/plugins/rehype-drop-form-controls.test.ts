import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-drop-form-controls', () => {
  fixtureTests('rehype-drop-form-controls')
})
