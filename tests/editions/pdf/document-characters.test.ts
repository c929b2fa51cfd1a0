import { describe, expect, it } from 'vitest'
import { documentCharacters } from '../../../pipeline/editions/pdf/document-characters.ts'

const chars = (html: string): string[] => [...documentCharacters(html)].sort()

describe('documentCharacters', () => {
  it('lists each character of the text once', () => {
    expect(chars('<p>ааб</p>').filter((char) => char > '~')).toEqual(['а', 'б'])
  })

  it('reads attribute values and the title', () => {
    const found = chars('<title>Қ</title><img alt="ә" title="ğ">')
    expect(found).toEqual(expect.arrayContaining(['Қ', 'ә', 'ğ']))
  })

  it("keeps a style sheet's text (generated content) and leaves out its comments", () => {
    const found = chars('<style>/* Ұ ү */ p::before { content: "§ ñ" }</style><p>x</p>')
    expect(found).toEqual(expect.arrayContaining(['§', 'ñ']))
    expect(found).not.toContain('Ұ')
    expect(found).not.toContain('ү')
  })

  it('keeps comment-like text outside style sheets, such as code', () => {
    const found = chars('<style>a{}</style><pre><code>/* привет */</code></pre><style>/* ж */</style>')
    expect(found).toEqual(expect.arrayContaining(['п', 'р', 'и', 'в', 'е', 'т']))
    expect(found).not.toContain('ж')
  })

  it('keeps characters outside the Basic Multilingual Plane whole', () => {
    expect(chars('<p>𝛼😀</p>')).toEqual(expect.arrayContaining(['𝛼', '😀']))
  })
})
