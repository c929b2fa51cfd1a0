import type { ElementContent } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toHtml } from 'hast-util-to-html'
import { h } from 'hastscript'
import { describe, expect, it } from 'vitest'
import { keyBlocks, stripBlockKeys } from '../../../pipeline/editions/block-keys.ts'
import { pageListNav, placePageBreaks } from '../../../pipeline/editions/epub/page-list.ts'
import type { PageStart } from '../../../pipeline/editions/edition.ts'

/** Key `html` as both editions do, place the markers, and show the body without its keys. */
function mark(html: string, starts: PageStart[]): { html: string; hrefs: string[] } {
  const body = h('body', keyBlocks(fromHtml(html, { fragment: true })).children as ElementContent[])
  const targets = placePageBreaks({ 'text.xhtml': body }, 'text.xhtml', starts)
  stripBlockKeys(body)
  return { html: toHtml(body), hrefs: targets.map((target) => target.href) }
}

const marker = (page: number, id = `page-${page}`) => `<span epub:type="pagebreak" role="doc-pagebreak" id="${id}" aria-label="${page}"></span>`

describe('placePageBreaks', () => {
  it('marks the title page at the start of the book and a page at its block and character', () => {
    // Keys: p = 0, p = 1. "gamma" is 5 counted characters: the page begins at "delta".
    const { html, hrefs } = mark('<p>alpha beta</p><p>gamma delta epsilon</p>', [{ offset: 0 }, { block: '1', offset: 5 }])
    expect(html).toBe(`<body>${marker(1)}<p>alpha beta</p><p>gamma ${marker(2)}delta epsilon</p></body>`)
    expect(hrefs).toEqual(['text.xhtml#page-1', 'text.xhtml#page-2'])
  })

  it('puts a marker after a word the print edition hyphenated across the pages', () => {
    const { html } = mark('<p>gamma delta epsilon</p>', [{ offset: 0 }, { block: '0', offset: 7 }])
    expect(html).toBe(`<body>${marker(1)}<p>gamma delta${marker(2)} epsilon</p></body>`)
  })

  it('does not count footnote calls, nor the text of nested blocks', () => {
    const calls = mark('<p>one<sup><a href="#fn-1" data-footnote-ref>1</a></sup> two</p>', [{ offset: 0 }, { block: '0', offset: 3 }])
    expect(calls.html).toBe(`<body>${marker(1)}<p>one<sup><a href="#fn-1" data-footnote-ref="">1</a></sup> ${marker(2)}two</p></body>`)
    // Keys: ul = 0, li = 1, ul = 2, li = 3. The outer item's own text is "item" and "after".
    const nested = mark('<ul><li>item<ul><li>inner</li></ul>after</li></ul>', [{ offset: 0 }, { block: '3', offset: 0 }, { block: '1', offset: 4 }])
    expect(nested.html).toBe(`<body>${marker(1)}<ul><li>item<ul><li>${marker(2)}inner</li></ul>${marker(3)}after</li></ul></body>`)
  })

  it('keeps several pages of one block in order, and a page past its text at its end', () => {
    const { html } = mark('<pre>aa bb cc</pre>', [{ offset: 0 }, { block: '0', offset: 2 }, { block: '0', offset: 4 }, { block: '0', offset: 9 }])
    expect(html).toBe(`<body>${marker(1)}<pre>aa ${marker(2)}bb ${marker(3)}cc${marker(4)}</pre></body>`)
  })

  it('keeps pages that begin at one place (a page with no text) in order', () => {
    const { html } = mark('<p>abc def</p>', [{ offset: 0 }, { block: '0', offset: 3 }, { block: '0', offset: 3 }])
    expect(html).toBe(`<body>${marker(1)}<p>abc ${marker(2)}${marker(3)}def</p></body>`)
  })

  it('marks a page whose block the EPUB lacks where the next block that can hold a marker begins', () => {
    // Keys: p = 0, ul = 1, li = 2; block 0 is gone from the body.
    const body = h('body', keyBlocks(fromHtml('<p>gone</p><ul><li>kept</li></ul>', { fragment: true })).children.slice(1) as ElementContent[])
    placePageBreaks({ 'text.xhtml': body }, 'text.xhtml', [{ offset: 0 }, { block: '0', offset: 2 }])
    stripBlockKeys(body)
    expect(toHtml(body)).toBe(`<body>${marker(1)}<ul><li>${marker(2)}kept</li></ul></body>`)
  })

  it('never reuses an id of the document', () => {
    const { html, hrefs } = mark('<h2 id="page-2">Page 2</h2><p>text</p>', [{ offset: 0 }, { block: '1', offset: 0 }])
    expect(html).toContain(`<p>${marker(2, 'page-2-1')}text</p>`)
    expect(hrefs[1]).toBe('text.xhtml#page-2-1')
  })

  it('lists the pages in a hidden page-list nav', () => {
    expect(toHtml(pageListNav([{ label: '1', href: 'text.xhtml#page-1' }]))).toBe(
      '<nav epub:type="page-list" id="page-list" hidden><ol><li><a href="text.xhtml#page-1">1</a></li></ol></nav>',
    )
  })
})
