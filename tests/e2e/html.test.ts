import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Element, Root } from 'hast'
import { select, selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { previewsScript } from '../../pipeline/editions/html/previews.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildReport } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { articlePath, corpus, seedPath } from '../helpers/corpus.ts'
import { fixtureCases, fixturesDir } from '../helpers/fixtures.ts'
import { duplicateIds, parseHtml, unresolvedFragments, validateHtml, validateWithNu } from '../helpers/html.ts'
import { missingWords, renderedWords, sourceWords } from '../helpers/words.ts'

let out: string
let result: BuildReport
const slugOf = (name: string) => path.basename(name).replace(/\.md$/i, '').toLowerCase()

/** Plugins whose fixture cases are also built as pages: raw HTML found in the wild. */
const builtFixtures = ['rehype-encode-urls', 'rehype-drop-form-controls']
/** Slugs of the pages built from fixture cases (`<plugin>-<case>`). */
const fixtureSlugs: string[] = []

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-html-'))
  const fixtureSources = path.join(out, '.fixtures')
  await mkdir(fixtureSources)
  const paths: string[] = []
  for (const plugin of builtFixtures) {
    for (const name of fixtureCases(plugin)) {
      const slug = `${plugin}-${name}`
      paths.push(path.join(fixtureSources, `${slug}.md`))
      fixtureSlugs.push(slug)
      await copyFile(path.join(fixturesDir, plugin, name, 'input.md'), path.join(fixtureSources, `${slug}.md`))
    }
  }
  result = await build({ ...defaultBuildOptions, paths: [articlePath, ...Object.values(corpus), ...paths], out: path.join(out, 'site'), editions: ['html'] })
  out = path.join(out, 'site')
})
afterAll(async () => {
  await rm(path.dirname(out), { recursive: true, force: true })
})

async function page(slug: string): Promise<{ html: string; tree: Root }> {
  const html = await readFile(path.join(out, slug, 'index.html'), 'utf8')
  return { html, tree: parseHtml(html) }
}

describe('HTML edition of the article', () => {
  const slug = 'tokayev-almaty-visit-2022'

  it('builds with no errors and links every edition from the index', async () => {
    expect(result.failed).toEqual([])
    const index = parseHtml(await readFile(path.join(out, 'index.html'), 'utf8'))
    const links = selectAll('a', index).map((a) => String(a.properties.href))
    expect(links).toContain(`${slug}/index.html`)
    const entry = selectAll('li.entry', index).find((li) => toString(li).includes('Tokayev in Almaty'))
    expect(entry && toString(entry)).toMatch(/Assel Satubaldina/)
    expect(entry && toString(entry)).toMatch(/November 16, 2022|2022-11-16/)
  })

  it('is valid HTML with no duplicate ids and every in-page link resolved', async () => {
    const { html, tree } = await page(slug)
    expect(await validateHtml(html, `${slug}/index.html`)).toEqual([])
    expect(duplicateIds(tree)).toEqual([])
    expect(unresolvedFragments(tree)).toEqual([])
  })

  it('works offline: inline CSS, no external request, no active content', async () => {
    const { html, tree } = await page(slug)
    expect(selectAll('link[rel=stylesheet], script[src], img[src^="http"], iframe', tree)).toEqual([])
    // JSON-LD, and the one script: it builds the previews and lets Escape close them (WCAG 1.4.13); nothing else.
    expect(selectAll('script', tree).map((s) => (s.properties.type === 'application/ld+json' ? 'json-ld' : toString(s)))).toEqual(['json-ld', previewsScript])
    expect(html).not.toMatch(/\son[a-z]+=/i)
    expect(html).not.toMatch(/javascript:/i)
    expect(select('style', tree)).toBeDefined()
  })

  it('carries its metadata: lang, title, description, author, Open Graph, NewsArticle JSON-LD', async () => {
    const { tree } = await page(slug)
    expect(select('html', tree)?.properties.lang).toBe('en')
    expect(toString(select('title', tree) as Element)).toMatch(/^Tokayev in Almaty/)
    expect(select('meta[name=description]', tree)?.properties.content).toMatch(/Almaty/)
    expect(select('meta[name=author]', tree)?.properties.content).toBe('Assel Satubaldina')
    expect(select('meta[property="og:title"]', tree)).toBeDefined()
    const ld = JSON.parse(toString(select('script[type="application/ld+json"]', tree) as Element)) as Record<string, unknown>
    expect(ld['@type']).toBe('NewsArticle')
    expect(ld.datePublished).toBe('2022-11-16')
  })

  it('has GitHub-style heading ids and a table of contents linking them', async () => {
    const { tree } = await page(slug)
    const ids = selectAll('article h2[id]', tree).map((h) => h.properties.id)
    expect(ids).toEqual(expect.arrayContaining(['the-rising-role-of-diplomacy', 'january-unrest', 'reforms-and-the-role-of-the-younger-generation', 'womens-role']))
    const toc = selectAll('nav.toc a', tree).map((a) => a.properties.href)
    expect(toc).toEqual(['#the-rising-role-of-diplomacy', '#january-unrest', '#reforms-and-the-role-of-the-younger-generation', '#womens-role'])
  })

  it('links the first use of each glossary term to a <dfn> entry, with no preview in the markup (the script builds them)', async () => {
    const { tree } = await page(slug)
    const terms = selectAll('a.glossary-term', tree)
    expect(terms.map((a) => a.properties.dataTerm).sort()).toEqual(['Majilis', 'maslikhat', 'tenge'])
    for (const link of terms) {
      const target = select(`[id="${String(link.properties.href).slice(1)}"]`, tree)
      expect(target && select('dfn', target)).toBeTruthy()
      expect(link.properties.ariaDescribedBy).toBeUndefined()
    }
    expect(select('section[role=doc-glossary]', tree)).toBeTruthy()
    expect(selectAll('section[role=doc-glossary] dfn', tree)).toHaveLength(3)
    // Note and definition text is only in its own section: clients that ignore CSS or scripts never read it mid-sentence.
    expect(selectAll('[role=tooltip], .tip', tree)).toEqual([])
  })

  it('numbers footnotes with ASCII ids and back links', async () => {
    const { tree } = await page(slug)
    const calls = selectAll('a[data-footnote-ref]', tree)
    expect(calls.length).toBeGreaterThanOrEqual(3)
    calls.forEach((call, index) => {
      expect(call.properties.id).toBe(`fnref-${index + 1}`)
      expect(call.properties.href).toBe(`#fn-${index + 1}`)
      const note = select(`li#fn-${index + 1}`, tree)
      expect(note && select(`a[href="#fnref-${index + 1}"]`, note)).toBeTruthy()
    })
  })

  it('keeps every word and punctuation mark of the seed, in order', async () => {
    const { tree } = await page(slug)
    const article = select('article', tree) as Element
    for (const node of selectAll('sup, .footnotes, .glossary, nav.toc, header.title-block', article)) node.children = []
    const blocks = selectAll('p, h2', article)
      .map((node) => toString(node))
      .join('\n')
      .split('\n')
      .filter((line) => line.trim() !== '')
    const seed = (await readFile(seedPath, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '')
    expect(blocks).toEqual(seed)
  })
})

describe('HTML edition of the corpus', () => {
  for (const [name, sourcePath] of Object.entries(corpus)) {
    it(`${name}: valid, no duplicate ids, links resolve, every word kept`, async () => {
      const slug = slugOf(sourcePath)
      const built = result.built.find((entry) => entry.slug === slug)
      expect(built, `${slug} was built`).toBeDefined()
      const { html, tree } = await page(slug)
      expect(await validateHtml(html, `${slug}/index.html`)).toEqual([])
      expect(duplicateIds(tree)).toEqual([])
      expect(missingWords(await sourceWords(sourcePath), renderedWords(select('body', tree) as Element))).toEqual([])
    })
  }

  it('the markdown-it sample: the leading `---` block is not front matter and its text survives', async () => {
    const { tree } = await page('sample')
    const text = toString(select('article', tree) as Element)
    expect(text).toContain('Advertisement :)')
    expect(text).toContain('You will like those projects!')
    expect(selectAll('article hr', tree).length).toBeGreaterThanOrEqual(2)
  })

  it('the Kazakh README: hand-written links to Cyrillic heading anchors resolve', async () => {
    const { tree } = await page('readme')
    expect(selectAll('a[href="#жоба-туралы"]', tree).length).toBeGreaterThan(0)
    expect(unresolvedFragments(tree)).toEqual([])
  })
})

describe('HTML edition: the W3C Nu checker', () => {
  // One Java run for every page: the JVM starts slowly.
  it('finds no error in the article, the corpus pages, the site index and the pages built from fixtures', async () => {
    const slugs = ['tokayev-almaty-visit-2022', ...Object.values(corpus).map(slugOf), ...fixtureSlugs]
    const found = await validateWithNu([...slugs.map((slug) => path.join(out, slug, 'index.html')), path.join(out, 'index.html')])
    expect([...found.values()].flat()).toEqual([])
    expect(found.size).toBe(slugs.length + 1)
  })
})

describe('HTML edition of raw HTML found in the wild (fixture pages)', () => {
  it('builds each fixture page, valid for html-validate too', async () => {
    for (const slug of fixtureSlugs) {
      expect(
        result.built.find((entry) => entry.slug === slug),
        `${slug} was built`,
      ).toBeDefined()
      expect(await validateHtml((await page(slug)).html, `${slug}/index.html`)).toEqual([])
    }
  })

  it('writes addresses as valid URLs that still lead where they did', async () => {
    const { tree } = await page('rehype-encode-urls-raw-html')
    const hrefs = selectAll('article a[href]', tree).map((a) => String(a.properties.href))
    expect(hrefs).toContain('https://www.facebook.com/sharer.php?s=100&p%5Btitle%5D=A%7CB&p%5Burl%5D=%7Bx%7D%5Ey')
    expect(hrefs).toContain('https://example.org/my%20notes.html')
    // The browser reads the written and the encoded address as the same URL.
    expect(new URL('https://example.org/my%20notes.html').href).toBe(new URL('https://example.org/my notes.html').href)
    const encoded = await page('rehype-encode-urls-already-encoded')
    expect(selectAll('article a[href]', encoded.tree).map((a) => String(a.properties.href))).toContain('https://example.org/a%20b%5B1%5D?q=%7Cx%7C')
  })

  it('drops form controls, keeping their text, and keeps task-list checkboxes', async () => {
    const controls = await page('rehype-drop-form-controls-controls')
    expect(selectAll('form, input, button, select, option, textarea, label, fieldset, legend, meter', controls.tree)).toEqual([])
    const text = toString(select('article', controls.tree) as Element)
    for (const words of ['Search the docs', 'Go', 'stable', 'nightly', 'Write your notes here', 'Shipping', 'Express']) expect(text).toContain(words)
    const tasks = await page('rehype-drop-form-controls-task-lists')
    expect(selectAll('li.task-list-item input[type=checkbox]', tasks.tree)).toHaveLength(4)
  })
})
