import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { splitStylesheet } from '../../pipeline/editions/stylesheet.ts'
import { projectRoot } from '../helpers/corpus.ts'

const templatesDir = path.join(projectRoot, 'templates')

/** Properties Paged.js acts on (its handlers read them from the sheets it is given), which `print.css` alone may set. */
const pagedProperties = [
  'break-before',
  'break-after',
  'break-inside',
  'page-break-before',
  'page-break-after',
  'page-break-inside',
  'page',
  'string-set',
  'float',
  'footnote-display',
  'footnote-policy',
  'display',
  'position',
  'content',
  'counter-reset',
  'counter-increment',
  'counter-set',
]

describe('print edition sheets', () => {
  it('keeps everything Paged.js acts on out of print-text.css, which Chromium applies without it', async () => {
    const css = (await readFile(path.join(templatesDir, 'print-text.css'), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '')
    // Plain rules only: no at-rule (@page, @media, @font-face), nothing outside a rule.
    expect(css).not.toContain('@')
    const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
    expect(css.replace(/[^{}]+\{[^{}]*\}/g, '').trim()).toBe('')
    expect(rules.length).toBeGreaterThan(30)
    for (const [, selector = '', body = ''] of rules) {
      // Selectors Paged.js rewrites (ids) or acts on (footnote parts, nth-of-type).
      expect(selector).not.toMatch(/#|::footnote|:nth-|-of-type/)
      const properties = body
        .split(';')
        .map((declaration) => declaration.split(':')[0]?.trim() ?? '')
        .filter(Boolean)
      for (const property of properties) expect(pagedProperties, `${selector.trim()} { ${property} }`).not.toContain(property)
    }
  })

  it('gives Chromium print-text.css and the shared sheets, and Paged.js print.css with the theme last', async () => {
    const [text = '', print = '', align = ''] = await Promise.all(['print-text.css', 'print.css', 'align.css'].map((name) => readFile(path.join(templatesDir, name), 'utf8')))
    const { shared, own } = await splitStylesheet(templatesDir, 'print.css', 'p { color: red; }')
    expect(shared.startsWith(text.trimEnd())).toBe(true)
    expect(shared).toContain(align.trimEnd())
    expect(shared).not.toContain('@page')
    expect(own.startsWith(print.trimEnd())).toBe(true)
    expect(own.trimEnd().endsWith('p { color: red; }')).toBe(true)
    expect(own).not.toContain('text-align: justify')
  })

  it('reads a template again once its file has changed (a template edited while serve runs), and not before', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offprint-sheets-'))
    try {
      await cp(templatesDir, dir, { recursive: true })
      const sheet = path.join(dir, 'print.css')
      // A time of whole seconds, which setting it again gives back exactly.
      const then = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
      await utimes(sheet, then, then)
      const before = await splitStylesheet(dir, 'print.css')
      expect(before.own).toContain('@page')
      // Changed with its size and time as they were: the text read before is kept (the file is not read again).
      await writeFile(sheet, (await readFile(sheet, 'utf8')).replace('@page', '@PAGE'))
      await utimes(sheet, then, then)
      expect((await splitStylesheet(dir, 'print.css')).own).toBe(before.own)
      // The same size, a later time: read again.
      const later = new Date(then.getTime() + 5000)
      await utimes(sheet, later, later)
      expect((await splitStylesheet(dir, 'print.css')).own).toContain('@PAGE')
      // Changed within its time's precision of the last change (size and time as they were, but just now): not kept.
      const now = new Date(Math.floor(Date.now() / 1000) * 1000)
      await utimes(sheet, now, now)
      expect((await splitStylesheet(dir, 'print.css')).own).toContain('@PAGE')
      await writeFile(sheet, (await readFile(sheet, 'utf8')).replace('@PAGE', '@Page'))
      await utimes(sheet, now, now)
      expect((await splitStylesheet(dir, 'print.css')).own).toContain('@Page')
      // Another size: read again.
      await writeFile(sheet, '.only { color: red; }\n')
      expect((await splitStylesheet(dir, 'print.css')).own).toBe('.only { color: red; }\n')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
