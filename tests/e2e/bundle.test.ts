import { isAscii } from 'node:buffer'
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { runInThisContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleIsFresh } from '../../pipeline/bundle-fresh.js'
import { bundleWrapper, codeCachePath, escapeNonAscii, tieringFlags } from '../../pipeline/run-bundle.js'
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

describe('the code cache (pipeline/run-bundle.js)', () => {
  const runBundleUrl = pathToFileURL(path.join(projectRoot, 'pipeline', 'run-bundle.js')).href
  /** Run `bundle` through `runBundle` in a fresh process; its output, then what became of the cache. */
  const runIn = async (bundle: string, env: NodeJS.ProcessEnv = {}, argv: string[] = []) => {
    const script = `import { runBundle } from ${JSON.stringify(runBundleUrl)}
process.argv.splice(1, process.argv.length - 1, 'bundle', ...${JSON.stringify(argv)})
const status = runBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)}))
process.on('exit', () => process.stderr.write('cache: ' + status))`
    // A file, not `-e`: a worker inherits the options of the process.
    const runner = path.join(dir, `runner-${Math.random().toString(36).slice(2)}.mjs`)
    await writeFile(runner, script)
    const { stdout, stderr } = await run(process.execPath, [runner], { env: { ...process.env, ...env }, timeout: 60_000 })
    return { stdout, cache: /cache: (\w+)/.exec(stderr)?.[1] }
  }

  it('is made by the bundle step for the CLI and its worker, and used by the next start', async () => {
    for (const name of ['cli.cjs', 'worker.cjs']) {
      const cache = codeCachePath(path.join(projectRoot, '.build', name))
      expect((await stat(cache)).size, cache).toBeGreaterThan(500_000)
    }
    const { stdout, cache } = await runIn(path.join(projectRoot, '.build', 'cli.cjs'), {}, ['--version'])
    expect(stdout).toMatch(/^offprint \d+\.\d+\.\d+/)
    expect(cache).toBe('used')
  })

  it('is written by a process that found none or a bad one (main thread at exit, worker as it answers), and whenever asked', async () => {
    const folder = path.join(dir, 'cache')
    await mkdir(folder, { recursive: true })
    const worker = path.join(folder, 'worker.cjs')
    const stub = path.join(folder, 'worker.mjs')
    const main = path.join(folder, 'main.cjs')
    // Text beyond ASCII read as UTF-8: a bundle the bundle step did not escape still runs.
    await writeFile(worker, "require('node:worker_threads').parentPort.on('message', (n) => require('node:worker_threads').parentPort.postMessage(n * 2))\n")
    await writeFile(stub, `import { runBundle } from ${JSON.stringify(runBundleUrl)}\nrunBundle(new URL('./worker.cjs', import.meta.url))\n`)
    await writeFile(
      main,
      `const { Worker } = require('node:worker_threads')
const w = new Worker(${JSON.stringify(stub)})
w.once('message', (n) => { console.log('é', path(__filename), n, typeof require('node:path').join); w.terminate() })
w.postMessage(21)
function path(file) { return require('node:path').basename(file) }
`,
    )
    const printed = 'é main.cjs 42 function\n'
    expect(await runIn(main)).toEqual({ stdout: printed, cache: 'none' })
    expect((await stat(codeCachePath(main))).size).toBeGreaterThan(0)
    expect((await stat(codeCachePath(worker))).size).toBeGreaterThan(0)
    expect(await runIn(main)).toEqual({ stdout: printed, cache: 'used' })

    await writeFile(codeCachePath(main), 'not a cache')
    expect(await runIn(main)).toEqual({ stdout: printed, cache: 'refused' })
    expect(await runIn(main)).toEqual({ stdout: printed, cache: 'used' })

    // A good cache is left alone, unless asked (the bundle step's training build).
    const past = new Date(Date.UTC(2020, 0, 1))
    for (const file of [main, worker]) await utimes(codeCachePath(file), past, past)
    await runIn(main)
    for (const file of [main, worker]) expect((await stat(codeCachePath(file))).mtimeMs).toBe(past.getTime())
    expect(await runIn(main, { OFFPRINT_CODE_CACHE: 'write' })).toEqual({ stdout: printed, cache: 'used' })
    for (const file of [main, worker]) expect((await stat(codeCachePath(file))).mtimeMs).toBeGreaterThan(past.getTime())
  })

  it('compiles the bundle under its tiering flags: V8 takes the cache a build wrote only under the same flags', async () => {
    const folder = path.join(dir, 'tiering')
    await mkdir(folder, { recursive: true })
    const bundle = path.join(folder, 'tiered.cjs')
    await writeFile(bundle, "console.log('ran')\n")
    expect(await runIn(bundle)).toEqual({ stdout: 'ran\n', cache: 'none' })
    // The same source compiled as \`runBundle\` compiles it, in a plain Node with and without the flags.
    const check = path.join(folder, 'check.cjs')
    await writeFile(
      check,
      `const { readFileSync } = require('node:fs')
const Module = require('node:module')
const { Script } = require('node:vm')
const source = readFileSync(${JSON.stringify(bundle)}, 'latin1')
const script = new Script(Module.wrap(source), { filename: ${JSON.stringify(bundle)}, cachedData: readFileSync(${JSON.stringify(codeCachePath(bundle))}) })
console.log(script.cachedDataRejected ? 'refused' : 'used')
`,
    )
    const plain = await run(process.execPath, [check])
    const flagged = await run(process.execPath, [...tieringFlags.split(' '), check])
    expect({ plain: plain.stdout, flagged: flagged.stdout }).toEqual({ plain: 'refused\n', flagged: 'used\n' })
  })

  it('escapes every character beyond ASCII so that expressions, strings and comments mean the same', () => {
    const code = String.raw`[/[（「『]$/u.test('x『'), /^\p{L}+$/u.test('Алматы'), /🪦/u.test('a🪦'), /[🪦]/u.test('🪦'), /^.$/u.test('🪦'), 'тенге', /* ¶ */ "ü".length]`
    const escaped = escapeNonAscii(code)
    expect(isAscii(Buffer.from(escaped))).toBe(true)
    expect(escaped).not.toBe(code)
    expect(runInThisContext(escaped)).toEqual(runInThisContext(code))
    expect(runInThisContext(escaped)).toEqual([true, true, true, true, true, 'тенге', 1])
    expect(() => escapeNonAscii(String.raw`/\é/`)).toThrow(/escaped non-ASCII character/)
  })

  it('holds unist-util-visit-parents without its naming of each visit (bundle.mjs, unnamedVisitors), and its walks', async () => {
    for (const name of ['cli.cjs', 'worker.cjs']) {
      const code = (await readFile(path.join(projectRoot, '.build', name))).toString('latin1')
      // The module is there (its error for a bad `exit` result), named after a node it is not.
      expect(code, name).toContain('expected `CONTINUE`, `EXIT`, index, or nothing')
      expect(code.match(/defineProperty\(visit\w*,\s*["']name["']/g) ?? [], name).toEqual([])
    }
  })

  it('leaves out of each bundle what its thread never runs, and wraps it as Node wraps a module', async () => {
    const [cli, worker] = await Promise.all(['cli.cjs', 'worker.cjs'].map(async (name) => (await readFile(path.join(projectRoot, '.build', name))).toString('latin1')))
    for (const code of [cli as string, worker as string]) {
      // What `runBundle` compiles as read, without wrapping it again.
      expect(code.startsWith(bundleWrapper.head)).toBe(true)
      // puppeteer's browser downloads (proxy agents, a PAC interpreter) and highlight.js's uncommon grammars.
      expect(code).not.toMatch(/proxy-agent|quickjs|name:"ABNF"/)
    }
    // The main thread prints (puppeteer's CDP classes) but never parses (temml, the math renderer, is the parser's).
    expect(cli).toContain('CdpBrowser')
    expect(cli).not.toContain('temml')
    // The workers parse and highlight (a common grammar), and never print.
    expect(worker).toContain('temml')
    expect(worker).toContain('name:"JavaScript"')
    expect(worker).not.toContain('CdpBrowser')
  })

  it('leaves the compiled CLI all ASCII, and without `import()`, which fails in functions taken from the cache', async () => {
    for (const name of ['cli.cjs', 'worker.cjs']) {
      const code = await readFile(path.join(projectRoot, '.build', name))
      expect(isAscii(code), name).toBe(true)
      // An import expression, not the text "import(" in a string.
      expect(code.toString('latin1').match(/(?<![\w$.'"`])import\(.{0,40}/g) ?? [], name).toEqual([])
    }
    // Why: `runBundle` gives the script no dynamic import callback (a function V8 takes from a cache would lose it).
    const folder = path.join(dir, 'dynamic')
    await mkdir(folder, { recursive: true })
    const bundle = path.join(folder, 'imports.cjs')
    await writeFile(bundle, "import('node:path').then(() => console.log('imported'), (error) => console.log(error.message))\n")
    expect(await runIn(bundle)).toEqual({ stdout: 'A dynamic import callback was not specified.\n', cache: 'none' })
  })
})
