// Plain JavaScript: the compiled CLI's entries (`.build/cli.js`, `.build/worker.js`,
// written by scripts/bundle.mjs) call it before any other code of offprint loads.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import path from 'node:path'
import { isAscii } from 'node:buffer'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { Script } from 'node:vm'
import { isMainThread, parentPort, threadId } from 'node:worker_threads'

/**
 * `code` in ASCII, for `runBundle` to read one byte a character (11 against
 * 43 ms for 9.6 MB, measured): every other character as a `\u` escape, which
 * means the same in a regular expression (where esbuild leaves characters as
 * they are), a string or a comment. A character beyond U+FFFF becomes a
 * surrogate pair, which a `u` expression reads as the one character. An
 * escaped character (`\é`) would turn into an escaped backslash and letters:
 * it throws instead.
 * @param {string} code
 * @returns {string}
 */
export function escapeNonAscii(code) {
  const escaped = /\\[^\0-\x7f]/.exec(code)
  if (escaped) throw new Error(`Unexpected escaped non-ASCII character \`${escaped[0]}\` at ${escaped.index}, expected none`)
  return code.replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * How the bundle step wraps each bundle: as Node wraps a CommonJS module
 * (`Module.wrap`), with the same parameters. `runBundle` compiles a bundle that
 * starts so as it was read; any other script it wraps itself, which makes a
 * second copy of the text for V8 to compile (4 MB more to write, about 10 ms
 * of each thread's start, measured with perf).
 */
export const bundleWrapper = { head: '(function (exports, require, module, __filename, __dirname) { ', tail: '\n});' }

/** The first bytes of a bundle the bundle step wrote. */
const bundleHead = Buffer.from(bundleWrapper.head, 'latin1')

/**
 * The code cache of `bundle`: V8's compiled code of the functions a build
 * ran, so that a new process or worker does not parse and compile them
 * again. Named by V8's version, whose caches no other version reads (V8 also
 * refuses a cache made under other flags, or for a source of another length).
 * @param {string} bundle
 * @returns {string}
 */
export function codeCachePath(bundle) {
  return `${bundle}.v8-${process.versions.v8}.cache`
}

/**
 * V8 compiles a function with TurboFan, its optimising compiler, once the
 * function has run a budget of bytecode; here 8 times V8's default budget
 * (66 KB). A build is short, and most of its functions are warm, not hot: at
 * the default, TurboFan's threads took 3.0–3.4 CPU-seconds of a 100-PDF
 * build (12% of it, Chromium included). With this budget they took 0.8–1.4 s,
 * and the threads that run the code 0.2–0.7 s more each: 3.6% less CPU in all
 * (per-thread CPU, six rounds, the order swapped each round). 16 times the
 * budget left the parsing and the PDF's post-processing slower. Set in the main
 * thread before the bundle is compiled: V8's flags are the process's, and a
 * code cache made under other flags is refused.
 */
export const tieringFlags = '--interrupt-budget=540672'

/**
 * Run the CommonJS bundle at `url` as Node runs a CommonJS module, with the
 * code cache `scripts/bundle.mjs` made for it when there is one. Node 20 has
 * no code cache for ES modules (`module.enableCompileCache` is Node 22's),
 * hence a CommonJS bundle run through `vm.Script`: on one article's three
 * editions, 0.38 CPU-seconds and 0.18 s less (measured). The script gets no
 * dynamic import callback, which a function V8 takes from a cache loses
 * anyway: the bundle step makes each `import()` a `require`.
 *
 * Without a cache V8 would read through the whole bundle on every start
 * (0.4 s more for an HTML edition, measured). So a process that finds none,
 * or one V8 refuses (another Node, other flags), writes one: the main thread
 * when the process exits, a worker before its first answer. It holds what
 * that process compiled; other code is compiled when first run, from its own
 * lines only. With `OFFPRINT_CODE_CACHE=write` (the bundle step's training
 * build, all three editions) the cache is written whatever was found, and a
 * worker writes before each answer, so that it holds the whole build's code.
 * A folder that cannot be written to leaves the cache as it was.
 * @param {URL} url
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {'used' | 'refused' | 'none'} what became of the cache
 */
export function runBundle(url, env = process.env) {
  if (isMainThread) setFlagsFromString(tieringFlags)
  const file = fileURLToPath(url)
  const cacheFile = codeCachePath(file)
  /** @type {Buffer | undefined} */
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    cachedData = undefined
  }
  const bytes = readFileSync(file)
  // The bundle step wraps its bundles and escapes every other character (`escapeNonAscii`): one of them is read
  // one byte a character, as it is, without decoding UTF-8 or looking for other bytes first (7–10 ms a thread).
  const wrapped = bytes.subarray(0, bundleHead.length).equals(bundleHead)
  const source = wrapped ? bytes.toString('latin1') : Module.wrap(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8'))
  const script = new Script(source, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  })
  const status = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'refused' : 'used'
  const training = env.OFFPRINT_CODE_CACHE === 'write'
  if (training || status !== 'used') writeWhenDone(script, cacheFile, training ? 'every answer' : 'first answer')
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file))
  return status
}

/**
 * @param {Script} script
 * @param {string} cacheFile
 * @param {'every answer' | 'first answer'} when a worker writes
 */
function writeWhenDone(script, cacheFile, when) {
  let answered = false
  const write = () => {
    if (answered && when === 'first answer') return
    answered = true
    // Written whole under another name, then renamed: a process reading it never sees half a cache.
    const partial = `${cacheFile}.${process.pid}-${threadId}`
    try {
      writeFileSync(partial, script.createCachedData())
      renameSync(partial, cacheFile)
    } catch {
      rmSync(partial, { force: true })
    }
  }
  if (isMainThread) process.on('exit', write)
  else if (parentPort) {
    // A worker is stopped by the pool without an `exit` of its own: write before each answer instead,
    // since the pool may stop it as soon as the answer is in.
    const port = parentPort
    const post = port.postMessage.bind(port)
    port.postMessage = (/** @type {unknown} */ value, /** @type {any} */ transfer) => {
      write()
      post(value, transfer)
    }
  }
}
