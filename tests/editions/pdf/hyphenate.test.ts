import type { Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toHtml } from 'hast-util-to-html'
import { describe, expect, it } from 'vitest'
import { hyphenateCapitalised, hyphenateTree } from '../../../pipeline/editions/pdf/hyphenate.ts'

const shy = '\u00AD'
const tree = (html: string): Root => fromHtml(html, { fragment: true })
const shown = (root: Root): string => toHtml(root).replaceAll(shy, '-')

describe('hyphenateTree', () => {
  it('puts soft hyphens into long lower-case words, leaving short and capitalised ones whole', () => {
    const root = tree('<p>Constitutional reform and presidential elections go on.</p>')
    expect(hyphenateTree(root, 'en')).toBe('en-us')
    expect(shown(root)).toBe('<p>Constitutional re-form and pres-i-den-tial elec-tions go on.</p>')
  })

  it('gives a word met again the same hyphens, in this tree and the next', () => {
    const first = tree('<p>presidential presidential</p>')
    hyphenateTree(first, 'en')
    const second = tree('<p>presidential</p>')
    hyphenateTree(second, 'en')
    expect(shown(first)).toBe('<p>pres-i-den-tial pres-i-den-tial</p>')
    expect(shown(second)).toBe('<p>pres-i-den-tial</p>')
  })

  it('keeps the pattern sets of languages apart', () => {
    const english = tree('<p>information</p>')
    const russian = tree('<p>информация</p>')
    hyphenateTree(english, 'en')
    expect(hyphenateTree(russian, 'ru')).toBe('ru')
    expect(shown(english)).toBe('<p>in-for-ma-tion</p>')
    expect(shown(russian)).not.toBe('<p>информация</p>')
  })

  it('leaves code, headings, links and text in another language alone, and a language without patterns', () => {
    const root = tree('<h2>presidential</h2><p><code>presidential</code> <a href="#x">presidential</a> <span lang="kk">presidential</span></p>')
    hyphenateTree(root, 'en')
    expect(toHtml(root)).not.toContain(shy)
    const kazakh = tree('<p>мемлекеттік</p>')
    expect(hyphenateTree(kazakh, 'kk')).toBeUndefined()
    expect(toHtml(kazakh)).toBe('<p>мемлекеттік</p>')
  })
})

describe('hyphenateCapitalised', () => {
  it('hyphenates only the capitalised words', () => {
    const root = tree('<td>Dependencies presidential</td>')
    hyphenateCapitalised(root, 'en')
    expect(shown(root)).toMatch(/^<td>De-pen-den-cies presidential<\/td>$/)
  })
})
