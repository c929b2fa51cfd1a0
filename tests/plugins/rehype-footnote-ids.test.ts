import { describe, expect } from 'vitest'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('rehype-footnote-ids', () => {
  fixtureTests('rehype-footnote-ids', {
    data: (file) => file.data.article?.notes,
    assert: {
      'repeated-reference': (result) => {
        expect(result.file.data.article?.notes.map((note) => [note.id, note.refIds])).toEqual([
          ['fn-1', ['fnref-1', 'fnref-1-2', 'fnref-1-3']],
          ['fn-2', ['fnref-2']],
        ])
      },
      'cyrillic-label': (result) => {
        // ASCII only, whatever the label.
        expect([...result.html.matchAll(/\s(?:id|href)="#?([^"]*)"/g)].map((match) => match[1]).filter((id) => !/^[\x21-\x7e]*$/.test(id ?? ''))).toEqual([])
      },
      'label-suffix-clash': (result) => {
        expect(result.file.data.article?.notes.map((note) => [note.id, note.refIds])).toEqual([
          ['fn-1', ['fnref-1', 'fnref-1-2']],
          ['fn-2', ['fnref-2']],
        ])
      },
    },
  })
})
