import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type BuildReport } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { launchBrowser, type BrowserSession } from '../../pipeline/editions/browser.ts'
import {
  colorSchemes,
  contrastRatio,
  describedTooltip,
  focusLook,
  headingLevels,
  landmarks,
  levelJumps,
  announcedDescriptions,
  runAxe,
  tabTo,
  type ColorScheme,
} from '../helpers/a11y.ts'
import { articlePath, corpus } from '../helpers/corpus.ts'

/**
 * The HTML edition in real Chromium: axe-core (WCAG 2.x A/AA and best
 * practices) in light and dark mode, landmarks, skip link, heading outline,
 * visible focus, keyboard-reachable and announced previews, foreign-language
 * passages. One build and one browser for the whole file.
 */

/** A source that marks passages in other languages with raw HTML `lang`. */
const foreignSource = `---
title: Words from elsewhere
lang: en
---

The toast was <span lang="kk">Денсаулығыңыз үшін!</span> and the reply <i lang="ru">На здоровье</i>.

<p lang="fr">Le mot juste est toujours difficile à trouver.</p>

<blockquote lang="de">

Aller Anfang ist schwer.

</blockquote>

<div lang="la">Festina lente.</div>
`
const foreignPassages: Record<string, string> = { kk: 'Денсаулығыңыз үшін!', ru: 'На здоровье', fr: 'Le mot juste', de: 'Aller Anfang ist schwer.', la: 'Festina lente.' }

let out: string
let sourceDir: string
let result: BuildReport
let session: BrowserSession
const slugs = new Map<string, string>()

const documents: Array<[name: string, source: () => string]> = [
  ['article', () => articlePath],
  ...Object.entries(corpus).map(([name, file]): [string, () => string] => [name, () => file]),
  ['foreign', () => path.join(sourceDir, 'foreign.md')],
]

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-a11y-html-'))
  sourceDir = path.join(out, '.src')
  await mkdir(sourceDir)
  await writeFile(path.join(sourceDir, 'foreign.md'), foreignSource)
  const [built, browser] = await Promise.all([
    build({ ...defaultBuildOptions, paths: [articlePath, ...Object.values(corpus), path.join(sourceDir, 'foreign.md')], out: path.join(out, 'dist'), editions: ['html'] }),
    launchBrowser({ jobs: 1 }),
  ])
  result = built
  session = browser
  for (const source of result.sources) if (source.slug) slugs.set(source.source, source.slug)
})
afterAll(async () => {
  await session?.close()
  await rm(out, { recursive: true, force: true })
})

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim()

function pageUrl(source: string | undefined): string {
  if (source === undefined) return pathToFileURL(path.join(out, 'dist', 'index.html')).href
  const slug = slugs.get(source)
  if (!slug) throw new Error(`Unexpected source \`${source}\` not built, expected it in the build report`)
  return pathToFileURL(path.join(out, 'dist', slug, 'index.html')).href
}

/** Open a built page in `scheme` as a reader's browser does: the page's own script runs (it builds the previews). */
function open<T>(source: string | undefined, scheme: ColorScheme, fn: (page: Page) => Promise<T>): Promise<T> {
  return session.withPage({ allow: [path.join(out, 'dist')] }, async (page) => {
    await page.setViewport({ width: 1024, height: 768 })
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }])
    await page.setJavaScriptEnabled(true)
    await page.goto(pageUrl(source))
    return fn(page)
  })
}

it('builds every page with no failure', () => {
  expect(result.failed).toEqual([])
  expect(slugs.size).toBe(documents.length)
})

describe.each(documents)('HTML edition of %s', (_name, source) => {
  it.each(colorSchemes)('has 0 axe violations in %s mode', async (scheme) => {
    const { violations } = await open(source(), scheme, (page) => runAxe(page))
    expect(violations).toEqual([])
  })

  it('has landmarks, a working skip link, one h1 and no skipped heading level', async () => {
    await open(source(), 'light', async (page) => {
      const found = await landmarks(page)
      expect(found.filter((role) => role === 'main')).toHaveLength(1)
      expect(found.filter((role) => role.startsWith('contentinfo'))).toHaveLength(1)
      expect(found.some((role) => role.startsWith('navigation:'))).toBe(true)
      const levels = await headingLevels(page)
      expect(levels.filter((level) => level === 1)).toHaveLength(1)
      expect(levels[0]).toBe(1)
      expect(levelJumps(levels)).toEqual([])
      // The skip link is the first Tab stop, shows itself, and moves focus into main.
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link')
      expect((await focusLook(page)).inViewport).toBe(true)
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => [location.hash, document.activeElement?.id])).toEqual(['#main', 'main'])
      // The next Tab goes on from main (into it, or past it when it holds no link).
      await page.keyboard.press('Tab')
      expect(
        await page.evaluate(() => {
          const main = document.querySelector('main') as HTMLElement
          const active = document.activeElement as HTMLElement
          return active !== main && (main.contains(active) || Boolean(main.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING))
        }),
      ).toBe(true)
    })
  })

  it.each(colorSchemes)('shows keyboard focus in %s mode; previews reachable and announced', async (scheme) => {
    await open(source(), scheme, async (page) => {
      // Every kind of link the page has: skip link, contents, text, glossary, note call, back link, footer.
      const kinds = [
        'a.skip-link',
        'nav.toc a',
        'article p a:not(.glossary-term):not([data-footnote-ref])',
        'a.glossary-term',
        'a[data-footnote-ref]',
        'a[data-footnote-backref]',
        'footer a',
      ]
      for (const selector of kinds) {
        if (!(await page.$(selector))) continue
        expect(await tabTo(page, selector), selector).toBe(true)
        const look = await focusLook(page)
        expect(look.focusVisible, selector).toBe(true)
        expect(look.outlineStyle, selector).not.toBe('none')
        expect(look.outlineWidth, selector).toBeGreaterThanOrEqual(2)
        expect(contrastRatio(look.outlineColor, look.background), `${selector} outline contrast`).toBeGreaterThanOrEqual(3)
        expect(look.inViewport, selector).toBe(true)
        // Colour contrast of what only shows on focus (the skip link, a preview).
        const shown = selector === 'a.skip-link' ? selector : (await describedTooltip(page)) ? '.tip:not([hidden])' : undefined
        if (shown) {
          const { violations } = await runAxe(page, { rules: ['color-contrast'], include: shown })
          expect(violations, `${selector} focused`).toEqual([])
        }
      }
      if (scheme === 'dark') return
      // Every glossary link and note call: a Tab stop whose preview shows, and is what Chromium announces as its description.
      const callers = await page.$$eval('a.glossary-term, a[data-footnote-ref]', (links) => links.map((link) => `#${CSS.escape(link.id)}`))
      const tips: string[] = []
      for (const selector of callers) {
        expect(await tabTo(page, selector), selector).toBe(true)
        const tip = await describedTooltip(page)
        expect(tip, `${selector} aria-describedby`).toBeDefined()
        expect(tip?.role, selector).toBe('tooltip')
        expect(tip?.shown, `${selector} preview shown on focus`).toBe(true)
        expect(tip?.withinViewport, `${selector} preview within the viewport`).toBe(true)
        tips.push(normalize(tip?.text ?? ''))
      }
      const announced = (await announcedDescriptions(page, 'a.glossary-term, a[data-footnote-ref]')).map(normalize)
      expect(announced).toEqual(tips)
    })
  })
})

describe('HTML edition, specifics', () => {
  it('the article has glossary links and note calls to judge', async () => {
    await open(articlePath, 'light', async (page) => {
      expect(await page.$$eval('a.glossary-term', (links) => links.length)).toBeGreaterThan(0)
      expect(await page.$$eval('a[data-footnote-ref]', (links) => links.length)).toBeGreaterThan(0)
    })
  })

  it('Escape dismisses the preview shown on focus or hover, until another link is reached (WCAG 1.4.13)', async () => {
    await session.withPage({ allow: [path.join(out, 'dist')] }, async (page) => {
      await page.setViewport({ width: 1024, height: 768 })
      // The page's own script runs here, as in a reader's browser.
      await page.setJavaScriptEnabled(true)
      await page.goto(pageUrl(articlePath))
      const shown = (selector: string) =>
        page.$eval(selector, (link) => {
          const tip = document.getElementById(link.getAttribute('aria-describedby') ?? '')
          return tip ? getComputedStyle(tip).display !== 'none' : undefined
        })
      const [first, second] = await page.$$eval('a.glossary-term, a[data-footnote-ref]', (links) => links.slice(0, 2).map((link) => `#${CSS.escape(link.id)}`))
      expect(await tabTo(page, first as string)).toBe(true)
      expect(await shown(first as string)).toBe(true)
      await page.keyboard.press('Escape')
      expect(await shown(first as string)).toBe(false)
      expect(await tabTo(page, second as string)).toBe(true)
      expect(await shown(second as string)).toBe(true)
      // Hover: the pointer stays on the link, the preview goes; moving to another link shows its own.
      await page.hover(first as string)
      expect(await shown(first as string)).toBe(true)
      await page.keyboard.press('Escape')
      expect(await shown(first as string)).toBe(false)
      await page.hover(second as string)
      expect(await shown(second as string)).toBe(true)
      // The pointer can move onto the preview without closing it (hoverable), and leaving both closes it
      // (once keyboard focus, which keeps its own link's preview, is elsewhere).
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
      const tip = await page.$eval(second as string, (link) => `#${CSS.escape(link.getAttribute('aria-describedby') ?? '')}`)
      const link = await page.$eval(second as string, (node) => node.getBoundingClientRect().toJSON() as DOMRect)
      const box = await page.$eval(tip, (node) => node.getBoundingClientRect().toJSON() as DOMRect)
      expect(box.top - link.bottom, 'the preview touches its link').toBeLessThanOrEqual(1)
      await page.mouse.move(link.left + link.width / 2, link.bottom - 1)
      await page.mouse.move(link.left + link.width / 2, box.top + box.height / 2, { steps: 4 })
      expect(await shown(second as string)).toBe(true)
      await page.mouse.move(box.left + box.width / 2, box.bottom + 40, { steps: 4 })
      expect(await shown(second as string)).toBe(false)
    })
  })

  it('previews stay on screen at 320 CSS px (reflow)', async () => {
    await session.withPage({ allow: [path.join(out, 'dist')] }, async (page) => {
      await page.setViewport({ width: 320, height: 640 })
      await page.setJavaScriptEnabled(true)
      await page.goto(pageUrl(articlePath))
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
      const callers = await page.$$eval('a.glossary-term, a[data-footnote-ref]', (links) => links.map((link) => `#${CSS.escape(link.id)}`))
      for (const selector of callers) {
        expect(await tabTo(page, selector), selector).toBe(true)
        expect((await describedTooltip(page))?.withinViewport, selector).toBe(true)
      }
    })
  })

  it('shifts a document whose sections are h1s under its front-matter title, keeping ids and recording the source level', async () => {
    await open(corpus['commonmark-spec'] as string, 'light', async (page) => {
      const shifted = await page.$$eval('[data-source-level]', (nodes) => nodes.map((node) => [node.tagName, node.getAttribute('data-source-level'), node.id]))
      expect(shifted).toContainEqual(['H2', '1', 'introduction'])
      expect(await page.$$eval('h1', (nodes) => nodes.map((node) => node.textContent))).toEqual(['CommonMark Spec'])
    })
  })

  it('keeps `lang` on passages the source marks as another language', async () => {
    await open(path.join(sourceDir, 'foreign.md'), 'light', async (page) => {
      const langs = await page.evaluate(
        (passages) =>
          Object.fromEntries(
            Object.entries(passages).map(([, text]) => {
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.textContent?.includes(text)) return [text, node.parentElement?.closest('[lang]')?.getAttribute('lang') ?? '']
              }
              return [text, 'missing']
            }),
          ),
        foreignPassages,
      )
      expect(langs).toEqual(Object.fromEntries(Object.entries(foreignPassages).map(([lang, text]) => [text, lang])))
    })
  })
})

describe('site index', () => {
  it.each(colorSchemes)('has 0 axe violations in %s mode', async (scheme) => {
    const { violations } = await open(undefined, scheme, (page) => runAxe(page))
    expect(violations).toEqual([])
  })

  it('has main, one h1, no skipped level and a working skip link', async () => {
    await open(undefined, 'light', async (page) => {
      expect((await landmarks(page)).filter((role) => role === 'main')).toHaveLength(1)
      const levels = await headingLevels(page)
      expect(levels.filter((level) => level === 1)).toHaveLength(1)
      expect(levelJumps(levels)).toEqual([])
      await page.keyboard.press('Tab')
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
    })
  })
})
