import { execFile } from 'node:child_process'
import { access, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { articlePath, projectRoot } from '../helpers/corpus.ts'
import { epubcheck, requireEpubcheck } from '../helpers/epub.ts'
import { decodePng } from '../helpers/png.ts'

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

/**
 * Run the real CLI with a browser that cannot start: `PUPPETEER_EXECUTABLE_PATH`
 * names a script that only notes, in `launched`, that it was started, and fails.
 */
async function offprintWithoutBrowser(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PUPPETEER_EXECUTABLE_PATH: path.join(cwd, 'fake-chromium') }
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env, timeout: 240_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

let dir: string
beforeAll(async () => {
  await requireEpubcheck()
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-no-browser-'))
  await writeFile(path.join(dir, 'fake-chromium'), `#!/bin/sh\necho started >> '${path.join(dir, 'launched')}'\nexit 1\n`)
  await chmod(path.join(dir, 'fake-chromium'), 0o755)
  await mkdir(path.join(dir, 'one'))
  await mkdir(path.join(dir, 'many'))
  await copyFile(articlePath, path.join(dir, 'one', 'article.md'))
  await copyFile(path.join(path.dirname(articlePath), 'glossary.yaml'), path.join(dir, 'one', 'glossary.yaml'))
  await copyFile(path.join(path.dirname(articlePath), 'glossary.yaml'), path.join(dir, 'many', 'glossary.yaml'))
  // Eight sources: the build parses in worker threads and writes the EPUBs, covers included, there.
  for (let n = 1; n <= 8; n++) await copyFile(articlePath, path.join(dir, 'many', `article-${n}.md`))
})
/** Whether the fake browser was started since the last call. */
async function browserStarted(): Promise<boolean> {
  const marker = path.join(dir, 'launched')
  const started = await access(marker).then(
    () => true,
    () => false,
  )
  await rm(marker, { force: true })
  return started
}

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('--editions html,epub starts no browser', () => {
  it('starts that browser for a PDF, and fails: the variable does reach the browser module', async () => {
    const result = await offprintWithoutBrowser(['build', 'one', '--out', 'out-pdf', '--editions', 'pdf'], dir)
    expect(result.code).toBe(1)
    expect(await browserStarted()).toBe(true)
  }, 240_000)

  it('builds the HTML and a valid EPUB with its cover, in this thread', async () => {
    const result = await offprintWithoutBrowser(['build', 'one', '--out', 'out-one', '--editions', 'html,epub'], dir)
    expect(result.code).toBe(0)
    expect(await browserStarted()).toBe(false)
    const folder = path.join(dir, 'out-one', 'article')
    const files = await readdir(folder)
    expect(files).toEqual(expect.arrayContaining(['article.epub', 'cover.png', 'index.html']))
    const cover = decodePng(new Uint8Array(await readFile(path.join(folder, 'cover.png'))))
    expect([cover.width, cover.height]).toEqual([1600, 2560])
    const epub = path.join(folder, 'article.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
  }, 240_000)

  it('builds eight EPUBs in worker threads', async () => {
    const result = await offprintWithoutBrowser(['build', 'many', '--out', 'out-many', '--editions', 'epub', '--jobs', '2'], dir)
    expect(result.code).toBe(0)
    expect(await browserStarted()).toBe(false)
    for (let n = 1; n <= 8; n++) {
      expect((await stat(path.join(dir, 'out-many', `article-${n}`, `article-${n}.epub`))).size).toBeGreaterThan(10_000)
      expect((await stat(path.join(dir, 'out-many', `article-${n}`, 'cover.png'))).size).toBeGreaterThan(10_000)
    }
  }, 240_000)
})
