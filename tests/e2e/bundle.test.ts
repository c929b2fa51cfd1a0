import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleIsFresh } from '../../pipeline/bundle-fresh.js'
import { corpus, projectRoot } from '../helpers/corpus.ts'

const run = promisify(execFile)
const bundle = path.join(projectRoot, '.build', 'cli.js')

/** Every file under `dir`, relative, sorted. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-bundle-'))
  await stat(bundle).catch(() => {
    throw new Error('`.build/cli.js` is missing: run `make bundle` (`make test` does) before this test')
  })
  // Nine sources, so parsing runs in the bundle's worker threads (from 8 sources).
  await cp(path.join(projectRoot, 'source'), path.join(dir, 'source'), { recursive: true })
  for (let n = 1; n <= 8; n++) await cp(corpus.sample as string, path.join(dir, 'source', `sample-${n}.md`))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the compiled CLI (.build/, made by `make bundle`)', () => {
  it('writes byte for byte what the TypeScript run through tsx writes, worker threads included', async () => {
    const args = (out: string) => ['build', 'source', '--out', out, '--editions', 'html,epub', '--quiet']
    await run(process.execPath, [bundle, ...args('compiled')], { cwd: dir, timeout: 300_000 })
    const tsx = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
    await run(process.execPath, ['--import', tsx, path.join(projectRoot, 'pipeline', 'cli', 'cli.ts'), ...args('typescript')], { cwd: dir, timeout: 300_000 })
    const compiled = await files(path.join(dir, 'compiled'))
    expect(compiled.filter((name) => name.endsWith('.epub'))).toHaveLength(9)
    expect(await files(path.join(dir, 'typescript'))).toEqual(compiled)
    for (const name of compiled) {
      expect(await readFile(path.join(dir, 'compiled', name)), name).toEqual(await readFile(path.join(dir, 'typescript', name)))
    }
  })

  it('is used by pipeline/bin.js only while no file under pipeline/ is newer than it', async () => {
    const code = path.join(dir, 'code')
    await mkdir(path.join(code, 'pipeline', 'editions'), { recursive: true })
    await writeFile(path.join(code, 'pipeline', 'editions', 'a.ts'), '')
    const built = path.join(code, 'cli.js')
    expect(bundleIsFresh(built, path.join(code, 'pipeline'))).toBe(false)
    await writeFile(built, '')
    const at = (seconds: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds))
    await utimes(built, at(10), at(10))
    await utimes(path.join(code, 'pipeline', 'editions', 'a.ts'), at(5), at(5))
    expect(bundleIsFresh(built, path.join(code, 'pipeline'))).toBe(true)
    await utimes(path.join(code, 'pipeline', 'editions', 'a.ts'), at(11), at(11))
    expect(bundleIsFresh(built, path.join(code, 'pipeline'))).toBe(false)
  })
})
