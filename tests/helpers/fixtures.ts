import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Element, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toHtml } from 'hast-util-to-html'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize from 'rehype-sanitize'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified, type PluggableList } from 'unified'
import { visit } from 'unist-util-visit'
import { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { expect, it } from 'vitest'
import type { ArticleData } from '../../pipeline/common/article.ts'
import { slugForFile } from '../../pipeline/common/slug.ts'
import { loadGlossary } from '../../pipeline/glossary/load.ts'
import { rehypeAlignClasses } from '../../pipeline/plugins/rehype-align-classes.ts'
import { rehypeContentModel } from '../../pipeline/plugins/rehype-content-model.ts'
import { rehypeDropFormControls } from '../../pipeline/plugins/rehype-drop-form-controls.ts'
import { rehypeEmptyHeadings } from '../../pipeline/plugins/rehype-empty-headings.ts'
import { rehypeEmptyLinks } from '../../pipeline/plugins/rehype-empty-links.ts'
import { rehypeEncodeUrls } from '../../pipeline/plugins/rehype-encode-urls.ts'
import { rehypeFillPositions } from '../../pipeline/plugins/rehype-fill-positions.ts'
import { rehypeFlagUnsafe } from '../../pipeline/plugins/rehype-flag-unsafe.ts'
import { rehypeFootnoteIds } from '../../pipeline/plugins/rehype-footnote-ids.ts'
import { rehypeGlossarySection } from '../../pipeline/plugins/rehype-glossary-section.ts'
import { rehypeHeadingIds } from '../../pipeline/plugins/rehype-heading-ids.ts'
import { rehypeImages } from '../../pipeline/plugins/rehype-images.ts'
import { rehypeLinkCheck } from '../../pipeline/plugins/rehype-link-check.ts'
import { rehypeLocalLinks } from '../../pipeline/plugins/rehype-local-links.ts'
import { rehypeUniqueIds } from '../../pipeline/plugins/rehype-unique-ids.ts'
import { remarkFootnoteCheck } from '../../pipeline/plugins/remark-footnote-check.ts'
import { remarkGlossary } from '../../pipeline/plugins/remark-glossary.ts'
import { remarkProseDollars } from '../../pipeline/plugins/remark-prose-dollars.ts'
import { rehypeMathml } from '../../pipeline/plugins/rehype-mathml.ts'
import { rehypeHighlightCode } from '../../pipeline/plugins/rehype-highlight-code.ts'
import { maskProseDollars } from '../../pipeline/common/prose-dollars.ts'
import remarkMath from 'remark-math'
import { remarkNestingLimit } from '../../pipeline/plugins/remark-nesting-limit.ts'
import { blankOut, findFrontMatter, readFrontMatter } from '../../pipeline/source/front-matter.ts'
import { sanitizeSchema } from '../../pipeline/source/sanitize-schema.ts'
import { projectRoot } from './corpus.ts'

/**
 * Fixture runner for plugin unit tests: each case runs ONE plugin of
 * `pipeline/plugins/` (after the prerequisites the case names), never the
 * whole pipeline, so a change in one plugin rewrites only its own fixtures.
 *
 * A case is a folder `tests/fixtures/<plugin>/<case>/` holding:
 *
 * - `input.md`: Markdown. Parsed by remark-parse + remark-gfm; a remark
 *   plugin runs on that mdast. The tree then goes to hast through
 *   remark-rehype (`allowDangerousHtml`, empty `clobberPrefix`, as the
 *   processor does); a rehype plugin runs after rehype-raw. For a remark
 *   plugin the hast step is only a neutral serialisation: raw HTML stays
 *   unparsed and is written as it stands. Optional YAML front matter is
 *   read by the real front-matter reader and blanked (offsets kept, so
 *   places are those of the source); only its `lang` and `title` are used.
 * - or `input.html` (rehype plugins only): an HTML fragment parsed with
 *   hast-util-from-html, when the case is about raw HTML and reads better
 *   as HTML.
 * - `glossary.yaml` (optional): loaded by the real glossary loader into
 *   `file.data.glossary`; its messages come first, prefixed `glossary.yaml:`.
 * - `plugins.txt` (optional): prerequisite plugins, one name a line
 *   (`remark-glossary`, `rehype-footnote-ids`, …, or `rehype-sanitize` with
 *   the pipeline's schema), run before the plugin under test in the
 *   processor's order of stages: remark ones on the mdast, rehype ones after
 *   rehype-raw. `#` starts a comment.
 *
 * The runner sets up only what plugins read from `file.data`: `article`
 * (slug from the file name, `meta` from the front matter, empty lists) and
 * `glossary`. Expected files, compared byte for byte:
 *
 * - `output.html`: the resulting hast, serialised with hast-util-to-html
 *   (with `positions`, each element carries its place as `data-pos`);
 * - `messages.txt`: the messages, one per line as `line:column ruleId reason`
 *   in place order (a message's `cause` follows on its own line, indented,
 *   as `  cause line:column reason`);
 * - `data.json`: when the test file passes `data`, what the plugin wrote to
 *   `file.data`.
 *
 * Regenerate the expected files on purpose, then review the diff:
 *
 *     UPDATE_FIXTURES=1 npx vitest run tests/plugins
 *     npx vitest run tests/plugins -u
 *
 * A missing expected file fails the case unless updating.
 */
export const fixturesDir = path.join(projectRoot, 'tests', 'fixtures')

/** The plugins a case may run, by file name, with the options the processor gives them. */
const plugins: Record<string, PluggableList[number]> = {
  'remark-prose-dollars': remarkProseDollars,
  'remark-nesting-limit': remarkNestingLimit,
  'remark-footnote-check': remarkFootnoteCheck,
  'remark-glossary': remarkGlossary,
  'rehype-fill-positions': rehypeFillPositions,
  'rehype-local-links': rehypeLocalLinks,
  'rehype-drop-form-controls': rehypeDropFormControls,
  'rehype-flag-unsafe': [rehypeFlagUnsafe, sanitizeSchema],
  'rehype-sanitize': [rehypeSanitize, sanitizeSchema],
  'rehype-content-model': rehypeContentModel,
  'rehype-empty-headings': rehypeEmptyHeadings,
  'rehype-align-classes': rehypeAlignClasses,
  'rehype-footnote-ids': rehypeFootnoteIds,
  'rehype-glossary-section': rehypeGlossarySection,
  'rehype-unique-ids': rehypeUniqueIds,
  'rehype-heading-ids': rehypeHeadingIds,
  'rehype-images': rehypeImages,
  'rehype-empty-links': rehypeEmptyLinks,
  'rehype-link-check': rehypeLinkCheck,
  'rehype-encode-urls': rehypeEncodeUrls,
  'rehype-mathml': rehypeMathml,
  'rehype-highlight-code': rehypeHighlightCode,
}
/** The processor's order of stages (`pipeline/source/parse-source.ts`). */
const order = Object.keys(plugins)

/** Names of the case folders of `plugin`, sorted. */
export function fixtureCases(plugin: string): string[] {
  const dir = path.join(fixturesDir, plugin)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
}

/** The actual results of one case, serialized as the expected files are. */
export interface FixtureResult {
  html: string
  messages: string
  /** The processed file, for assertions beyond the fixture files. */
  file: VFile
  /** The tree after the plugin. */
  tree: Root
  /** The case folder. */
  dir: string
}

/** How a test file runs its plugin's cases. */
export interface RunOptions {
  /** Write each element's place as `data-pos="line:column-line:column"` in `output.html`. */
  positions?: boolean
  /** What the plugin wrote to `file.data`, compared with `data.json`. */
  data?: (file: VFile, dir: string) => unknown
}

/** Run one case: its prerequisites, then `plugin` alone. */
export async function runFixture(plugin: string, name: string, options: RunOptions = {}): Promise<FixtureResult> {
  const dir = path.join(fixturesDir, plugin, name)
  if (!(plugin in plugins) || plugin === 'rehype-sanitize') throw new Error(`Unknown plugin \`${plugin}\`: expected a file name of pipeline/plugins/`)
  const markdownPath = path.join(dir, 'input.md')
  const htmlPath = path.join(dir, 'input.html')
  const isHtml = existsSync(htmlPath)
  if (isHtml === existsSync(markdownPath)) throw new Error(`${path.relative(projectRoot, dir)}: every fixture case needs one input.md or one input.html`)
  if (isHtml && plugin.startsWith('remark-')) throw new Error(`${path.relative(projectRoot, dir)}: a remark plugin needs input.md`)

  const chain = await prerequisites(dir)
  for (const before of chain) {
    if (!(before in plugins)) throw new Error(`${path.relative(projectRoot, dir)}/plugins.txt: unknown plugin \`${before}\``)
    if (order.indexOf(before) >= order.indexOf(plugin)) throw new Error(`${path.relative(projectRoot, dir)}/plugins.txt: \`${before}\` runs after \`${plugin}\` in the processor`)
    if (isHtml && before.startsWith('remark-')) throw new Error(`${path.relative(projectRoot, dir)}/plugins.txt: \`${before}\` needs input.md`)
  }
  chain.push(plugin)
  const use = (names: string[]): PluggableList => names.map((each) => plugins[each] as PluggableList[number])

  const lines: string[] = []
  const glossaryPath = path.join(dir, 'glossary.yaml')
  let glossary: Awaited<ReturnType<typeof loadGlossary>>['entries'] = []
  if (existsSync(glossaryPath)) {
    const loaded = await loadGlossary(glossaryPath)
    glossary = loaded.entries
    lines.push(...formatMessages(loaded.file).map((line) => `glossary.yaml:${line}`))
  }

  const inputPath = isHtml ? htmlPath : markdownPath
  let text = await readFile(inputPath, 'utf8')
  const file = new VFile({ path: inputPath, value: text })
  let fields: { lang?: string | undefined; title?: string | undefined } = {}
  const block = isHtml ? undefined : findFrontMatter(text)
  if (block && 'unclosed' in block) throw new Error(`${path.relative(projectRoot, inputPath)}: front matter with no closing fence`)
  if (block) {
    fields = readFrontMatter(file, block) ?? {}
    text = blankOut(text, 0, block.end)
    file.value = text
  }
  file.data.glossary = glossary
  file.data.article = {
    slug: slugForFile(inputPath),
    meta: { title: fields.title ?? '', authors: [], lang: fields.lang ?? 'en', keywords: [], paper: 'A4', titleFromContent: false },
    headings: [],
    notes: [],
    terms: [],
    assets: [],
  } satisfies ArticleData

  let tree: Root
  if (isHtml) {
    tree = fromHtml(text, { fragment: true })
    tree = (await unified().use(use(chain)).run(tree, file)) as Root
  } else {
    const remark = chain.filter((each) => each.startsWith('remark-'))
    const rehype = chain.filter((each) => !each.startsWith('remark-'))
    // remark-math as the processor has it (math on by default); prose dollars are hidden from it while
    // parsing when the case runs remark-prose-dollars, which swaps them back.
    const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(use(remark)).use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' })
    if (rehype.length > 0) processor.use(rehypeRaw).use(use(rehype))
    const masked = chain.includes('remark-prose-dollars') ? maskProseDollars(text) : undefined
    tree = (await processor.run(processor.parse(masked === undefined ? file : new VFile({ path: inputPath, value: masked })), file)) as Root
  }
  lines.push(...formatMessages(file))
  const html = toHtml(options.positions ? withPositions(tree) : tree, { allowDangerousHtml: true })
  return { html: `${html}\n`, messages: lines.map((line) => `${line}\n`).join(''), file, tree, dir }
}

/** The names in a case's `plugins.txt`, if any. */
async function prerequisites(dir: string): Promise<string[]> {
  const list = path.join(dir, 'plugins.txt')
  if (!existsSync(list)) return []
  return (await readFile(list, 'utf8'))
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
}

/** A copy of `tree` whose elements carry their place as `data-pos`. */
function withPositions(tree: Root): Root {
  const copy = structuredClone(tree)
  visit(copy, 'element', (node: Element) => {
    const { start, end } = node.position ?? {}
    node.properties.dataPos = start ? `${start.line}:${start.column}-${end ? `${end.line}:${end.column}` : '?'}` : 'none'
  })
  return copy
}

/** Messages of `file` as `line:column ruleId reason` lines (causes indented below). */
export function formatMessages(file: VFile): string[] {
  const lines: string[] = []
  // In place order, as vfile-reporter shows them; equal places keep their order.
  const messages = [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  for (const message of messages) {
    lines.push(`${point(message)} ${message.ruleId ?? '?'} ${message.reason}`)
    const cause = message.cause
    if (cause instanceof VFileMessage) lines.push(`  cause ${point(cause)} ${cause.reason}`)
    else if (cause instanceof Error) lines.push(`  cause ${cause.message}`)
  }
  return lines
}

function point(message: VFileMessage): string {
  return `${message.line ?? '?'}:${message.column ?? '?'}`
}

/** True when expected files are to be (re)written: `UPDATE_FIXTURES=1` or `vitest -u`. */
export function updatingFixtures(): boolean {
  if (process.env.UPDATE_FIXTURES === '1') return true
  const state = expect.getState().snapshotState as { snapshotUpdateState?: string } | undefined
  return state?.snapshotUpdateState === 'all'
}

/** Compare (or, when updating, write) one expected file of a case. */
async function check(dir: string, name: string, actual: string, mayWrite: boolean): Promise<void> {
  const expectedPath = path.join(dir, name)
  if (mayWrite && updatingFixtures()) {
    const current = existsSync(expectedPath) ? await readFile(expectedPath, 'utf8') : undefined
    if (current !== actual) await writeFile(expectedPath, actual)
    return
  }
  if (!existsSync(expectedPath)) {
    throw new Error(`Missing ${path.relative(projectRoot, expectedPath)}; write it with UPDATE_FIXTURES=1 (or vitest -u) and review it`)
  }
  expect(actual, `${path.relative(projectRoot, expectedPath)}`).toBe(await readFile(expectedPath, 'utf8'))
}

export interface FixtureOptions extends RunOptions {
  /**
   * Cases whose expected files hold the correct output but the plugin does
   * not produce it yet (a known bug): they run as `it.fails`, with the reason.
   */
  knownBugs?: Record<string, string>
  /** Extra assertions on a case's result, by case name. */
  assert?: Record<string, (result: FixtureResult) => void | Promise<void>>
}

/** Declare one test per case folder of `plugin`; no case folder is an error. */
export function fixtureTests(plugin: string, options: FixtureOptions = {}): void {
  const cases = fixtureCases(plugin)
  if (cases.length === 0) {
    it(`has fixture cases in tests/fixtures/${plugin}/`, () => {
      throw new Error(`No fixture cases in tests/fixtures/${plugin}/`)
    })
    return
  }
  for (const name of Object.keys({ ...options.knownBugs, ...options.assert })) {
    if (!cases.includes(name)) {
      it(`names an existing case: ${name}`, () => {
        throw new Error(`Options name case \`${name}\`, which has no folder in tests/fixtures/${plugin}/`)
      })
    }
  }
  const expectedFiles = ['output.html', 'messages.txt', ...(options.data ? ['data.json'] : [])]
  for (const name of cases) {
    const bug = options.knownBugs?.[name]
    const dir = path.join(fixturesDir, plugin, name)
    // A known bug's expected files are written by hand and never regenerated:
    // regenerating would enshrine the bug.
    const run = async () => {
      const result = await runFixture(plugin, name, options)
      await check(dir, 'output.html', result.html, !bug)
      await check(dir, 'messages.txt', result.messages, !bug)
      if (options.data) await check(dir, 'data.json', `${JSON.stringify(options.data(result.file, dir), null, 2)}\n`, !bug)
      await options.assert?.[name]?.(result)
    }
    if (!bug) {
      it(name, run)
      continue
    }
    const missing = expectedFiles.filter((file) => !existsSync(path.join(dir, file)))
    if (missing.length > 0) {
      it(name, () => {
        throw new Error(`Known-bug case \`${name}\` needs hand-written ${missing.join(' and ')} with the correct output`)
      })
    } else it.fails(`${name} (known bug: ${bug})`, run)
  }
}
