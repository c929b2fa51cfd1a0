import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { corpus, projectRoot } from '../helpers/corpus.ts'
import { epubcheck, requireEpubcheck } from '../helpers/epub.ts'
import { parseHtml } from '../helpers/html.ts'
import { decodePng } from '../helpers/png.ts'

/**
 * Code and math (issue 14) through the real CLI, all three editions: fenced
 * code in a known language is coloured, math is MathML in the HTML and EPUB
 * (with the `mathml` property and the accessibility feature) and typeset in
 * the PDF with a math font; dollars in prose stay text; bad TeX is a warning
 * with its source kept; `math: false` turns math off.
 */
const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

const sample = `---
title: Code and math
lang: en
date: 2024-05-01
---

It costs $5 and $10, and $ 3 is a price too. The sort takes $O(n^2)$ steps.[^cost]

$$
\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}
$$

Bad TeX stays visible: $\\frac{1$ here.

\`\`\`js
const total = items.reduce((sum, item) => sum + item.price, 0) // a comment
\`\`\`

\`\`\`nosuchlanguage
kept as it is
\`\`\`

[^cost]: A note with math: $\\log{}N$.
`

let dir: string
let stdout = ''
beforeAll(async () => {
  await requireEpubcheck()
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-code-math-'))
  await mkdir(path.join(dir, 'src'))
  await writeFile(path.join(dir, 'src', 'sample.md'), sample)
  await writeFile(path.join(dir, 'src', 'off.md'), sample.replace('lang: en\n', 'lang: en\nmath: false\n').replace('title: Code and math', 'title: No math'))
  await copyFile(corpus.dagoba as string, path.join(dir, 'src', 'dagoba.md'))
  await mkdir(path.join(dir, 'spec'))
  await copyFile(corpus['commonmark-spec'] as string, path.join(dir, 'spec', 'spec.md'))
  const result = await run(process.execPath, [bin, 'build', 'src', '--out', 'out'], { cwd: dir, timeout: 600_000 }).catch((error: { stdout?: string; stderr?: string }) => error)
  stdout = `${result.stdout ?? ''}${result.stderr ?? ''}`
  // The book-length spec: HTML and EPUB (its PDF is built by the PDF corpus tests).
  await run(process.execPath, [bin, 'build', 'spec', '--out', 'out', '--editions', 'html,epub', '--quiet'], { cwd: dir, timeout: 600_000 })
}, 600_000)
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

const page = async (slug: string) => parseHtml(await readFile(path.join(dir, 'out', slug, 'index.html'), 'utf8'))

describe('code and math', () => {
  it('reports bad TeX as a warning at its place, and nothing for an unknown language', () => {
    expect(stdout).toMatch(/sample\.md[\s\S]*13:\d+\s+warning\s+Unexpected TeX `\\frac\{1`[\s\S]*math-invalid/)
    expect(stdout).not.toMatch(/nosuchlanguage/)
  })

  it('HTML: colours known code, keeps unknown code plain, and carries MathML (in a footnote too)', async () => {
    const tree = await page('sample')
    const js = selectAll('pre > code.language-js', tree)
    expect(js).toHaveLength(1)
    expect(selectAll('.hljs-keyword', js[0]).map((node) => toString(node))).toContain('const')
    expect(selectAll('.hljs-comment', js[0]).map((node) => toString(node))).toEqual(['// a comment'])
    expect(toString(js[0] as never)).toContain('const total = items.reduce((sum, item) => sum + item.price, 0) // a comment')
    const plain = selectAll('pre > code.language-nosuchlanguage', tree)
    expect(plain.map((node) => node.children.every((child) => child.type === 'text'))).toEqual([true])
    const math = selectAll('math', tree)
    expect(math.map((node) => node.properties.display ?? 'inline')).toEqual(['inline', 'block', 'inline'])
    expect(math.map((node) => String(node.properties.alttext))).toEqual(['O(n^2)', '\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}', '\\log{}N'])
    expect(selectAll('section[data-footnotes] math', tree)).toHaveLength(1)
    // Dollars in prose stay text; bad TeX stays visible as code.
    const text = toString(tree)
    expect(text).toContain('It costs $5 and $10, and $ 3 is a price too.')
    expect(selectAll('code.language-math', tree).map((node) => toString(node))).toEqual(['\\frac{1'])
  })

  it('math: false in the front matter leaves every dollar as text', async () => {
    const tree = await page('off')
    expect(selectAll('math', tree)).toEqual([])
    expect(toString(tree)).toContain('The sort takes $O(n^2)$ steps.')
  })

  it('EPUB: MathML with the mathml property and accessibility feature, epubcheck clean', async () => {
    const epub = path.join(dir, 'out', 'sample', 'sample.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
    const zip = await JSZip.loadAsync(await readFile(epub))
    const opf = (await zip.file('OEBPS/content.opf')?.async('string')) ?? ''
    expect(opf).toMatch(/<item id="text" href="text\.xhtml" media-type="application\/xhtml\+xml" properties="mathml"\/>/)
    expect(opf).toContain('<meta property="schema:accessibilityFeature">MathML</meta>')
    const text = (await zip.file('OEBPS/text.xhtml')?.async('string')) ?? ''
    expect(text.match(/<math/g)).toHaveLength(3)
    expect(text).toContain('class="language-js hljs"')
  })

  it('PDF: math typeset with an embedded math font', async () => {
    const pdf = path.join(dir, 'out', 'sample', 'sample.pdf')
    const { stdout: fonts } = await run('pdffonts', [pdf])
    expect(fonts).toMatch(/NotoSansMath/)
    const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', pdf, '-'])
    expect(text).toContain('∑')
    // The code is in colour on the printed page: some pixels far from grey (the keyword, string and comment colours).
    await run('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-png', pdf, path.join(dir, 'page')])
    const { data, channels } = decodePng(new Uint8Array(await readFile(path.join(dir, 'page-1.png'))))
    let coloured = 0
    for (let at = 0; at + 2 < data.length; at += channels) {
      const [r, g, b] = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0]
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
    }
    expect(coloured).toBeGreaterThan(20)
    expect(text.replace(/\u00AD/g, '')).toContain('It costs $5 and $10')
  })

  it('the CommonMark spec: its code fences coloured in the HTML and EPUB, its dollars text, no math', async () => {
    const tree = await page('spec')
    expect(selectAll('pre > code.hljs', tree).length).toBeGreaterThan(20)
    expect(selectAll('math, code.language-math', tree)).toEqual([])
    expect(toString(tree)).toContain('$ mv *.sh ~/tmp')
    const epub = path.join(dir, 'out', 'spec', 'spec.epub')
    const zip = await JSZip.loadAsync(await readFile(epub))
    const text = (await zip.file('OEBPS/text.xhtml')?.async('string')) ?? ''
    expect(text.match(/class="language-[a-z]+ hljs"/g)?.length ?? 0).toBeGreaterThan(20)
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
  })

  it('the Dagoba chapter: its $O(n^2)$ and footnote math are MathML, its code fences coloured', async () => {
    const tree = await page('dagoba')
    const annotations = selectAll('math', tree).map((node) => String(node.properties.alttext))
    expect(annotations).toEqual(expect.arrayContaining(['O(n^2)', '\\log{}N']))
    expect(selectAll('pre > code.hljs', tree).length).toBeGreaterThan(40)
    const epub = path.join(dir, 'out', 'dagoba', 'dagoba.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
  })
})
