import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { toHtml } from 'hast-util-to-html'
import type { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { expect, it } from 'vitest'
import { loadGlossary } from '../../pipeline/glossary/load.ts'
import { processSource } from '../../pipeline/source/processor.ts'
import { projectRoot } from './corpus.ts'

/**
 * Fixture runner for plugin unit tests.
 *
 * A case is a folder `tests/fixtures/<plugin>/<case>/` holding `input.md`
 * (and, when the case needs one, `glossary.yaml`). The real `processSource`
 * runs on `input.md` in place, so relative paths (images, `../`) resolve from
 * the case folder. The tree is serialized with hast-util-to-html and compared
 * with `output.html`; the messages, one per line as `line:column ruleId reason`
 * in place order (a message's `cause` follows on its own line, indented, as
 * `  cause line:column reason`), are compared with `messages.txt`. Messages
 * of `glossary.yaml` come first, prefixed with `glossary.yaml:`.
 *
 * Regenerate the expected files on purpose, then review the diff:
 *
 *     UPDATE_FIXTURES=1 npx vitest run tests/plugins
 *     npx vitest run tests/plugins -u
 *
 * A missing expected file fails the case unless updating.
 */
export const fixturesDir = path.join(projectRoot, 'tests', 'fixtures')

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
}

/** Run one case through the real pipeline. */
export async function runFixture(plugin: string, name: string): Promise<FixtureResult> {
  const dir = path.join(fixturesDir, plugin, name)
  const input = path.join(dir, 'input.md')
  if (!existsSync(input)) throw new Error(`Missing ${path.relative(projectRoot, input)}: every fixture case needs an input.md`)
  const glossaryPath = path.join(dir, 'glossary.yaml')
  const lines: string[] = []
  let entries: Awaited<ReturnType<typeof loadGlossary>>['entries'] = []
  if (existsSync(glossaryPath)) {
    const glossary = await loadGlossary(glossaryPath)
    entries = glossary.entries
    lines.push(...formatMessages(glossary.file).map((line) => `glossary.yaml:${line}`))
  }
  const { file, tree } = await processSource(input, entries)
  lines.push(...formatMessages(file))
  const html = tree ? toHtml(tree) : ''
  return { html: `${html}\n`, messages: lines.map((line) => `${line}\n`).join(''), file }
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

export interface FixtureOptions {
  /**
   * Cases whose expected files hold the correct output but the pipeline does
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
  for (const name of cases) {
    const bug = options.knownBugs?.[name]
    const dir = path.join(fixturesDir, plugin, name)
    // A known bug's expected files are written by hand and never regenerated:
    // regenerating would enshrine the bug.
    const run = async () => {
      const result = await runFixture(plugin, name)
      await check(dir, 'output.html', result.html, !bug)
      await check(dir, 'messages.txt', result.messages, !bug)
      await options.assert?.[name]?.(result)
    }
    if (!bug) {
      it(name, run)
      continue
    }
    const missing = ['output.html', 'messages.txt'].filter((file) => !existsSync(path.join(dir, file)))
    if (missing.length > 0) {
      it(name, () => {
        throw new Error(`Known-bug case \`${name}\` needs hand-written ${missing.join(' and ')} with the correct output`)
      })
    } else it.fails(`${name} (known bug: ${bug})`, run)
  }
}
