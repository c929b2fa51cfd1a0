/**
 * `make bench`: offprint against the tools people would pick instead, as
 * issue 18 sets the goals, each pair run alternately on the same generated
 * articles in one session, with the ratio, the goal and whether it holds:
 * the article against pandoc's three commands, N articles against pandoc two
 * at a time, N PDFs against md-to-pdf, and the peak memory and no-op rebuild
 * at 1,000 articles. Then the per-edition table: a cold build, a warm no-op
 * build, and a build after one file changed, with the CPU and peak memory of
 * the whole process tree (Chromium included). Writes Markdown to stdout and
 * `tests/bench/results.md`. Not part of `make test`: speed is measured here,
 * never asserted.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { findBrowser } from '../../pipeline/editions/chromium-process.ts'
import { runUnits } from './commands.ts'
import { type BenchConfig, parseConfig, type RowName, usage } from './config.ts'
import { type Article, generate, templates } from './generate.ts'
import { allRow, articleRow, type GoalContext, type GoalResult, pdfRow, scaleRow } from './goals.ts'
import { buildOnce, codeRoot, presentEditions, projectRoot, runsBundle, startupSeconds } from './offprint.ts'
import { pandocUnits } from './pandoc.ts'
import { preparePeers } from './peers.ts'
import { type GoalLine, goalTable, markdownTable, type Phase, type Row } from './table.ts'

const sharedDir = path.resolve(projectRoot, '..', 'shared')
const editionSets = ['html', 'epub', 'pdf', 'all'] as const
type EditionSet = (typeof editionSets)[number]

const say = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`)
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

async function toolVersion(command: string, args: string[]): Promise<string> {
  return promisify(execFile)(command, args).then(
    ({ stdout }) => stdout.trim().split('\n')[0] ?? command,
    () => 'not found',
  )
}

const goalRows: ReadonlyArray<[RowName, (context: GoalContext) => Promise<GoalResult>]> = [
  ['article', articleRow],
  ['all100', allRow],
  ['pdf100', pdfRow],
  ['scale1000', scaleRow],
]

/** The per-edition rows: cold, no-op and one-changed builds per edition set and size, pandoc beside each. */
async function editionRows(config: BenchConfig & { code: string }, work: string, list: ReturnType<typeof templates>, pandoc: boolean): Promise<Row[]> {
  const { present } = presentEditions()
  const rows: Row[] = []
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
      const row = await measureSet(n, set, label, source, articles, folder, config)
      if (pandoc) {
        const out = path.join(folder, `pandoc-${set}`)
        await mkdir(out, { recursive: true })
        const formats = set === 'all' ? (['html', 'epub', 'pdf'] as const) : [set]
        row.pandoc = await runUnits(pandocUnits(formats, articles, out), config.jobs, config.timeout)
        say(`N=${n} pandoc ${set}: ${row.pandoc.seconds.toFixed(2)} s, CPU ${row.pandoc.cpu.toFixed(1)} s`)
        if (!config.keep) await rm(out, { recursive: true, force: true })
      }
      rows.push(row)
    }
    if (!config.keep) await rm(folder, { recursive: true, force: true })
  }
  return rows
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
  const { missing } = presentEditions()
  const wantsPandoc = config.pandoc && ['article', 'all100', 'editions'].some((row) => config.only.has(row as RowName))
  const peers = await preparePeers({ projectRoot, install: config.install, pandoc: wantsPandoc, mdToPdf: config.only.has('pdf100') })
  for (const line of peers.missing) say(line)
  const chromium = await findBrowser().then(
    (browser) => toolVersion(browser.path, ['--version']),
    () => 'no Chromium found',
  )
  const all = templates(projectRoot, sharedDir)
  const list = config.mix === 'corpus' ? all : all.slice(0, 1)
  const loadAtStart = loadavg()[0] ?? 0
  const work = await mkdtemp(path.join(tmpdir(), 'offprint-bench-'))
  let startup = 0
  let bundle = true
  say(`working in ${work}`)
  const lines: GoalLine[] = []
  const notes: string[] = []
  const problems: string[] = []
  let rows: Row[] = []
  try {
    const code = await codeRoot(work, config)
    const run = { ...config, code }
    startup = await startupSeconds(code)
    bundle = runsBundle(code)
    if (!bundle) say('the compiled CLI in .build/ is older than pipeline/ (--live): offprint runs through tsx, slower to start (`make bundle` compiles it)')
    const context: GoalContext = { config: run, peers, work, list, glossary: path.join(projectRoot, 'source', 'glossary.yaml'), say }
    for (const [name, measureRow] of goalRows) {
      if (!config.only.has(name)) continue
      if (missing.length > 0) {
        problems.push(`${name}: not measured, pipeline/editions/${missing.join(', ')} missing`)
        continue
      }
      say(`row ${name}`)
      const result = await measureRow(context)
      lines.push(...result.lines)
      notes.push(...result.notes)
      problems.push(...result.problems)
    }
    if (config.only.has('editions')) rows = await editionRows(run, work, list, Boolean(wantsPandoc && peers.pandoc && peers.weasyprint))
  } finally {
    if (!config.keep) await rm(work, { recursive: true, force: true })
    else say(`kept ${work}`)
  }

  const commit = await toolVersion('git', ['-C', projectRoot, 'describe', '--always', '--dirty']).then((line) => (line === 'not found' ? 'unknown' : line))
  const mix = list.map((template) => template.name).join(', ')
  const sizes = editionSets.map((set) => `${set === 'all' ? 'all three' : set.toUpperCase()} ${config.sizes[set].join(', ') || 'none'}`).join('; ')
  const machine = `${cpus().length} core(s) (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM; Node ${process.version}; ${chromium}; ${peers.pandoc ?? 'pandoc not run'}; ${peers.weasyprint ?? 'WeasyPrint not run'}; ${peers.mdToPdf ? 'md-to-pdf 5.2.5' : 'md-to-pdf not run'}`
  const text = [
    '# offprint benchmark',
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC at commit ${commit} on ${machine}. Rows: ${[...config.only].join(', ')}. Load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end (other work on the machine inflates every time).`,
    '',
    `- Articles: copies cycling through ${mix} (the article and the five corpus documents), each with its own title, slug and folder, local images alongside; the project's glossary shared. The peers convert the very same files.`,
    `- offprint: the real CLI${config.live ? ' (the checkout as it is at each build: `--live`)' : " (a copy of the checkout's code taken at the start, so edits made meanwhile do not mix in)"}, \`node pipeline/bin.js build … --jobs ${config.jobs} --quiet --json\` as a child process into an empty folder (cold), wall time including start-up (${bundle ? 'of the esbuild bundle `make` compiles' : '**through tsx: `.build/` was older than `pipeline/`**, `make bundle` compiles it'}: ${startup.toFixed(2)} s for \`offprint --help\` here).`,
    "- CPU-seconds: user + system time of the whole process tree (Chromium's helpers, pandoc's WeasyPrint included), counted by the kernel as each process is waited for, plus the processes orphaned on the way (Chromium helpers adopted by init), followed by polling /proc every 50 ms. Peak MB: the highest sum of resident memory (RSS) over the tree, polled every 50 ms (shared pages counted once per process: an upper bound).",
    ...(config.only.has('article') || config.only.has('all100') || config.only.has('editions')
      ? [
          "- pandoc: per article, the three commands a user would type, one after the other, in the article's folder: `pandoc -s -f gfm+tex_math_dollars` (HTML), `-t epub3` (EPUB), `-s --pdf-engine=weasyprint` (PDF); pandoc 2.17's gfm reads the YAML front matter and the footnotes.",
        ]
      : []),
    ...(config.only.has('pdf100')
      ? [
          `- md-to-pdf: \`md-to-pdf --launch-options '{executablePath, headless, args}'\` on the same Chromium offprint uses, ${config.batch} files per call, calls one after the other (each converts its files at once).`,
        ]
      : []),
    '- Each pair runs alternately (offprint first in odd rounds, the peer first in even ones); the ratio is offprint ÷ peer of the medians: below 1 means offprint took less. Machine busy: CPU-seconds ÷ (wall × cores).',
    ...peers.missing.map((line) => `- Missing: ${line}.`),
    '',
    '## Goals (issue 18)',
    '',
    lines.length > 0 ? goalTable(lines) : 'No goal row run (`--only editions`).',
    '',
    ...notes.map((note) => `- ${note}`),
    ...(problems.length > 0 ? ['', '⚠ Problems:', '', ...problems.map((problem) => `- ${problem}`)] : []),
    '',
    ...(config.only.has('editions')
      ? [
          '## Per edition',
          '',
          `Cold build into an empty folder, **warm no-op** build (nothing changed), and a build after **1 changed** article; pandoc (cold, it has no cache) converts the same files, \`--jobs\` articles at a time. Counts: ${sizes} (\`--html 1,100,1000 --epub … --pdf … --all …\`; "none" skips a set).`,
          '',
          markdownTable(rows),
          '',
        ]
      : []),
  ].join('\n')
  process.stdout.write(text)
  await writeFile(config.results, text)
  say(`wrote ${path.relative(process.cwd(), config.results)}`)
  return problems.length > 0 || rows.some((row) => [row.cold, row.noop, row.changed].some((phase) => phase?.problem)) ? 1 : 0
}

process.exitCode = await main()
