import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { launchBrowser, type BrowserSession } from '../../pipeline/editions/browser.ts'

// Table alignment from the source (GFM `:--`, `:-:`, `--:`) and from raw HTML `align`,
// as each edition's page shows it in the real Chromium. (The PDF's is checked on the
// printed page, in pdf.test.ts.)
const source = `---
title: Aligned columns
lang: en
---

| Region | Centred | Amount | Plain |
|:--|:-:|--:|---|
| Almaty | a | 1 | x |

<p align="right">A paragraph set to the right.</p>
`
/** `text-align` of each cell of the first row (a plain column as the edition likes), and of the raw HTML paragraph. */
const expected = ['left', 'center', 'right', expect.stringMatching(/^(?:start|left)$/), 'right']

let work: string
let session: BrowserSession

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'offprint-align-'))
  await mkdir(path.join(work, 'src'))
  await writeFile(path.join(work, 'src', 'aligned.md'), source)
  const report = await build({ ...defaultBuildOptions, paths: [path.join(work, 'src', 'aligned.md')], out: path.join(work, 'dist'), editions: ['html', 'epub'] })
  expect(report.failed).toEqual([])
  session = await launchBrowser({ jobs: 1 })
}, 120_000)

afterAll(async () => {
  await session?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

/** Computed `text-align` of the table's body cells and of the right-set paragraph in `file`. */
function alignments(file: string): Promise<string[]> {
  return session.withPage({ allow: [work] }, async (page) => {
    await page.goto(pathToFileURL(file).href)
    await page.setJavaScriptEnabled(true)
    return page.evaluate(() => {
      const cells = Array.from(document.querySelectorAll('tbody tr:first-child td'))
      const paragraph = Array.from(document.querySelectorAll('p')).find((p) => p.textContent?.includes('set to the right'))
      return [...cells, paragraph].map((element) => (element ? getComputedStyle(element).textAlign : 'missing'))
    })
  })
}

describe('column and paragraph alignment', () => {
  it('HTML edition', async () => {
    expect(await alignments(path.join(work, 'dist', 'aligned', 'index.html'))).toEqual(expected)
  })

  it('EPUB edition', async () => {
    const zip = await JSZip.loadAsync(await readFile(path.join(work, 'dist', 'aligned', 'aligned.epub')))
    const folder = path.join(work, 'unzipped')
    for (const [name, entry] of Object.entries(zip.files)) {
      if (entry.dir) continue
      await mkdir(path.dirname(path.join(folder, name)), { recursive: true })
      await writeFile(path.join(folder, name), await entry.async('uint8array'))
    }
    const chapters = await Promise.all(
      Object.keys(zip.files)
        .filter((name) => name.endsWith('.xhtml'))
        .map(async (name) => ({ name, xml: await zip.file(name)!.async('string') })),
    )
    const chapter = chapters.find((entry) => entry.xml.includes('<table'))
    expect(chapter, 'a content document with the table').toBeDefined()
    expect(await alignments(path.join(folder, chapter!.name))).toEqual(expected)
  })
})
