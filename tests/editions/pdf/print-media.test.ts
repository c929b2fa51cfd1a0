import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type BrowserSession } from '../../../pipeline/editions/browser.ts'
import { defaultFontSheets } from '../../../pipeline/editions/pdf/print-assets.ts'
import { defaultRenderLimits, renderPdf } from '../../../pipeline/editions/pdf/render.ts'

let session: BrowserSession

beforeAll(async () => {
  session = await launchBrowser({ jobs: 1 })
}, 60_000)

afterAll(async () => {
  await session?.close()
})

/**
 * A document whose three paragraphs are more than half a page tall each in
 * print, and a line each on screen. The sheet is Chromium's alone
 * (`data-pagedjs-ignore`): Paged.js applies the `@media print` rules of the
 * sheets it reads whatever the media.
 */
const tallInPrint = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Media</title>
<style>@page { size: A4; margin: 20mm }</style>
<style data-pagedjs-ignore>@media print { p { height: 150mm; margin: 0 } }</style>
</head><body><p>one</p><p>two</p><p>three</p></body></html>`

describe('the print page', () => {
  it('lays out pages in print media, the media Chromium prints them in', async () => {
    const rendered = await renderPdf(session, tallInPrint, await defaultFontSheets(), [tmpdir()], 'media-test', defaultRenderLimits)
    // On screen media the three paragraphs would share one page, and the print would cut them off.
    expect(rendered.pages).toBeGreaterThan(1)
  })
})
