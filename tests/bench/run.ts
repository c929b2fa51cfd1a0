/**
 * `make bench`: time offprint's real CLI on 1, 100 and 1,000 generated
 * articles — a cold build, a warm no-op build, and a build after one file
 * changed — per edition and for all three together, with the peak memory of
 * the whole process tree (Chromium included), beside pandoc where it is
 * installed. Writes a Markdown table to stdout and `tests/bench/results.md`.
 * Not part of `make test`: speed is measured here, never asserted.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseConfig, usage, type BenchConfig } from './config.ts'
import { generate, templates, type Article } from './generate.ts'
import { pandocVersion, runPandoc } from './pandoc.ts'
import { measure } from './process-tree.ts'
import { markdownTable, type Phase, type Row } from './table.ts'

const projectRoot = path.resolve(import.meta.dirname, '..', '..')
const sharedDir = path.resolve(projectRoot, '..', 'shared')
const editionSets = ['html', 'epub', 'pdf', 'all'] as const
type EditionSet = (typeof editionSets)[number]

const say = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`)
}

/** Which editions the checkout has a writer for. */
function presentEditions(): { present: string[]; missing: string[] } {
  const present: string[] = []
  const missing: string[] = []
  for (const edition of ['html', 'pdf', 'epub']) (existsSync(path.join(projectRoot, 'pipeline', 'editions', edition, `write-${edition}.ts`)) ? present : missing).push(edition)
  return { present, missing }
}

/**
 * The code the benchmark runs: a copy of the checkout's code (with its
 * `node_modules` linked), so that edits made in the checkout during a long
 * run neither mix versions nor invalidate the cache keys, which hash
 * `pipeline/` and `templates/`. With `--live`, the checkout itself.
 */
async function codeRoot(work: string, config: BenchConfig): Promise<string> {
  if (config.live) return projectRoot
  const root = path.join(work, 'offprint')
  await mkdir(root)
  // Times kept, so the compiled CLI in `.build/` stays newer than `pipeline/` and is used.
  for (const name of ['pipeline', 'templates', '.build', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    const from = path.join(projectRoot, name)
    if (existsSync(from)) await cp(from, path.join(root, name), { recursive: true, preserveTimestamps: true })
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  return root
}

/** One build by the real CLI, measured, with its `--json` report read back. */
async function buildOnce(source: string, out: string, editions: string, config: BenchConfig & { code: string }): Promise<Phase> {
  const report = `${out}.report.json`
  await rm(report, { force: true })
  const bin = path.join(config.code, 'pipeline', 'bin.js')
  const run = await measure(process.execPath, [bin, 'build', source, '--out', out, '--editions', editions, '--jobs', String(config.jobs), '--quiet', '--json', report], {
    cwd: config.code,
    timeout: config.timeout,
  })
  const statuses: Record<string, number> = {}
  let problem: string | undefined
  try {
    const parsed = JSON.parse(await readFile(report, 'utf8')) as { sources: Array<{ status: string }> }
    for (const { status } of parsed.sources) statuses[status] = (statuses[status] ?? 0) + 1
  } catch {
    problem = 'no --json report written'
  }
  if (run.timedOut) problem = `killed after ${config.timeout} s (--timeout)`
  else if (run.code !== 0) problem = `exit ${run.code ?? run.signal}: ${run.stderr.trim().split('\n').slice(0, 3).join(' ⏎ ').slice(0, 300)}`
  return { seconds: run.seconds, peak: run.peak, statuses, code: run.code, ...(problem ? { problem } : {}) }
}

/** Cold, warm no-op and one-changed builds of one edition set into a fresh folder. */
async function measureSet(
  n: number,
  set: EditionSet,
  editions: string,
  source: string,
  articles: readonly Article[],
  work: string,
  config: BenchConfig & { code: string },
): Promise<Row> {
  const out = path.join(work, `out-${set}`)
  await rm(out, { recursive: true, force: true })
  const row: Row = { n, editions }
  const note = (name: string, phase: Phase): void =>
    say(`N=${n} ${editions} ${name}: ${phase.seconds.toFixed(2)} s, ${Math.round(phase.peak / 2 ** 20)} MB${phase.problem ? ` — ${phase.problem}` : ''}`)
  row.cold = await buildOnce(source, out, editions, config)
  note('cold', row.cold)
  row.noop = await buildOnce(source, out, editions, config)
  note('no-op', row.noop)
  // One article edited: the first, a copy of the news article.
  const changed = articles[0] as Article
  const original = await readFile(changed.file)
  await writeFile(changed.file, `${original.toString('utf8')}\nA paragraph the benchmark added at ${Date.now()}.\n`)
  try {
    row.changed = await buildOnce(source, out, editions, config)
    note('1 changed', row.changed)
  } finally {
    await writeFile(changed.file, original)
  }
  if (!config.keep) await rm(out, { recursive: true, force: true })
  return row
}

/** Wall time of the CLI doing nothing (`--help`): the floor under every build's time. */
async function startupSeconds(code: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    await promisify(execFile)(process.execPath, [path.join(code, 'pipeline', 'bin.js'), '--help'], { cwd: code })
    times.push((performance.now() - started) / 1000)
  }
  return times.sort((a, b) => a - b)[1] ?? 0
}

async function toolVersion(command: string, args: string[]): Promise<string> {
  return promisify(execFile)(command, args).then(
    ({ stdout }) => stdout.trim().split('\n')[0] ?? command,
    () => 'not found',
  )
}

async function main(): Promise<number> {
  let config: ReturnType<typeof parseConfig>
  try {
    config = parseConfig(process.argv.slice(2), process.env, projectRoot)
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${usage}\n`)
    return 2
  }
  if (config === 'help') {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const { present, missing } = presentEditions()
  const pandoc = config.pandoc ? await pandocVersion() : undefined
  const chromium = await toolVersion(process.env.PUPPETEER_EXECUTABLE_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : 'chromium-headless-shell'), ['--version'])
  const list = templates(projectRoot, sharedDir)
  const work = await mkdtemp(path.join(tmpdir(), 'offprint-bench-'))
  let startup = 0
  say(`working in ${work}`)
  const rows: Row[] = []
  try {
    const code = await codeRoot(work, config)
    const run = { ...config, code }
    startup = await startupSeconds(code)
    const counts = [...new Set(editionSets.flatMap((set) => config.sizes[set]))].sort((a, b) => a - b)
    for (const n of counts) {
      const folder = path.join(work, `n-${n}`)
      const source = path.join(folder, 'source')
      say(`generating ${n} article(s)`)
      const articles = await generate(source, n, list, path.join(projectRoot, 'source', 'glossary.yaml'))
      for (const set of editionSets) {
        if (!config.sizes[set].includes(n)) continue
        const wanted = set === 'all' ? ['html', 'pdf', 'epub'] : [set]
        const editions = wanted.filter((edition) => present.includes(edition))
        const label = set === 'all' ? editions.join(',') : set
        if (editions.length === 0 || (set === 'all' && editions.length < 2)) {
          rows.push({
            n,
            editions: set === 'all' ? 'html,pdf,epub' : set,
            skipped: `not built: pipeline/editions/${wanted.filter((edition) => !present.includes(edition)).join('.ts, ')}.ts missing`,
          })
          continue
        }
        const row = await measureSet(n, set, label, source, articles, folder, run)
        if (pandoc && (set === 'html' || set === 'epub')) {
          row.pandoc = await runPandoc(set, articles, path.join(folder, `pandoc-${set}`), config.jobs)
          say(`N=${n} pandoc ${set}: ${row.pandoc.seconds.toFixed(2)} s`)
          if (!config.keep) await rm(path.join(folder, `pandoc-${set}`), { recursive: true, force: true })
        }
        rows.push(row)
      }
      if (!config.keep) await rm(folder, { recursive: true, force: true })
    }
  } finally {
    if (!config.keep) await rm(work, { recursive: true, force: true })
    else say(`kept ${work}`)
  }

  const mix = list.map((template) => template.name).join(', ')
  const sizes = editionSets.map((set) => `${set === 'all' ? 'all three' : set.toUpperCase()} ${config.sizes[set].join(', ') || 'none'}`).join('; ')
  const text = [
    '# offprint benchmark',
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} core(s) (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}; ${chromium}; ${pandoc ?? 'pandoc not run'}.`,
    '',
    `- Articles: N copies cycling through ${mix} (the article and the five corpus documents), each with its own title, slug and folder, local images alongside; the project's glossary shared.`,
    `- Each row: the real CLI${config.live ? ' (the checkout as it is at each build: `--live`)' : " (a copy of the checkout's code taken at the start, so edits made meanwhile do not mix in)"}, \`node pipeline/bin.js build … --editions X --jobs ${config.jobs} --quiet --json\`, as a child process, wall time including start-up (of the esbuild bundle \`make\` compiles: ${startup.toFixed(2)} s for \`offprint --help\` here): a **cold** build into an empty folder, a **warm no-op** build (nothing changed), and a build after **1 changed** article.`,
    '- Peak MB: the highest sum of resident memory (RSS) over the CLI and every process below it, Chromium included, polled from /proc every 50 ms (a sum of RSS counts shared pages once per process: an upper bound).',
    `- Counts run (defaults keep PDF, EPUB and all three to N ≤ 100: on two cores their cold builds of 1,000 articles take 7 to 24 minutes each): ${sizes}. Change them with \`--html 1,100,1000 --epub … --pdf … --all …\` or \`BENCH_HTML=… BENCH_EPUB=… BENCH_PDF=… BENCH_ALL=… make bench\` ("none" skips a set).`,
    ...(missing.length > 0
      ? [`- Missing editions: ${missing.map((edition) => `\`pipeline/editions/${edition}.ts\``).join(', ')} not in this checkout; their rows are not measured.`]
      : []),
    ...(pandoc
      ? [
          '- pandoc: every article converted one process each, as many at a time as `--jobs` (`pandoc -s -f gfm` for HTML, `pandoc -f gfm -t epub3` for EPUB; remote images it cannot fetch offline are skipped with a warning). It has no cache, so it is compared with the cold build: **offprint ÷ pandoc** above 1 means offprint took longer.',
        ]
      : []),
    '',
    markdownTable(rows),
    '',
  ].join('\n')
  process.stdout.write(text)
  await writeFile(config.results, text)
  say(`wrote ${path.relative(process.cwd(), config.results)}`)
  return rows.some((row) => [row.cold, row.noop, row.changed].some((phase) => phase?.problem)) ? 1 : 0
}

process.exitCode = await main()
