import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'offprint-early-'))
  await mkdir(path.join(scratch, 'src'))
  await writeFile(path.join(scratch, 'src', 'a.md'), '---\ntitle: A\nlang: en\n---\n\nText.\n')
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('a cold build that fails before its first source', () => {
  it('ends what it started early (Chromium, the workers), so the process exits', async () => {
    const root = path.resolve(import.meta.dirname, '../..')
    const script = path.join(scratch, 'fail-early.mts')
    await writeFile(
      script,
      [
        `import { build } from ${JSON.stringify(path.join(root, 'pipeline/build/build.ts'))}`,
        `import { defaultBuildOptions } from ${JSON.stringify(path.join(root, 'pipeline/common/config.ts'))}`,
        // A progress hook that throws fails the build after Chromium and the workers started, before any source.
        `const options = { ...defaultBuildOptions, paths: [${JSON.stringify(path.join(scratch, 'src'))}], out: ${JSON.stringify(path.join(scratch, 'dist'))}, editions: ['html', 'pdf', 'epub'], isolate: true, hashCacheFile: ${JSON.stringify(path.join(scratch, 'hashes.json'))} }`,
        "import { readdirSync, readFileSync } from 'node:fs'",
        "await build(options, { onStart() { throw new Error('hook') } }).then(() => console.log('built'), (error) => console.log('failed:', error.message))",
        // Time for a Chromium started early and left behind to show.
        'await new Promise((done) => setTimeout(done, 1500))',
        "const children = readdirSync('/proc').filter((pid) => /^\\d+$/.test(pid)).filter((pid) => { try { return Number(readFileSync('/proc/' + pid + '/stat', 'utf8').split(') ')[1]?.split(' ')[1]) === process.pid && readFileSync('/proc/' + pid + '/comm', 'utf8').startsWith('chrom') } catch { return false } })",
        "console.log('Chromium children:', children.length)",
      ].join('\n'),
    )
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: root, timeout: 60_000 })
    expect(stdout.trim().split('\n')).toEqual(['failed: hook', 'Chromium children: 0'])
  }, 90_000)
})
