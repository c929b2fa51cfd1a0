// Compile the CLI and its worker into `.build/` with esbuild, so that the
// command starts without tsx's loader (about a second on two cores).
// `pipeline/bin.js` uses the bundle only while it is newer than every file
// under `pipeline/`; otherwise it runs the TypeScript through tsx.
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('../', import.meta.url))
const outdir = fileURLToPath(new URL('../.build/', import.meta.url))

await rm(outdir, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  // Names the code relies on: `worker.js` is what build/worker-pool.ts starts.
  entryPoints: { cli: 'pipeline/cli/cli.ts', worker: 'pipeline/build/worker-task.ts' },
  outdir,
  bundle: true,
  // Chunks keep lazy imports lazy. The project's root is found by walking up to
  // package.json (common/project-root.ts), from pipeline/ and from .build/ alike.
  splitting: true,
  chunkNames: '[name]-[hash]',
  format: 'esm',
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
  external: ['chromium-bidi', 'chromium-bidi/*', 'typescript', '@resvg/resvg-js', 'hyphen', 'hyphen/*', 'pagedjs', 'tsx', 'tsx/*', 'esbuild'],
  // pdf-lib's ES modules, not its CommonJS main, so that esbuild leaves out what offprint never
  // calls (forms, drawing, fonts): the PDF chunk loads 45 ms sooner (950 → 780 KB, measured).
  alias: { 'pdf-lib': './node_modules/pdf-lib/es/index.js' },
  sourcemap: 'linked',
  // CommonJS packages (yaml) require Node's built-ins: give the bundle a `require`.
  banner: { js: "import { createRequire as __offprintRequire } from 'node:module'; const require = __offprintRequire(import.meta.url);" },
  logLevel: 'warning',
})
