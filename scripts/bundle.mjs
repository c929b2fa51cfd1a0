// Compile the CLI and its worker into `.build/` with esbuild, so that the
// command starts without tsx's loader (about a second on two cores), then
// make V8's code cache of each by building the project's own article once.
// `pipeline/bin.js` uses the bundle only while it is newer than every file
// under `pipeline/`; otherwise it runs the TypeScript through tsx.
import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { bundleWrapper, escapeNonAscii } from '../pipeline/run-bundle.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const outUrl = new URL('../.build/', import.meta.url)
const outdir = fileURLToPath(outUrl)

/**
 * unist-util-visit-parents (under every unified plugin and most of ours) names each visit's closure after
 * its node, `Object.defineProperty(visit, 'name', …)` with a coloured string, for stack traces: once per
 * node per walk. The bundle leaves the naming out; walks and their results are the same. 100 articles'
 * HTML took 7.8–8.6 CPU-seconds against 9.3–9.6 (three alternating runs each). Without the statement
 * (another version of the package), the bundle is made as it is, with a warning.
 */
const unnamedVisitors = {
  name: 'unnamed-visitors',
  setup(build) {
    build.onLoad({ filter: /[\\/]unist-util-visit-parents[\\/]lib[\\/]index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8')
      const naming = /\n\s*Object\.defineProperty\(visit, 'name', \{\n\s*value:\n[^\n]*\n\s*\}\)\n/
      if (!naming.test(source)) {
        console.warn(`bundle: ${path} names its visitors in a way not known here; left as it is`)
        return undefined
      }
      return { contents: source.replace(naming, '\n'), loader: 'js' }
    })
  },
}

/**
 * lowlight's entry exports highlight.js's 37 common grammars and all 192 of them; offprint registers the common
 * ones only (plugins/rehype-highlight-code.ts), but its lazy `import()` keeps the whole entry in the bundle. The
 * bundle's copy of the entry leaves `all` out: 0.75 MB less to read at every start. An entry that no longer
 * exports `common` and `createLowlight` so is bundled as it is, with a warning.
 */
const commonGrammars = {
  name: 'common-grammars',
  setup(build) {
    build.onLoad({ filter: /[\\/]lowlight[\\/]index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8')
      const common = "export {grammars as common} from './lib/common.js'"
      const create = "export {createLowlight} from './lib/index.js'"
      if (!source.includes(common) || !source.includes(create)) {
        console.warn(`bundle: ${path} exports its grammars in a way not known here; left as it is`)
        return undefined
      }
      return { contents: `${common}\n${create}\n`, loader: 'js' }
    })
  },
}

/** The two bundles (names the code relies on: `worker.js` is what build/worker-pool.ts starts). */
const entries = { cli: 'pipeline/cli/cli.ts', worker: 'pipeline/build/worker-task.ts' }

await rm(outdir, { recursive: true, force: true })
const built = Object.entries(entries).map(([name, entry]) =>
  build({
    absWorkingDir: root,
    entryPoints: { [name]: entry },
    outdir,
    bundle: true,
    // CommonJS, one file per entry, run by `pipeline/run-bundle.js` with V8's code cache, which Node 20
    // has only for scripts. A lazy `import()` of a module stays lazy: esbuild runs the module when it is
    // first asked for. The project's root is found by walking up to package.json
    // (common/project-root.ts), from pipeline/ and from .build/ alike.
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // `import()` of what is left out of the bundle becomes `require()`: functions V8 takes from a code
    // cache lose the script's dynamic import callback ("A dynamic import callback was not specified").
    supported: { 'dynamic-import': false },
    platform: 'node',
    target: 'node20.19',
    // The unified ecosystem, puppeteer and pdf-lib are hundreds of small ES modules: bundled,
    // they load in one read instead of hundreds of resolutions (puppeteer: 0.17–0.19 s
    // against 0.29 s). Packages that find files of their own at run time, or are large and
    // lazily loaded anyway, stay in node_modules; chromium-bidi and typescript are only
    // loaded for Firefox and for TypeScript configuration files, neither of which we use.
    // epub-gen-memory is bundled: its CommonJS tree (css-select, domutils, ow, node-fetch, …)
    // took 0.30–0.36 CPU-seconds to load from node_modules in a fresh worker, 0.17–0.24 bundled.
    // Its templates are modules, and it reads no file of its own.
    // @puppeteer/browsers (with its proxy agents, a JavaScript interpreter for PAC files and yargs: 1.4 MB) serves
    // puppeteer's launchers and its `channel` option, which offprint never uses: it is left where it is, so that
    // each start reads 2.7 MB less with highlight.js's uncommon grammars (`commonGrammars`).
    external: ['@puppeteer/browsers', 'chromium-bidi', 'chromium-bidi/*', 'typescript', '@resvg/resvg-js', 'hyphen', 'hyphen/*', 'pagedjs', 'tsx', 'tsx/*', 'esbuild'],
    // pdf-lib's ES modules, not its CommonJS main, so that esbuild leaves out what offprint never
    // calls (forms, drawing, fonts): the PDF chunk loads 45 ms sooner (950 → 780 KB, measured).
    alias: { 'pdf-lib': './node_modules/pdf-lib/es/index.js' },
    sourcemap: 'linked',
    // Without comments and indentation: 9.6 MB against 6.9 MB to read at each start.
    minifyWhitespace: true,
    // Strict, as the ES modules it is made of are. `import.meta.url` is the bundle's own URL.
    // `process.env.OFFPRINT_BUNDLE` names the bundle, a constant in each: the CLI's main thread never parses nor
    // writes the HTML and the EPUB (its workers do), and its workers never print a PDF, so each bundle leaves out
    // the code behind the other's branches (build/write-editions.ts, build/build.ts): the main thread's bundle reads
    // 2.3 MB at each start where it read 4.2, the worker's 2.5 where it read 4.0. Run from the TypeScript, it is
    // undefined.
    define: { 'import.meta.url': '__offprintUrl', 'process.env.OFFPRINT_BUNDLE': JSON.stringify(name) },
    // Wrapped as Node wraps a CommonJS module (`bundleWrapper`), so that `runBundle` compiles the text as read, without
    // making a second copy of it; esbuild's source map counts the wrapper in.
    banner: { js: `${bundleWrapper.head}'use strict'; var __offprintUrl = require('node:url').pathToFileURL(__filename).href;` },
    footer: { js: bundleWrapper.tail },
    logLevel: 'warning',
    plugins: [unnamedVisitors, commonGrammars],
  }),
)
await Promise.all(built)

// Each bundle in ASCII, read faster (see `escapeNonAscii`), and its entry: `node .build/cli.js` (`pipeline/bin.js`
// runs cli.cjs itself), and `worker.js`, which the worker pool starts (`new URL('./worker.js', …)`).
for (const name of Object.keys(entries)) {
  const bundle = new URL(`${name}.cjs`, outUrl)
  await writeFile(bundle, escapeNonAscii(await readFile(bundle, 'utf8')))
  await writeFile(
    new URL(`${name}.js`, outUrl),
    `// Written by scripts/bundle.mjs: runs ${name}.cjs with its code cache.\nimport { runBundle } from '../pipeline/run-bundle.js'\nrunBundle(new URL('./${name}.cjs', import.meta.url))\n`,
  )
}

// The code caches hold what a build compiles: made by building the project's article, all three editions,
// into a folder of `.build/` that is then removed. Without a browser the PDF's code is left out; without
// a cache the CLI works the same, only slower to start.
const training = fileURLToPath(new URL('training/', outUrl))
try {
  await promisify(execFile)(
    process.execPath,
    [fileURLToPath(new URL('../pipeline/bin.js', import.meta.url)), 'build', 'source', '--out', training, '--force', '--jobs', '1', '--quiet'],
    {
      cwd: root,
      env: { ...process.env, OFFPRINT_CODE_CACHE: 'write' },
      timeout: 120_000,
    },
  )
} catch (error) {
  console.warn(`bundle: the code cache covers only part of the CLI (the training build failed: ${String(error.message ?? error).split('\n')[0]})`)
}
await rm(training, { recursive: true, force: true })
