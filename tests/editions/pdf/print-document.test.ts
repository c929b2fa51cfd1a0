import type { Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select, selectAll } from 'hast-util-select'
import { toHtml } from 'hast-util-to-html'
import { describe, expect, it } from 'vitest'
import type { ArticleData } from '../../../pipeline/common/article.ts'
import { buildPrintDocument, inPagedTemplate } from '../../../pipeline/editions/pdf/print-document.ts'

function printPage(html: string): Root {
  const article: ArticleData = {
    slug: 'doc',
    meta: { title: 'Doc', authors: [], lang: 'en', keywords: [], paper: 'A4', titleFromContent: false },
    headings: [],
    notes: [],
    terms: [],
    assets: [],
  }
  const tree = fromHtml(html, { fragment: true })
  const input = { tree, article, sourcePath: '/src/doc.md', sourceDir: '/src', templatesDir: '/templates', epoch: 0 }
  return buildPrintDocument(input, { paper: 'A4', printCss: '', hyphenate: false }).tree
}

describe('buildPrintDocument', () => {
  it('unlinks every link that is not http(s), mailto or in the document, keeping its text', () => {
    const tree = printPage(
      '<p><a href="other.md">a</a> <a href="../../etc/passwd">b</a> <a href="file:///etc/passwd">c</a> <a href="/etc/passwd">d</a> <a href="//host/x">e</a> ' +
        '<a href="https://example.com/">f</a> <a href="mailto:a@b.c">g</a> <a href="#top">h</a></p>',
    )
    expect(selectAll('main a', tree).map((link) => String(link.properties.href))).toEqual(['https://example.com/', 'mailto:a@b.c', '#top'])
    expect(toHtml(select('main p', tree) as Root['children'][number])).toContain('<p>a b c d e <a')
  })

  it('makes footnotes the only complementary content, each with a linked call and its number as text', () => {
    const tree = printPage(
      '<aside><p>A sidebar.</p></aside><p>Text<sup><a href="#fn-1" id="fnref-1" data-footnote-ref>1</a></sup> and again<sup><a href="#fn-1" data-footnote-ref>1</a></sup>.</p>' +
        '<section data-footnotes><ol><li id="fn-1"><p>The note. <a href="#fnref-1" data-footnote-backref>↩</a></p></li></ol></section>',
    )
    expect(selectAll('[role=complementary]', tree).map((node) => node.properties.className)).toEqual([['footnote']])
    expect(select('aside', tree)?.properties.role).toBe('group')
    expect(toHtml(select('main > p', tree) as Root['children'][number])).toBe(
      '<p>Text<sup class="footnote-call"><a href="#fn-1">1</a></sup><span class="footnote" role="complementary" data-note="fn-1" data-number="1"><span class="footnote-number" id="fn-1">1.</span> The note.</span> and again<sup class="footnote-repeat"><a href="#fn-1">1</a></sup>.</p>',
    )
  })

  it('collapses the white space of paragraphs and headings across inline elements, as a browser would', () => {
    const tree = printPage('<h2>\n A  <em>heading </em> text\n</h2><p> One\n<em> two </em> three<br>\n four <img src="https://x/a.png" alt="x"> five </p>')
    expect(toHtml(select('main > h2', tree) as Root['children'][number])).toBe('<h2>A <em>heading </em>text</h2>')
    expect(toHtml(select('main > p', tree) as Root['children'][number])).toMatch(
      /^<p>One <em>two <\/em>three<br>four <span class="image-placeholder"[^>]*>[^<]*<\/span> five<\/p>$/,
    )
  })
})

describe('inPagedTemplate', () => {
  it("puts the body's content in the template Paged.js takes it from, and leaves the tree as it was", () => {
    const tree = printPage('<p>One</p><p>Two</p>')
    const before = toHtml(tree)
    const html = toHtml(inPagedTemplate(tree))
    expect(html).toMatch(/<body><template data-ref="pagedjs-content"><header[\s\S]*<main><p>One<\/p><p>Two<\/p><\/main><\/template><\/body>/)
    expect(toHtml(tree)).toBe(before)
    // Parsed again, as Chromium will: the content is inert in the template, nothing is left in the body to lay out.
    const parsed = fromHtml(html)
    expect(selectAll('body > *', parsed).map((node) => node.tagName)).toEqual(['template'])
    expect(select('body p', parsed)).toBeUndefined()
  })
})
