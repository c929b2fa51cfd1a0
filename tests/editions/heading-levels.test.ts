import type { Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toHtml } from 'hast-util-to-html'
import { describe, expect, it } from 'vitest'
import { relevelHeadings } from '../../pipeline/editions/heading-levels.ts'

function relevel(html: string): string {
  const tree: Root = fromHtml(html, { fragment: true })
  relevelHeadings(tree, 2)
  return toHtml(tree)
}

describe('relevelHeadings', () => {
  it('closes a jump, keeping ids and recording the source level', () => {
    expect(relevel('<h2 id="a">A</h2><h4 id="b">B</h4><h2 id="c">C</h2>')).toBe('<h2 id="a">A</h2><h3 id="b" data-source-level="4">B</h3><h2 id="c">C</h2>')
  })

  it('moves h1 sections under the title', () => {
    expect(relevel('<h1 id="a">A</h1><h2>B</h2><h3>C</h3><h1>D</h1>')).toBe(
      '<h2 id="a" data-source-level="1">A</h2><h3 data-source-level="2">B</h3><h4 data-source-level="3">C</h4><h2 data-source-level="1">D</h2>',
    )
  })

  it('leaves a well-formed outline alone and flattens below h6', () => {
    expect(relevel('<h2>A</h2><h3>B</h3><h4>C</h4><h5>D</h5><h6>E</h6>')).toBe('<h2>A</h2><h3>B</h3><h4>C</h4><h5>D</h5><h6>E</h6>')
    expect(relevel('<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h5>E</h5><h6>F</h6>')).toMatch(/<h6 data-source-level="5">E<\/h6><h6>F<\/h6>$/)
  })

  it('keeps the generated sections at document level, with nested headings under them', () => {
    const html =
      '<h1>A</h1><h2>B</h2><section data-footnotes class="footnotes"><h2 id="footnote-label">Notes</h2><ol><li><h2>In a note</h2></li></ol></section><section role="doc-glossary"><h2>Glossary</h2></section>'
    expect(relevel(html)).toBe(
      '<h2 data-source-level="1">A</h2><h3 data-source-level="2">B</h3><section data-footnotes="" class="footnotes"><h2 id="footnote-label">Notes</h2><ol><li><h3 data-source-level="2">In a note</h3></li></ol></section><section role="doc-glossary"><h2>Glossary</h2></section>',
    )
  })

  it('treats headings nested in blocks like any other', () => {
    expect(relevel('<h2>A</h2><blockquote><h5>Q</h5></blockquote>')).toBe('<h2>A</h2><blockquote><h3 data-source-level="5">Q</h3></blockquote>')
  })
})
