import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type BrowserSession } from '../../../pipeline/editions/browser.ts'
import { findPageStarts, pageStartQuery } from '../../../pipeline/editions/pdf/page-starts.ts'

/**
 * `findPageStarts` in Chromium, on pages shaped as Paged.js leaves them: a
 * paragraph split across two pages (the second fragment keeps its key), a
 * soft hyphen, a footnote call and its note, a page holding only an image, a
 * blank page.
 */
const laidOut = `
<div class="pagedjs_page"><div class="pagedjs_area"><div class="pagedjs_page_content">
  <header class="title-block"><h1>Title</h1></header>
  <p data-block-key="0">alpha beta gam\u00AD</p>
</div></div></div>
<div class="pagedjs_page"><div class="pagedjs_area"><div class="pagedjs_page_content">
  <p data-block-key="0" data-split-from="r1">ma del\u00ADta<sup class="footnote-call"><a href="#fn-1">1</a></sup><span class="footnote" data-note="footnote">a note</span> end</p>
  <p data-block-key="1">next</p>
</div><div class="pagedjs_footnote_area"><span data-note="footnote">a note</span></div></div></div>
<div class="pagedjs_page"><div class="pagedjs_area"><div class="pagedjs_page_content">
  <figure data-block-key="2"><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></figure>
</div></div></div>
<div class="pagedjs_page"><div class="pagedjs_area"><div class="pagedjs_page_content"></div></div></div>
<div class="pagedjs_page"><div class="pagedjs_area"><div class="pagedjs_page_content">
  <p data-block-key="0" data-split-from="r1">never mind</p>
</div></div></div>`

let session: BrowserSession

beforeAll(async () => {
  session = await launchBrowser({ jobs: 1 })
})
afterAll(async () => {
  await session?.close()
})

describe('findPageStarts', () => {
  it('gives each page its first block and the characters of it on earlier pages', async () => {
    const starts = await session.withPage({ allow: [] }, async (page) => {
      await page.setContent(laidOut)
      await page.setJavaScriptEnabled(true)
      return page.evaluate(findPageStarts, pageStartQuery)
    })
    expect(starts).toEqual([
      { offset: 0 },
      // "alphabetagam": 12 characters; white space and the soft hyphen are not counted.
      { block: '0', offset: 12 },
      { block: '2', offset: 0 },
      // A blank page starts where the previous page's content ended.
      { block: '2', offset: 0 },
      // "ma", "delta" and "end" on page 2; the call and the note are not counted.
      { block: '0', offset: 12 + 2 + 5 + 3 },
    ])
  })
})
