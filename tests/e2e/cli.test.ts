import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile, mkdir, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/corpus.ts'

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

/** Run the real CLI (`pipeline/bin.js`, as `npx offprint` does). */
async function offprint(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-cli-'))
  await mkdir(path.join(dir, 'source'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const good = '---\ntitle: A good article\nauthor: A. Writer\ndate: 2024-01-02\nlang: en\n---\n\n# Heading\n\nSome text with a note.[^n]\n\n[^n]: The note.\n'

describe('offprint CLI', () => {
  it('prints the version of package.json with --version, exit 0', async () => {
    const manifest = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }
    const result = await offprint(['--version'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`offprint ${manifest.version}\n`)
  })

  it('builds the HTML edition and the index, exit 0', async () => {
    await writeFile(path.join(dir, 'source', 'good.md'), good)
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.code).toBe(0)
    expect(await readFile(path.join(dir, 'dist', 'good', 'index.html'), 'utf8')).toContain('A good article')
    expect(await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')).toContain('good/index.html')
  })

  it('reports a bad front matter field at its own line and column with its rule id, exit 1, no stack trace', async () => {
    await writeFile(path.join(dir, 'source', 'bad.md'), '---\ntitle: Bad\ndate: yesterday\nlang: en\n---\n\nText.\n')
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/bad\.md/)
    expect(result.stderr).toMatch(/3:7\s+error\s+Unexpected front matter field `date`.*frontmatter-field/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 2 on a usage error and on a missing path', async () => {
    expect((await offprint(['publish'], dir)).code).toBe(2)
    expect((await offprint(['build', '--editions', 'html,doc'], dir)).code).toBe(2)
    const missing = await offprint(['build', 'nowhere'], dir)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nowhere/)
  })

  it('--frail turns warnings into exit 1; check writes nothing', async () => {
    await writeFile(path.join(dir, 'source', 'warn.md'), '---\ntitle: W\nlang: en\n---\n\nA dangling [^ref] here.\n')
    const check = await offprint(['check'], dir)
    expect(check.code).toBe(0)
    expect(check.stderr).toMatch(/1:\d+.*footnote-undefined|6:\d+.*footnote-undefined/)
    expect(await readdir(dir)).not.toContain('dist')
    expect((await offprint(['check', '--frail'], dir)).code).toBe(1)
  })

  it('a failed build leaves the previous output intact', async () => {
    const source = path.join(dir, 'source', 'good.md')
    await writeFile(source, good)
    expect((await offprint(['build', '--editions', 'html'], dir)).code).toBe(0)
    const before = await readFile(path.join(dir, 'dist', 'good', 'index.html'), 'utf8')
    await writeFile(source, '---\ntitle: [broken\n---\n\nText.\n')
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/frontmatter-yaml/)
    expect(await readFile(path.join(dir, 'dist', 'good', 'index.html'), 'utf8')).toBe(before)
    expect((await readdir(path.join(dir, 'dist'))).filter((name) => name.includes('.tmp-'))).toEqual([])
  })

  it.each(['SIGINT', 'SIGKILL'] as const)(
    'a build stopped by %s leaves every folder whole, old or new, and the next build finishes the work',
    async (signal) => {
      const count = 60
      const page = (n: number, version: string) => `---\ntitle: Article ${n}\ndate: 2024-02-01\nlang: en\n---\n\n# Article ${n}\n\nText of ${version}.\n`
      for (let n = 1; n <= count; n++) await writeFile(path.join(dir, 'source', `a${n}.md`), page(n, 'version one'))
      expect((await offprint(['build', '--editions', 'html'], dir)).code).toBe(0)
      for (let n = 1; n <= count; n++) await writeFile(path.join(dir, 'source', `a${n}.md`), page(n, 'version two'))
      // Stopped as soon as the first source is reported done: mid-build.
      const child = spawn(process.execPath, [bin, 'build', '--editions', 'html', '--jobs', '2'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      await new Promise<void>((resolve) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString()
          if (/\[\d+\/\d+\]/.test(output)) {
            child.kill(signal)
            resolve()
          }
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        child.on('exit', () => resolve())
      })
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)))
      const versions = { one: 0, two: 0 }
      for (let n = 1; n <= count; n++) {
        const html = await readFile(path.join(dir, 'dist', `a${n}`, 'index.html'), 'utf8')
        expect(html.trimEnd().endsWith('</html>'), `a${n}`).toBe(true)
        const entry = JSON.parse(await readFile(path.join(dir, 'dist', `a${n}`, 'entry.json'), 'utf8')) as { meta: { title: string } }
        expect(entry.meta.title).toBe(`Article ${n}`)
        if (html.includes('version one')) versions.one++
        else if (html.includes('version two')) versions.two++
      }
      expect(versions.one + versions.two).toBe(count)
      // Mid-build indeed: some folders still hold the old page.
      expect(versions.one).toBeGreaterThan(0)
      // The cache is consistent: exactly the folders left old are rebuilt.
      expect((await offprint(['build', '--editions', 'html', '--json', 'report.json'], dir)).code).toBe(0)
      const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { sources: Array<{ status: string }> }
      expect(report.sources.filter((source) => source.status === 'built')).toHaveLength(versions.one)
      for (let n = 1; n <= count; n++) expect(await readFile(path.join(dir, 'dist', `a${n}`, 'index.html'), 'utf8')).toContain('version two')
      expect((await readdir(path.join(dir, 'dist'))).filter((name) => name.startsWith('.'))).toEqual([])
    },
    180_000,
  )
})
