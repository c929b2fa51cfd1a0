import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Element, Root } from 'hast'
import { selectAll } from 'hast-util-select'
import { toString } from 'hast-util-to-string'
import { previewsScript } from '../../pipeline/editions/html/previews.ts'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromXml } from 'xast-util-from-xml'
import { parse as parseYaml } from 'yaml'
import { ruleIds } from '../../pipeline/common/rules.ts'
import { projectRoot } from '../helpers/corpus.ts'
import { documentWords, epubcheck, requireEpubcheck } from '../helpers/epub.ts'
import { duplicateIds, parseHtml, validateHtml, validateWithNu } from '../helpers/html.ts'
import { missingWords, renderedWords, sourceWords, wordsOf } from '../helpers/words.ts'

/**
 * Broken and hostile input (issue 6): every fixture class under
 * `tests/fixtures/bad/` goes through the real CLI into a temporary `--out`.
 * Each problem is reported with file, line, column and rule id; a document
 * either builds, with a warning, or fails alone with exit code 1; and never a
 * stack trace, a hang, a file written outside `--out`, a file read outside
 * the source folder, active content in any edition, or text dropped silently.
 * The big documents are generated here rather than committed.
 */

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')
const fixtures = path.join(projectRoot, 'tests', 'fixtures', 'bad')
/** The first line of /etc/passwd: in any output it would mean a file was read from outside. */
const passwdMark = 'root:x:0:0'
/** Where the custom-tag fixture's payload would write, were YAML tags executed. */
const pwned = '/tmp/offprint-pwned'

// ---------------------------------------------------------------- what each fixture must do

interface Expected {
  /** No output for the document and exit code 1. */
  fails?: boolean
  /** Messages it must report, as `line:column ruleId`. */
  messages?: string[]
  /** Words left out with a warning (the warning is among `messages`). */
  dropped?: string[]
}

/** The fixture classes: folders of `tests/fixtures/bad/`, each with its `expected.yaml`. */
const classes = ['files', 'front-matter', 'footnotes', 'glossary', 'active']

/**
 * What each fixture must do, read from `tests/fixtures/bad/<class>/expected.yaml`
 * (its header comment gives the format): a mapping from a path under the
 * class folder to `fails`, `messages` and `dropped` (words, as text). A key
 * ending in `glossary.yaml` lists the errors of that glossary file instead.
 * Keyed here by path under `tests/fixtures/bad/` (or `size/` for the
 * generated documents, whose expectations stay in this file).
 */
function readExpectations(): { expected: Record<string, Expected>; glossaryErrors: string[] } {
  const expected: Record<string, Expected> = {}
  const glossaryErrors: string[] = []
  for (const name of classes) {
    const file = path.join(fixtures, name, 'expected.yaml')
    const entries: unknown = parseYaml(readFileSync(file, 'utf8'))
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) throw new Error(`${file}: expected a mapping of source paths`)
    for (const [key, value] of Object.entries(entries)) {
      const where = `${path.relative(projectRoot, file)}: \`${key}\``
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected { fails, messages, dropped }`)
      const { fails, messages, dropped, ...rest } = value as Record<string, unknown>
      if (Object.keys(rest).length > 0) throw new Error(`${where}: unknown ${Object.keys(rest).join(', ')}; expected fails, messages, dropped`)
      if (fails !== undefined && typeof fails !== 'boolean') throw new Error(`${where}: \`fails\` must be true or false`)
      if (!Array.isArray(messages) || messages.some((message) => typeof message !== 'string' || !/^\d+:\d+ [a-z-]+$/.test(message))) {
        throw new Error(`${where}: \`messages\` must be a list of \`line:column ruleId\``)
      }
      if (dropped !== undefined && typeof dropped !== 'string') throw new Error(`${where}: \`dropped\` must be text`)
      if (key.endsWith('glossary.yaml')) {
        if (fails !== undefined || dropped !== undefined) throw new Error(`${where}: a glossary has only \`messages\``)
        glossaryErrors.push(...messages.map((message) => `${key} ${message}`))
        continue
      }
      expected[`${name}/${key}`] = { ...(fails ? { fails } : {}), messages, ...(dropped !== undefined ? { dropped: wordsOf(dropped) } : {}) }
    }
  }
  return { expected, glossaryErrors }
}

const { expected, glossaryErrors } = readExpectations()

/**
 * The HTML edition's pages of every build above, judged at the end by the
 * W3C Nu checker in one Java run (the JVM starts slowly; the machine is small).
 */
const nuPages: string[] = []

// ---------------------------------------------------------------- running the CLI

interface JsonMessage {
  line: number | null
  column: number | null
  ruleId: string | null
  severity?: 'error' | 'warning'
  reason: string
}

interface JsonReport {
  sources: Array<{ source: string; slug?: string; status: string; messages: JsonMessage[] }>
  glossaries: Array<{ file: string; messages: JsonMessage[] }>
}

interface Run {
  code: number
  stderr: string
  timedOut: boolean
  report: JsonReport
  /** Workspace: `src/` (a copy of the fixtures), `out/`, `report.json`; also the CLI's working folder. */
  root: string
  /** Files of `src/` before and after, with their content hashes. */
  sourceBefore: Map<string, string>
  sourceAfter: Map<string, string>
  /** Entries of the workspace after the build. */
  rootAfter: string[]
  /** `out/<folder>` of each built source, by its path relative to `src/`. */
  outputOf: Map<string, string>
}

const workspaces: string[] = []

async function workspace(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'offprint-robust-'))
  workspaces.push(root)
  await mkdir(path.join(root, 'src'))
  return root
}

/** `offprint build src --out out --json report.json` in `root`, killed after `timeout` ms. */
async function build(root: string, editions: string, timeout: number): Promise<Run> {
  const sourceBefore = await snapshot(path.join(root, 'src'))
  let code = 0
  let stderr = ''
  let timedOut = false
  try {
    const result = await run(process.execPath, [bin, 'build', 'src', '--out', 'out', '--editions', editions, '--json', 'report.json'], {
      cwd: root,
      timeout,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
    })
    stderr = result.stderr
  } catch (error) {
    const failed = error as { code?: number; stderr?: string; killed?: boolean }
    code = typeof failed.code === 'number' ? failed.code : -1
    stderr = failed.stderr ?? ''
    timedOut = failed.killed === true
  }
  const report = existsSync(path.join(root, 'report.json')) ? (JSON.parse(await readFile(path.join(root, 'report.json'), 'utf8')) as JsonReport) : { sources: [], glossaries: [] }
  const outputOf = new Map<string, string>()
  for (const folder of await readdir(path.join(root, 'out')).catch(() => [])) {
    const entry = await readFile(path.join(root, 'out', folder, 'entry.json'), 'utf8').catch(() => undefined)
    if (!entry) continue
    const { source } = JSON.parse(entry) as { source: string }
    outputOf.set(path.relative(path.join(root, 'src'), path.resolve(root, 'out', source)), path.join(root, 'out', folder))
  }
  return { code, stderr, timedOut, report, root, sourceBefore, sourceAfter: await snapshot(path.join(root, 'src')), rootAfter: (await readdir(root)).sort(), outputOf }
}

/** Every entry under `dir` (symbolic links not followed) with a hash of its content or link target. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const name of await readdir(dir, { recursive: true })) {
    const full = path.join(dir, name)
    const info = await lstat(full)
    if (info.isSymbolicLink()) files.set(name, `-> ${await readlink(full)}`)
    else if (info.isFile())
      files.set(
        name,
        createHash('sha256')
          .update(await readFile(full))
          .digest('hex'),
      )
  }
  return files
}

/** Every file under `dir`, following no links. */
async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true }).catch(() => [])
  const files: string[] = []
  for (const name of names) if ((await lstat(path.join(dir, name))).isFile()) files.push(path.join(dir, name))
  return files
}

// ---------------------------------------------------------------- judging the output

/** Active content in a parsed HTML or XHTML page: scripts, handlers, frames, script addresses. */
function activeContent(tree: Root): string[] {
  const found: string[] = []
  for (const node of selectAll('*', tree)) {
    // Two scripts are the edition's own: JSON-LD data, and Escape closing a preview (its exact text).
    if (node.tagName === 'script' && node.properties.type !== 'application/ld+json' && toString(node) !== previewsScript) found.push('<script>')
    // The site's own feed links (never a stylesheet: CSS is inline), and math offprint typeset from TeX (its TeX as `alttext`).
    const ownFeed = node.tagName === 'link' && String(node.properties.rel) === 'alternate' && ['feed.xml', 'opds.xml'].includes(String(node.properties.href))
    const ownMath = node.tagName === 'math' && typeof node.properties.alttext === 'string'
    if (['iframe', 'frame', 'object', 'embed', 'applet', 'base', 'form', 'link', 'svg', 'math'].includes(node.tagName) && !ownFeed && !ownMath) {
      found.push(`<${node.tagName}>`)
    }
    if (node.tagName === 'meta' && node.properties.httpEquiv !== undefined) found.push('<meta http-equiv>')
    for (const [name, value] of Object.entries(node.properties)) {
      if (/^on/i.test(name)) found.push(`${node.tagName}@${name}`)
      if (name === 'style') found.push(`${node.tagName}@style`)
      const text = Array.isArray(value) ? value.join(' ') : String(value)
      if (/^[\s\0-\x1f]*(?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|vbscript|data|file)\s*:/i.test(text) && name !== 'content')
        found.push(`${node.tagName}@${name}=${text.slice(0, 40)}`)
    }
  }
  return found
}

/** Problems of one HTML edition page: invalid HTML, duplicate ids, active content. */
async function htmlProblems(file: string): Promise<string[]> {
  const html = await readFile(file, 'utf8')
  const tree = parseHtml(html)
  const problems = activeContent(tree)
  problems.push(...duplicateIds(tree).map((id) => `duplicate id ${id}`))
  // html-validate takes minutes on a page of megabytes; size and depth cases are judged without it.
  if (html.length < 1_000_000) problems.push(...(await validateHtml(html, path.basename(path.dirname(file)))))
  return problems
}

/** Words of the source its HTML edition lacks, less those dropped with a warning. */
async function lostWords(sourcePath: string, page: string, dropped: readonly string[] = []): Promise<string[]> {
  const tree = parseHtml(await readFile(page, 'utf8'))
  return missingWords(missingWords(await sourceWords(sourcePath), renderedWords(tree)), dropped)
}

/** `line:column ruleId` of each message. */
const places = (messages: readonly JsonMessage[]): string[] => messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)

// ---------------------------------------------------------------- the checks every run passes

function checkRun(name: string, get: () => Run, keyOf: (source: string) => string): void {
  it('never prints a stack trace, never hangs', () => {
    const result = get()
    expect(result.timedOut, `${name}: killed after its time limit`).toBe(false)
    expect(result.stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
    expect(result.stderr).not.toMatch(/^(?:Type|Range|Reference|Syntax)?Error: /m)
  })

  it('reports each problem with file, line, column and rule id, in the CLI report too', () => {
    const result = get()
    const problems: string[] = []
    const seen = new Set<string>()
    for (const source of result.report.sources) {
      const key = keyOf(source.source)
      seen.add(key)
      const want = expected[key]
      if (!want) problems.push(`${key}: no expectation`)
      for (const message of source.messages) {
        if (!(message.line && message.line > 0 && message.column && message.column > 0)) problems.push(`${key}: no line and column for ${message.reason}`)
        if (!(ruleIds as readonly string[]).includes(String(message.ruleId))) problems.push(`${key}: unknown rule ${message.ruleId}`)
        const line = new RegExp(`^\\s*${message.line}:${message.column}(?:-\\d+:\\d+)?\\s+(?:error|warning)\\s.*\\s${message.ruleId}\\s+offprint\\s*$`, 'm')
        if (!line.test(result.stderr)) problems.push(`${key}: not printed as line:column severity … rule-id: ${message.reason}`)
      }
      const got = places(source.messages)
      for (const place of want?.messages ?? []) if (!got.includes(place)) problems.push(`${key}: missing ${place} (got ${got.join(', ') || 'nothing'})`)
      if (source.messages.length > 0 && !result.stderr.includes(path.join(result.root, source.source))) problems.push(`${key}: file not named in the report`)
    }
    expect(problems).toEqual([])
    expect([...seen].sort()).toEqual(
      Object.keys(expected)
        .filter((key) => key.startsWith(`${name}/`))
        .sort(),
    )
  })

  it('fails exactly the documents it cannot make: no output for them, exit code 1', () => {
    const result = get()
    let errors = result.report.glossaries.some((glossary) => glossary.messages.length > 0 && glossary.file.endsWith('.yaml'))
    for (const source of result.report.sources) {
      const key = keyOf(source.source)
      const fails = expected[key]?.fails === true
      errors ||= fails
      expect(source.status, key).toBe(fails ? 'failed' : 'built')
      expect(result.outputOf.has(path.relative('src', source.source)), `${key} output`).toBe(!fails)
      if (fails)
        expect(
          source.messages.some((message) => message.severity === 'error'),
          key,
        ).toBe(true)
    }
    expect(result.code).toBe(errors ? 1 : 0)
  })

  it('writes only into --out, changes no source, reads nothing outside the source folder', async () => {
    const result = get()
    expect(result.rootAfter).toEqual(['out', 'report.json', 'src'])
    expect(result.sourceAfter).toEqual(result.sourceBefore)
    expect(existsSync(pwned)).toBe(false)
    for (const file of await filesUnder(path.join(result.root, 'out'))) {
      const bytes = await readFile(file)
      expect(bytes.includes(passwdMark), file).toBe(false)
      if (file.endsWith('.epub')) {
        const zip = await JSZip.loadAsync(bytes)
        for (const entry of Object.values(zip.files)) {
          if (!entry.dir) expect((await entry.async('nodebuffer')).includes(passwdMark), `${file}: ${entry.name}`).toBe(false)
        }
      }
    }
  })

  it('puts no script, handler, frame or script address in any HTML page, and every page validates', async () => {
    const result = get()
    const problems: string[] = []
    for (const folder of result.outputOf.values()) problems.push(...(await htmlProblems(path.join(folder, 'index.html'))).map((problem) => `${path.basename(folder)}: ${problem}`))
    for (const file of await filesUnder(path.join(result.root, 'out'))) {
      const active = file.endsWith('.svg') ? /<script|\son\w+\s*=|<!ENTITY|<foreignObject/i.exec(await readFile(file, 'utf8')) : undefined
      if (active) problems.push(`${path.relative(result.root, file)}: ${active[0]}`)
    }
    problems.push(...(await htmlProblems(path.join(result.root, 'out', 'index.html'))))
    nuPages.push(...[...result.outputOf.values()].map((folder) => path.join(folder, 'index.html')), path.join(result.root, 'out', 'index.html'))
    expect(problems).toEqual([])
  })

  it('drops no text silently', async () => {
    const result = get()
    const problems: string[] = []
    for (const [relative, folder] of result.outputOf) {
      const key = keyOf(path.join('src', relative))
      const lost = await lostWords(path.join(result.root, 'src', relative), path.join(folder, 'index.html'), expected[key]?.dropped)
      if (lost.length > 0) problems.push(`${key}: ${lost.join(' ')}`)
    }
    expect(problems).toEqual([])
  })
}

afterAll(async () => {
  for (const root of workspaces) await rm(root, { recursive: true, force: true })
})

// ---------------------------------------------------------------- one class at a time, HTML

for (const name of classes) {
  describe(`bad input: ${name}`, () => {
    let result: Run
    beforeAll(async () => {
      const root = await workspace()
      await cp(path.join(fixtures, name), path.join(root, 'src'), { recursive: true })
      if (name === 'active') {
        // A symbolic link to a file outside the source folder, used as an image and as a link;
        // and one named like a source, which a folder build must refuse without reading it.
        await symlink('/etc/passwd', path.join(root, 'src', 'outside', 'linked-secret.png'))
        await symlink('/etc/passwd', path.join(root, 'src', 'passwd.md'))
      }
      result = await build(root, 'html', 120_000)
    }, 150_000)

    checkRun(
      name,
      () => result,
      (source) => `${name}/${path.relative('src', source)}`,
    )

    if (name === 'glossary') {
      it('reports a broken glossary at its own line and column, and links overlapping terms longest first', async () => {
        const errors = result.report.glossaries.flatMap((glossary) => places(glossary.messages).map((place) => `${path.relative('src', glossary.file)} ${place}`))
        expect(errors).toEqual(expect.arrayContaining(glossaryErrors))
        const page = parseHtml(await readFile(path.join(result.outputOf.get('overlap/doc.md') as string, 'index.html'), 'utf8'))
        const links = selectAll('a.glossary-term', page).map(
          (link: Element) => `${String(link.properties.dataTerm)}: ${link.children.map((child) => ('value' in child ? child.value : '')).join('')}`,
        )
        expect(links).toEqual(['tenge coin: tenge coin', 'tenge: tenge'])
        expect(selectAll('h1 a, h2 a', page).filter((link) => link.properties.className?.toString().includes('glossary-term'))).toEqual([])
      })
    }
  })
}

// ---------------------------------------------------------------- check, every fixture at once

describe('offprint check on every fixture at once', () => {
  it('reports like build, writes nothing, exits 1, and prints no stack trace (worker threads)', async () => {
    const root = await workspace()
    await cp(fixtures, path.join(root, 'src'), { recursive: true })
    await symlink('/etc/passwd', path.join(root, 'src', 'active', 'passwd.md'))
    let code = 0
    let stderr = ''
    try {
      stderr = (await run(process.execPath, [bin, 'check', 'src'], { cwd: root, timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 })).stderr
    } catch (error) {
      const failed = error as { code?: number; stderr?: string }
      code = typeof failed.code === 'number' ? failed.code : -1
      stderr = failed.stderr ?? ''
    }
    expect(code).toBe(1)
    expect(await readdir(root)).toEqual(['src'])
    for (const key of Object.keys(expected).filter((name) => !name.startsWith('size/'))) {
      for (const place of expected[key]?.messages ?? []) {
        if (!place.endsWith('image-invalid') && place !== '14:1 link-outside')
          expect(stderr, `${key} ${place}`).toMatch(new RegExp(`^\\s*${place.split(' ')[0]}(?:-\\d+:\\d+)?\\s+(?:error|warning)\\s.*\\s${place.split(' ')[1]}\\s+offprint`, 'm'))
      }
    }
    // A message's cause (the first of two footnote definitions) prints as a place, never as a stack.
    expect(stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
  }, 150_000)
})

// ---------------------------------------------------------------- size and depth, generated

const fence = (title: string): string => `---\ntitle: ${title}\nlang: en\n---\n\n`
const paragraph = 'Walking along the shore, the travellers counted boats and birds until the evening light faded. '

/** A realistic five-megabyte article: sections with headings, inline markup, lists, quotes and notes. */
function fiveMegabytes(): string {
  const parts = [fence('Five megabytes')]
  let size = parts[0]?.length ?? 0
  for (let i = 1; size < 5_000_000; i++) {
    const section = `## Section ${i}\n\nThe quick brown fox number ${i} jumps over the *lazy* dog, **twice**, near the \`river\` bank; see [the map](https://example.com/map/${i}) and the note.[^n${i}] ${paragraph.repeat(40)}\n\n- first point ${i}\n- second point\n- third point\n\n> A quotation in section ${i}.\n\n[^n${i}]: The note of section ${i}.\n\n`
    parts.push(section)
    size += section.length
  }
  return parts.join('')
}

interface SizeCase extends Expected {
  name: string
  make: () => string
}

const sizeCases: SizeCase[] = [
  { name: 'five-megabytes.md', make: fiveMegabytes, messages: [] },
  { name: 'megabyte-line.md', make: () => `${fence('A line of a megabyte')}${'x'.repeat(1 << 20)}\n`, messages: [] },
  { name: 'deep-lists.md', make: () => `${fence('Lists 10,000 deep')}${'- '.repeat(10_000)}deep\n`, fails: true, messages: ['6:1 source-limit'] },
  { name: 'deep-quotes.md', make: () => `${fence('Quotes 10,000 deep')}${'> '.repeat(10_000)}deep\n`, fails: true, messages: ['6:1 source-limit'] },
  { name: 'deep-mixed.md', make: () => `${fence('Quotes and lists 10,000 deep')}${'> 1. '.repeat(5_000)}deep\n`, fails: true, messages: ['6:1 source-limit'] },
  {
    name: 'deep-indented-lists.md',
    make: () => `${fence('Lists nested by indentation')}${Array.from({ length: 1_000 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n')}\n`,
    fails: true,
    messages: ['106:1 source-limit'],
  },
  { name: 'deep-emphasis.md', make: () => `${fence('Emphasis 700 deep')}Before ${'*a '.repeat(700)}deep${' a*'.repeat(700)} after.\n`, messages: ['6:902 source-limit'] },
  {
    name: 'emphasis-run.md',
    make: () => `${fence('A run of 24,000 stars')}Before ${'*'.repeat(12_000)}deep${'*'.repeat(12_000)} after.\n`,
    fails: true,
    messages: ['6:8 source-limit'],
  },
  {
    name: 'deep-raw-html.md',
    make: () => `${fence('Raw HTML 10,000 deep')}Before.\n\n${'<div>'.repeat(10_000)}deep${'</div>'.repeat(10_000)}\n\nAfter.\n`,
    messages: ['8:1 source-limit'],
  },
  { name: 'five-thousand-headings.md', make: () => fence('Headings') + Array.from({ length: 5_000 }, (_, i) => `## Heading ${i % 50}\n\nText ${i}.\n`).join('\n'), messages: [] },
  {
    name: 'two-thousand-footnotes.md',
    make: () =>
      fence('Footnotes') +
      Array.from({ length: 2_000 }, (_, i) => `Claim ${i}.[^${i}]`).join('\n\n') +
      '\n\n' +
      Array.from({ length: 2_000 }, (_, i) => `[^${i}]: Source ${i}.`).join('\n') +
      '\n',
    messages: [],
  },
  { name: 'long-heading.md', make: () => `${fence('A long heading')}# ${'word '.repeat(2_000)}\n\nText.\n`, messages: [] },
  {
    name: 'wide-table.md',
    make: () => `${fence('A wide table')}|${'a|'.repeat(20_000)}\n|${'-|'.repeat(20_000)}\n${'|x\n'.repeat(2_000)}`,
    fails: true,
    messages: ['7:1 source-limit'],
  },
  { name: 'too-large.md', make: () => `${fence('Too large')}${`${paragraph}\n\n`.repeat(220_000)}`, fails: true, messages: ['1:1 source-limit'] },
]

for (const size of sizeCases) expected[`size/${size.name}`] = size

describe('bad input: size', () => {
  for (const size of sizeCases) {
    describe(size.name, () => {
      let result: Run
      beforeAll(async () => {
        const root = await workspace()
        await writeFile(path.join(root, 'src', size.name), size.make())
        result = await build(root, 'html', 150_000)
      }, 180_000)

      it('never prints a stack trace, never hangs, and reports with line, column and rule id', () => {
        expect(result.timedOut).toBe(false)
        expect(result.stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
        const source = result.report.sources[0]
        expect(source?.status).toBe(size.fails ? 'failed' : 'built')
        expect(places(source?.messages ?? [])).toEqual(expect.arrayContaining(size.messages ?? []))
        for (const message of source?.messages ?? []) expect(ruleIds as readonly string[]).toContain(message.ruleId)
        expect(result.code).toBe(size.fails ? 1 : 0)
        expect(result.outputOf.size).toBe(size.fails ? 0 : 1)
      })

      if (!size.fails) {
        it('makes a page with unique ids, no active content, and every word', async () => {
          const page = path.join(result.outputOf.get(size.name) as string, 'index.html')
          expect(await htmlProblems(page)).toEqual([])
          nuPages.push(page)
          expect(await lostWords(path.join(result.root, 'src', size.name), page)).toEqual([])
        }, 300_000)
      }
    })
  }
})

// ---------------------------------------------------------------- the nastiest, in every edition

/** Fixtures built in all three editions in one build (one browser): active content, names, encodings. */
const everyEdition = [
  'active/script.md',
  'active/iframe.md',
  'active/object.md',
  'active/handlers.md',
  'active/urls.md',
  'active/svg-inline.md',
  'active/svg-image',
  'active/outside',
  'active/remote',
  'active/corrupt-image',
  'files/bom-crlf.md',
  'files/names',
  'front-matter/proto-keys.md',
  'footnotes/duplicate.md',
  'glossary/overlap',
]

describe('bad input in every edition: HTML, PDF, EPUB', () => {
  let result: Run
  beforeAll(async () => {
    await requireEpubcheck()
    const root = await workspace()
    for (const item of everyEdition) await cp(path.join(fixtures, item), path.join(root, 'src', item), { recursive: true })
    await symlink('/etc/passwd', path.join(root, 'src', 'active', 'outside', 'linked-secret.png'))
    result = await build(root, 'html,pdf,epub', 400_000)
  }, 450_000)

  const keyOf = (source: string): string => path.relative('src', source)
  it('builds every document in every edition, reporting what it removed, with no stack trace', () => {
    expect(result.timedOut).toBe(false)
    nuPages.push(...[...result.outputOf.values()].map((folder) => path.join(folder, 'index.html')))
    const problems: string[] = []
    for (const source of result.report.sources) {
      const key = keyOf(source.source)
      if (source.status !== 'built') problems.push(`${key}: ${source.status}`)
      const got = places(source.messages)
      for (const place of expected[key]?.messages ?? []) if (!got.includes(place)) problems.push(`${key}: missing ${place}`)
      const folder = result.outputOf.get(key) ?? ''
      const slug = path.basename(folder)
      for (const name of ['index.html', `${slug}.pdf`, `${slug}.epub`]) if (!existsSync(path.join(folder, name))) problems.push(`${key}: no ${name}`)
    }
    expect(problems).toEqual([])
    expect(result.report.sources.length).toBe([...result.sourceBefore.keys()].filter((name) => name.endsWith('.md')).length)
    // Twenty sources: parsing runs in worker threads, whose messages must print as the main thread's do.
    expect(result.stderr).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
  })

  it('writes only into --out, changes no source, and no output holds a file from outside', async () => {
    expect(result.rootAfter).toEqual(['out', 'report.json', 'src'])
    expect(result.sourceAfter).toEqual(result.sourceBefore)
    for (const folder of result.outputOf.values()) {
      const slug = path.basename(folder)
      expect(await pdfText(path.join(folder, `${slug}.pdf`))).not.toContain(passwdMark)
      for (const file of await filesUnder(folder)) expect((await readFile(file)).includes(passwdMark), file).toBe(false)
      const zip = await JSZip.loadAsync(await readFile(path.join(folder, `${slug}.epub`)))
      for (const entry of Object.values(zip.files)) if (!entry.dir) expect((await entry.async('nodebuffer')).includes(passwdMark), entry.name).toBe(false)
    }
  }, 120_000)

  it('puts no script, launch action or local address in any PDF', async () => {
    for (const folder of result.outputOf.values()) {
      const slug = path.basename(folder)
      const pdf = await readFile(path.join(folder, `${slug}.pdf`), 'latin1')
      expect(/\/(?:JavaScript|JS|Launch|SubmitForm|ImportData)\b/.exec(pdf)?.[0], `${slug}.pdf`).toBeUndefined()
      // A `file:` link would point into the reader's disk (and at the build's temporary folder).
      expect(/\/URI\s*\(\s*(?:javascript|file|data):[^)]*/i.exec(pdf)?.[0], `${slug}.pdf`).toBeUndefined()
    }
  }, 120_000)

  it('puts no script, handler, external entity or frame in any EPUB, and epubcheck finds nothing', async () => {
    const books: string[] = []
    const problems: string[] = []
    for (const folder of result.outputOf.values()) {
      const slug = path.basename(folder)
      const book = path.join(folder, `${slug}.epub`)
      books.push(book)
      const zip = await JSZip.loadAsync(await readFile(book))
      for (const entry of Object.values(zip.files)) {
        if (entry.dir || !/\.(xhtml|html|svg|opf|ncx)$/.test(entry.name)) continue
        const active = /<script|\son\w+\s*=|=\s*["']?\s*javascript:|<!ENTITY|<iframe|<object|<embed|<foreignObject/i.exec(await entry.async('string'))
        if (active) problems.push(`${slug}.epub: ${entry.name}: ${active[0]}`)
      }
    }
    for (const [book, found] of await epubcheck(books, result.root)) problems.push(...found.map((problem) => `${path.basename(book)}: ${problem}`))
    expect(problems).toEqual([])
  }, 300_000)

  /** Source words of each built document (less those dropped with a warning), with its output folder. */
  async function expectedWords(): Promise<Array<{ key: string; folder: string; slug: string; words: string[] }>> {
    const all = []
    for (const [key, folder] of result.outputOf) {
      const words = missingWords(await sourceWords(path.join(result.root, 'src', key)), expected[key]?.dropped ?? [])
      all.push({ key, folder, slug: path.basename(folder), words })
    }
    return all
  }

  it('drops no text silently: HTML', async () => {
    for (const { key, folder, words } of await expectedWords()) {
      expect(missingWords(words, renderedWords(parseHtml(await readFile(path.join(folder, 'index.html'), 'utf8')))), key).toEqual([])
    }
  })

  it('drops no text silently: EPUB', async () => {
    for (const { key, folder, slug, words } of await expectedWords()) {
      const zip = await JSZip.loadAsync(await readFile(path.join(folder, `${slug}.epub`)))
      const bookWords: string[] = []
      for (const entry of Object.values(zip.files)) {
        if (/\.xhtml$/.test(entry.name) && !/nav|toc|cover/.test(entry.name)) bookWords.push(...documentWords(fromXml(await entry.async('string'))))
      }
      expect(missingWords(words, bookWords), key).toEqual([])
    }
  })

  it('drops no text silently: PDF', async () => {
    const problems: string[] = []
    for (const { key, folder, slug, words } of await expectedWords()) {
      // A picture's alt text is not printed (it is in the tagged PDF's structure, which poppler does not show).
      const page = parseHtml(await readFile(path.join(folder, 'index.html'), 'utf8'))
      const pictures = selectAll('img[alt]', page).flatMap((image: Element) => wordsOf(String(image.properties.alt)))
      // PDF text breaks words at soft hyphens and line ends; each source word must still be found.
      const printed = new Set(wordsOf((await pdfText(path.join(folder, `${slug}.pdf`))).replace(/\u00AD[-\u2010]?\s*/g, '').replace(/-\n/g, '')))
      const lost = missingWords(words, pictures).filter((word) => !printed.has(word))
      if (lost.length > 0) problems.push(`${key}: ${lost.join(' ')}`)
    }
    expect(problems).toEqual([])
  }, 120_000)
})

// ---------------------------------------------------------------- the W3C Nu checker, once

describe('bad input: the W3C Nu checker', () => {
  it('finds no error in the HTML edition of any fixture that builds (site indexes included)', async () => {
    expect(nuPages.length).toBeGreaterThan(0)
    const errors = [...(await validateWithNu([...new Set(nuPages)]))].flatMap(([, found]) => found)
    expect(errors).toEqual([])
  }, 600_000)
})

async function pdfText(file: string): Promise<string> {
  try {
    return (await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('`pdftotext` is missing: install it with `apt-get install poppler-utils`', { cause: error })
    throw error
  }
}
