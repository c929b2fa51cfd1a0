import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { toHtml } from 'hast-util-to-html'
import type { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSource } from '../../pipeline/source/parse-source.ts'
import { readSource } from '../../pipeline/source/read-source.ts'

let dir: string
let count = 0
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-front-matter-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Write `content` to a fresh file in the temporary folder and return its path. */
async function source(content: string | Uint8Array): Promise<string> {
  const file = path.join(dir, `source-${++count}.md`)
  await writeFile(file, content)
  return file
}

/** Messages as `line:column ruleId` (and `!` when fatal). */
const places = (file: VFile): string[] => file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}${m.fatal ? ' !' : ''}`)

describe('front matter', () => {
  it('reports a bad field at its own line and column', async () => {
    const file = await readSource(await source('---\ntitle: Hi\ndate: yesterday\nlang: en\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['3:7 frontmatter-field !'])
    expect(file.messages[0]?.reason).toMatch(/`date`.*YYYY-MM-DD/)
  })

  it('reports a day that does not exist', async () => {
    const file = await readSource(await source('---\nlang: en\ndate: 2022-02-30\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['3:7 frontmatter-field !'])
  })

  it('reports a list where text is expected, at the list', async () => {
    const file = await readSource(await source('---\ntitle: [a, b]\nlang: en\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['2:8 frontmatter-field !'])
    expect(file.messages[0]?.reason).toMatch(/`title`/)
  })

  it('reports malformed YAML at its place', async () => {
    const file = await readSource(await source('---\ntitle: a: b\nlang: en\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['2:8 frontmatter-yaml !'])
  })

  it('reports a duplicate key as malformed YAML', async () => {
    const file = await readSource(await source('---\ntitle: Hi\nlang: en\ntitle: Again\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['4:1 frontmatter-yaml !'])
  })

  // The yaml library places these errors where the end was expected: they are moved to the opener.
  it('reports an unclosed quote on the line where it opens', async () => {
    const file = await readSource(await source('---\ntitle: "unclosed\nlang: en\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['2:8 frontmatter-yaml !'])
  })

  it('reports a bad item of a list at the item', async () => {
    const file = await readSource(await source('---\nlang: en\nauthor:\n  - Ann\n  - 5\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['5:5 frontmatter-field !'])
  })

  it('reads unclosed front matter as a thematic break and text, with a warning: the body is built', async () => {
    const input = await source('---\ntitle: Hi\nlang: en\n\nBody never closed.\n')
    const { file, tree } = await parseSource(input)
    expect(places(file)).toEqual(['1:1 frontmatter-unclosed', '1:1 lang-guessed'])
    expect(file.messages[0]?.reason).toContain('no closing fence')
    expect(tree && toHtml(tree)).toBe('<hr>\n<p>title: Hi\nlang: en</p>\n<p>Body never closed.</p>')
  })

  it('reads a webgen multi-block page (`--- name:sidebar`) as a thematic break and text, even with a later `---`', async () => {
    const input = await source('---\ntitle: Page\n--- name:sidebar\nSide.\n--- name:content\n\nBody.\n\n---\n\nEnd.\n')
    const { file, tree } = await parseSource(input)
    expect(places(file)).toEqual(['1:1 frontmatter-unclosed', '1:1 lang-guessed'])
    expect(file.messages[0]?.reason).toContain('`--- name:sidebar` on line 3')
    expect(tree && toHtml(tree)).toBe('<hr>\n<p>title: Page\n--- name:sidebar\nSide.\n--- name:content</p>\n<p>Body.</p>\n<hr>\n<p>End.</p>')
  })

  it('treats a leading `---` that is no mapping as a thematic break, keeping the text', async () => {
    const input = await source('---\n\nText after a rule.\n\n---\n\nMore text.\n')
    const { file, tree } = await parseSource(input)
    expect(places(file)).toEqual(['1:1 lang-guessed'])
    expect(tree && toHtml(tree)).toBe('<hr>\n<p>Text after a rule.</p>\n<hr>\n<p>More text.</p>')
  })

  it('treats a leading `---` before a list as a thematic break', async () => {
    const { tree } = await parseSource(await source('---\n- a\n- b\n---\n\nBody.\n'))
    expect(tree && toHtml(tree)).toBe('<hr>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<hr>\n<p>Body.</p>')
  })

  it('accepts front matter closed by `...`', async () => {
    const input = await source('---\ntitle: Dots\nlang: en\n...\n\nBody.\n')
    const { file, tree } = await parseSource(input)
    expect(places(file)).toEqual([])
    expect(file.data.article?.meta).toMatchObject({ title: 'Dots', lang: 'en' })
    expect(tree && toHtml(tree)).toBe('<p>Body.</p>')
  })

  it('keeps offsets: a body message after front matter points at its real line', async () => {
    const { file } = await parseSource(await source('---\ntitle: Hi\nlang: en\n---\n\nMissing[^x].\n'))
    expect(places(file)).toEqual(['6:8 footnote-undefined'])
  })

  it('keeps MultiMarkdown `Title:` lines as text and uses them as the title', async () => {
    const input = await source('Title: Multi Markdown\nAuthor: Jane Roe\n\nBody text.\n')
    const { file, tree } = await parseSource(input)
    expect(file.data.article?.meta).toMatchObject({ title: 'Multi Markdown', authors: ['Jane Roe'], titleFromContent: false })
    expect(tree && toHtml(tree)).toBe('<p>Title: Multi Markdown\nAuthor: Jane Roe</p>\n<p>Body text.</p>')
  })

  it('reads a file with a BOM and CRLF line ends', async () => {
    const file = await readSource(await source('\uFEFF---\r\ntitle: Bom\r\nlang: kk\r\n---\r\n\r\nBody.\r\n'))
    expect(places(file)).toEqual([])
    expect(file.data.article?.meta).toMatchObject({ title: 'Bom', lang: 'kk' })
  })

  it('reports a bad field at its place in a file with a BOM and CRLF line ends', async () => {
    const file = await readSource(await source('\uFEFF---\r\ntitle: Bom\r\nlang: en\r\ndate: nope\r\n---\r\n\r\nBody.\r\n'))
    expect(places(file)).toEqual(['4:7 frontmatter-field !'])
  })

  it('reports bytes that are not UTF-8 at their place', async () => {
    const bytes = Buffer.concat([Buffer.from('---\nlang: en\n---\n\nBad '), Buffer.from([0xff]), Buffer.from(' byte.\n')])
    const file = await readSource(await source(bytes))
    expect(places(file)).toEqual(['5:5 encoding-invalid !'])
  })

  it('reports a NUL byte at its place', async () => {
    const file = await readSource(await source('---\nlang: en\n---\n\nNUL \0 here.\n'))
    expect(places(file)).toEqual(['5:5 encoding-invalid !'])
  })

  it('warns about an unknown field at its key, and goes on', async () => {
    const file = await readSource(await source('---\ntitle: Hi\nlang: en\ncolour: blue\n---\n\nBody.\n'))
    expect(places(file)).toEqual(['4:1 frontmatter-unknown'])
    expect(file.messages[0]?.reason).toMatch(/`colour`/)
    expect(file.data.article?.meta.title).toBe('Hi')
  })

  it('skips a comment line before the first field', async () => {
    const file = await readSource(await source('---\n# a comment\ntitle: Hi\nlang: en\n---\n\nBody.\n'))
    expect(places(file)).toEqual([])
    expect(file.data.article?.meta.title).toBe('Hi')
  })

  it('reports a document with front matter only as empty', async () => {
    const file = await readSource(await source('---\ntitle: Hi\nlang: en\n---\n'))
    expect(places(file)).toEqual(['1:1 source-empty !'])
  })
})
