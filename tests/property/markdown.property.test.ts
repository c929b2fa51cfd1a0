import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GlossaryEntry } from '../../pipeline/common/article.ts'
import { previewsScript } from '../../pipeline/editions/html/previews.ts'
import { runParseStage } from '../../pipeline/build/parse-stage.ts'
import { ruleIds } from '../../pipeline/common/rules.ts'
import { projectRoot } from '../helpers/corpus.ts'
import { duplicateIds, parseHtml, unresolvedFragments, validateHtml } from '../helpers/html.ts'
import { missingWords, renderedWords, sourceWords } from '../helpers/words.ts'

/**
 * Random Markdown (nested lists and quotes, footnotes, glossary terms, raw
 * HTML safe and hostile, links and images anywhere) through the real
 * pipeline: it never throws, every message has a place and a known rule id,
 * and the HTML edition it writes is valid, with unique ids, no active
 * content, and every word of the source unless a warning says which went.
 */

const glossary: GlossaryEntry[] = [
  { term: 'tenge', definition: 'The currency of Kazakhstan.', variants: [] },
  { term: 'tenge coin', definition: 'A coin worth some tenge.', variants: ['tenge coins'] },
  { term: 'maslikhat', definition: 'An elected local assembly.', variants: ['maslikhats'] },
  { term: 'әкім', definition: 'The head of a local executive body.', variants: [] },
]

const words = fc.constantFrom('alpha', 'beta', 'gamma', 'tenge', 'tenge coin', 'tenge coins', 'maslikhat', 'maslikhats', 'әкім', 'Алматы', 'naïve', '1984', 'snake_case', 'x')
const punctuation = fc.constantFrom('<', '>', '&', '&amp;', '&#x3C;', '*', '_', '`', '[', ']', '\\', '"', "'", '|', '~', '#', '!', ':', '^', '(', ')', '—')
const addresses = fc.constantFrom(
  'https://example.com/a',
  '#top',
  '#alpha',
  '#fn-1',
  '../../etc/passwd',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,x',
  'local.png',
  'sub/file.md',
  '',
  'mailto:a@example.com',
  '//evil.example/x',
  '%2e%2e/secret',
  '/etc/passwd',
)
const labels = fc.constantFrom('1', '2', 'note', 'Ноута', 'a b', 'x')
const inlineHtml = fc.constantFrom(
  '<b>bold</b>',
  '<span>',
  '</span>',
  '<em>',
  '</em>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1) alt="pic">',
  '<img src="local.png">',
  '<a name="top"></a>',
  '<a id="alpha">anchor</a>',
  '<a href="javascript:alert(1)">js</a>',
  '<kbd>Ctrl</kbd>',
  '<br>',
  '<sup>2</sup>',
  '<span id="fn-1">clash</span>',
  '<span id="main">main</span>',
  '<span id="glossary">g</span>',
  '<span id="toc-label">t</span>',
  '<iframe src="https://example.com/"></iframe>',
  '<!-- comment -->',
  '<u>under</u>',
  '<svg onload=alert(1)><circle/></svg>',
  '<style>p{}</style>',
  '<math><mi>x</mi></math>',
  '<object data=x>fallback</object>',
  '<textarea>typed</textarea>',
  '<div>',
  '</div>',
  '<table><tr><td>cell</td></tr></table>',
  '<picture><source srcset="https://example.com/a.png"><img src="https://example.com/b.png" alt="remote"></picture>',
  '<details><summary>more</summary>hidden</details>',
)
const blockHtml = fc.constantFrom(
  '<div align="center">\n\ncentered *text*\n\n</div>',
  '<script>\nalert(1)\n</script>',
  '<p onclick="alert(1)">clicked paragraph</p>',
  '<table>\n<tr><td>one</td><td onmouseover="x()">two</td></tr>\n</table>',
  '<!-- a comment\nover lines -->',
  '<div id="main">a block</div>',
  '<details>\n<summary>Summary</summary>\n\nInside *details*.\n\n</details>',
  '<iframe src="https://example.com/"></iframe>',
  '<pre>\n  pre text\n</pre>',
)

const { inline } = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    words,
    words,
    punctuation,
    words.map((word) => `\`${word}\``),
    tie('inline').map((text) => `*${text}*`),
    tie('inline').map((text) => `**${text}**`),
    tie('inline').map((text) => `~~${text}~~`),
    fc.tuple(tie('inline'), addresses).map(([text, url]) => `[${text}](${url})`),
    fc.tuple(words, addresses).map(([alt, url]) => `![${alt}](${url})`),
    labels.map((label) => `[^${label}]`),
    inlineHtml,
    fc.array(tie('inline'), { minLength: 2, maxLength: 6 }).map((parts) => parts.join(' ')),
  ),
}))

const line = fc.array(inline, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(' ').replace(/\n/g, ' '))

const { block } = fc.letrec<{ block: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line,
    line,
    fc.tuple(fc.integer({ min: 1, max: 6 }), line).map(([level, text]) => `${'#'.repeat(level)} ${text}`),
    fc
      .tuple(fc.constantFrom('- ', '* ', '1. ', '- [ ] ', '- [x] '), fc.array(tie('block'), { minLength: 1, maxLength: 4 }))
      .map(([marker, items]) => items.map((item) => `${marker}${item.replace(/\n/g, `\n${' '.repeat(marker.length)}`)}`).join('\n')),
    fc.array(tie('block'), { minLength: 1, maxLength: 3 }).map((inner) => inner.join('\n\n').replace(/^/gm, '> ')),
    fc.tuple(labels, line).map(([label, text]) => `[^${label}]: ${text}`),
    fc.tuple(fc.constantFrom('', 'js', 'html'), line).map(([lang, text]) => `\`\`\`${lang}\n${text}\n\`\`\``),
    fc.tuple(line, line).map(([a, b]) => `| ${a.replace(/\|/g, '\\|')} | b |\n| --- | :-: |\n| ${b.replace(/\|/g, '\\|')} | c |`),
    blockHtml,
    fc.constant('---'),
  ),
}))

const frontMatter = fc.constantFrom('---\ntitle: Random\nlang: en\n---\n\n', '---\nlang: kk\n---\n\n', '', '---\n\n')
const documents = fc.tuple(frontMatter, fc.array(block, { minLength: 1, maxLength: 12 })).map(([head, blocks]) => `${head}${blocks.join('\n\n')}\n`)

/** Warnings that say text was left out: the words check is skipped for documents that have them. */
const dropping = new Set(['footnote-unused', 'footnote-duplicate', 'html-removed', 'source-limit'])

let dir: string
let count = 0
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-property-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('random Markdown through the pipeline', () => {
  it('never throws; every message is placed and known; the HTML edition is valid, safe and complete', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (markdown) => {
        const sourcePath = path.join(dir, `doc-${++count}.md`)
        await writeFile(sourcePath, markdown)
        const prepared = await runParseStage({
          sourcePath,
          glossary,
          paper: 'A4',
          slug: `doc-${count}`,
          templatesDir: path.join(projectRoot, 'templates'),
          check: false,
          html: true,
          editions: ['html'],
        })
        for (const message of prepared.file.messages) {
          expect(message.line, message.reason).toBeGreaterThan(0)
          expect(message.column, message.reason).toBeGreaterThan(0)
          expect(ruleIds as readonly string[]).toContain(message.ruleId)
        }
        // The HTML writer never fails: its failure would be a fatal `edition-failed` message.
        expect(prepared.file.messages.filter((message) => message.ruleId === 'edition-failed').map((message) => message.reason)).toEqual([])
        const page = prepared.htmlFiles?.find((file) => file.path === 'index.html')
        if (prepared.file.messages.some((message) => message.fatal)) return
        expect(page).toBeDefined()
        const html = String(page?.data)
        const tree = parseHtml(html)
        // GitHub's heading ids may start with a digit or `-` (`1984-alpha`): valid HTML, which
        // html-validate's strict `valid-id` (not its `relaxed` mode) would refuse.
        expect((await validateHtml(html, 'index.html')).filter((problem) => !/ valid-id .* must begin with a letter$/.test(problem))).toEqual([])
        expect(duplicateIds(tree)).toEqual([])
        expect(unresolvedFragments(tree).filter((id) => !prepared.file.messages.some((m) => m.ruleId === 'link-broken' && m.reason.includes(`#${id}`)))).toEqual([])
        // The edition's own scripts only: JSON-LD, and the exact Escape handler for previews.
        expect(
          selectAll('script:not([type="application/ld+json"])', tree)
            .map((script) => toString(script))
            .filter((text) => text !== previewsScript),
        ).toEqual([])
        expect(selectAll('iframe, object, embed, svg, math, body style', tree)).toEqual([])
        for (const node of selectAll('*', tree)) {
          for (const [name, value] of Object.entries(node.properties)) {
            expect(name, `<${node.tagName} ${name}>`).not.toMatch(/^on|^style$/i)
            expect(String(value), `<${node.tagName} ${name}>`).not.toMatch(/^[\s\0-\x1f]*(?:javascript|vbscript|data|file):/i)
          }
        }
        if (!prepared.file.messages.some((message) => dropping.has(String(message.ruleId)))) {
          expect(missingWords(await sourceWords(sourcePath), renderedWords(tree))).toEqual([])
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), interruptAfterTimeLimit: 100_000 },
    )
  }, 120_000)
})
