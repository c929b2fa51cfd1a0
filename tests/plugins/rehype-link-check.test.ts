import { describe } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-link-check', () => {
  fixtureTests('rehype-link-check', {
    knownBugs: {
      'file-url': 'rehype-sanitize drops the `file:` href first, leaving `<a>passwd</a>` and no `link-outside` message',
      'outside-dot-segments': 'only a leading `../` is caught; `./../x` and `sub/../../x` stay links',
    },
  })
})
