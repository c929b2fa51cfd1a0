import { describe, expect } from 'vitest'
import { fixtureTests, type FixtureResult } from '../helpers/fixtures.ts'

/** Every id in the HTML, in order (the fixtures' HTML is ours: ids are double-quoted). */
const ids = (result: FixtureResult): string[] => [...result.html.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1] ?? '')
const unique = (result: FixtureResult) => {
  const all = ids(result)
  expect(all.filter((id, index) => all.indexOf(id) !== index)).toEqual([])
}

describe('rehype-heading-ids', () => {
  fixtureTests('rehype-heading-ids', {
    data: (file) => ({ title: file.data.article?.meta.title, titleFromContent: file.data.article?.meta.titleFromContent, headings: file.data.article?.headings }),
    assert: {
      duplicates: (result) => {
        unique(result)
        expect(result.file.data.article?.headings.map((heading) => heading.id)).toEqual(['intro', 'intro-1', 'intro-2', 'intro-1-1'])
      },
      'clash-footnote-id': unique,
      'clash-footnote-label': unique,
      'clash-glossary': unique,
      cyrillic: (result) => {
        expect(result.file.data.article?.headings.map((heading) => heading.id)).toEqual(['жоба-туралы', 'описание-проекта'])
        // The first-level heading gives the title when the front matter has none.
        expect(result.file.data.article?.meta.title).toBe('Жоба туралы')
      },
    },
  })
})
