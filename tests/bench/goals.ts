/**
 * The goal rows of issue 18: offprint and its peer run alternately on the
 * same generated articles in one session, and the ratio judged against the
 * goal.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { type PeerRun, runUnits } from './commands.ts'
import type { BenchConfig } from './config.ts'
import { type Article, generate, type templates } from './generate.ts'
import { buildOnce } from './offprint.ts'
import { describeOutputs, offprintOutputs } from './outputs.ts'
import { pandocOutput, pandocUnits } from './pandoc.ts'
import { mdToPdfUnits, type Peers } from './peers.ts'
import { type GoalLine, megabytes, type Phase, seconds } from './table.ts'

const all = 'html,pdf,epub'
const oneGigabyte = 2 ** 30

/** What every goal row needs. */
export interface GoalContext {
  config: BenchConfig & { code: string }
  peers: Peers
  /** The run's temporary folder. */
  work: string
  list: ReturnType<typeof templates>
  glossary: string
  say: (line: string) => void
}

/** A goal row's lines for the table, and what to say under it. */
export interface GoalResult {
  lines: GoalLine[]
  /** How it was measured: the runs, the outputs checked. */
  notes: string[]
  /** What went wrong. */
  problems: string[]
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const list = (values: readonly number[]): string => values.map((value) => value.toFixed(2)).join(', ')
const cores = availableParallelism()
const busy = (cpu: number, wall: number): number => cpu / (wall * cores)
const percent = (value: number): string => `${Math.round(value * 100)}%`

/** Generated article sets, one folder per count, shared by the rows that use the same count. */
const generated = new Map<number, Promise<{ source: string; articles: Article[] }>>()
function articlesOf(context: GoalContext, n: number, templates = context.list): Promise<{ source: string; articles: Article[] }> {
  const key = templates === context.list ? n : -n
  let set = generated.get(key)
  if (!set) {
    const source = path.join(context.work, `articles-${key < 0 ? 'the-article' : n}`, 'source')
    context.say(`generating ${n} article(s) in ${source}`)
    set = generate(source, n, templates, context.glossary).then((articles) => ({ source, articles }))
    generated.set(key, set)
  }
  return set
}

/** The side to run first in round `round`: offprint in even rounds, the peer in odd ones. */
const sides = (round: number): Array<'offprint' | 'peer'> => (round % 2 === 0 ? ['offprint', 'peer'] : ['peer', 'offprint'])

/** An offprint build checked: its problem, and in the first round what it wrote. */
async function offprintRun(context: GoalContext, label: string, source: string, out: string, editions: string, round: number, result: GoalResult): Promise<Phase> {
  await rm(out, { recursive: true, force: true })
  const phase = await buildOnce(source, out, editions, context.config)
  context.say(
    `${label} offprint #${round + 1}: ${phase.seconds.toFixed(2)} s, CPU ${phase.cpu.toFixed(1)} s, ${megabytes(phase.peak)} MB${phase.problem ? ` — ${phase.problem}` : ''}`,
  )
  if (phase.problem) result.problems.push(`${label}, offprint #${round + 1}: ${phase.problem}`)
  if (round === 0) {
    const wanted = new Set(editions.split(',').map((edition) => `.${edition}`))
    const outputs = await describeOutputs((await offprintOutputs(out)).filter((file) => wanted.has(path.extname(file))))
    result.notes.push(`${label}: offprint wrote ${outputs.summary}.`)
    if (outputs.problem) result.problems.push(`${label}, offprint: ${outputs.problem}`)
  }
  if (!context.config.keep) await rm(out, { recursive: true, force: true })
  return phase
}

/** A peer's run checked: its failures, and in the first round what it wrote. */
async function peerRun(
  context: GoalContext,
  label: string,
  peer: string,
  run: () => Promise<PeerRun>,
  outputs: () => string[],
  round: number,
  result: GoalResult,
): Promise<PeerRun> {
  const measured = await run()
  context.say(
    `${label} ${peer} #${round + 1}: ${measured.seconds.toFixed(2)} s, CPU ${measured.cpu.toFixed(1)} s, ${megabytes(measured.peak)} MB${measured.failed ? ` — ${measured.failed} failed` : ''}`,
  )
  if (measured.firstFailure) result.problems.push(`${label}, ${peer} #${round + 1}: ${measured.failed} command(s) failed; first ${measured.firstFailure}`)
  if (round === 0) {
    const described = await describeOutputs(outputs())
    result.notes.push(`${label}: ${peer} wrote ${described.summary}.`)
    if (described.problem) result.problems.push(`${label}, ${peer}: ${described.problem}`)
  }
  return measured
}

/** Offprint and pandoc's three commands, alternating, `rounds` times each, on `articles` (`jobs` articles at a time for pandoc). */
async function againstPandoc(
  context: GoalContext,
  label: string,
  set: { source: string; articles: Article[] },
  rounds: number,
  jobs: number,
  result: GoalResult,
): Promise<{ offprint: Phase[]; pandoc: PeerRun[] }> {
  const folder = path.dirname(set.source)
  const offprint: Phase[] = []
  const pandoc: PeerRun[] = []
  const havePandoc = Boolean(context.peers.pandoc && context.peers.weasyprint && context.config.pandoc)
  for (let round = 0; round < rounds; round++) {
    for (const side of sides(round)) {
      if (side === 'offprint') offprint.push(await offprintRun(context, label, set.source, path.join(folder, 'out-offprint'), all, round, result))
      else if (havePandoc) {
        const out = path.join(folder, 'out-pandoc')
        await rm(out, { recursive: true, force: true })
        await mkdir(out, { recursive: true })
        const outputs = (): string[] => set.articles.flatMap((article) => (['html', 'epub', 'pdf'] as const).map((format) => pandocOutput(article, out, format)))
        pandoc.push(
          await peerRun(context, label, 'pandoc', () => runUnits(pandocUnits(['html', 'epub', 'pdf'], set.articles, out), jobs, context.config.timeout), outputs, round, result),
        )
        if (!context.config.keep) await rm(out, { recursive: true, force: true })
      }
    }
  }
  return { offprint, pandoc }
}

const failed = (phases: readonly Phase[]): boolean => phases.some((phase) => phase.problem)
const peerFailed = (runs: readonly PeerRun[]): boolean => runs.some((run) => run.failed > 0)
const notInstalled = (context: GoalContext, what: string): string => (context.config.pandoc || what !== 'pandoc' ? `${what} not installed` : 'not run (--no-pandoc)')

/** A ratio line: medians of both sides, ratio, and whether it is at most `goal`. */
function ratioLine(work: string, offprint: readonly number[], peer: readonly number[], goal: number, broken: boolean, peerName: string, format = seconds): GoalLine {
  const mine = median(offprint)
  if (peer.length === 0) return { work, offprint: format(mine), peer: peerName, goal: `≤ ${goal.toFixed(2)}×` }
  const theirs = median(peer)
  const ratio = mine / theirs
  return { work, offprint: format(mine), peer: format(theirs), ratio, goal: `≤ ${goal.toFixed(2)}×`, ...(broken ? {} : { holds: ratio <= goal }) }
}

/** Goal 1: the article, all three editions, one cold command, against pandoc's three commands. */
export async function articleRow(context: GoalContext): Promise<GoalResult> {
  const result: GoalResult = { lines: [], notes: [], problems: [] }
  const article = context.list.slice(0, 1)
  const set = await articlesOf(context, 1, article)
  const label = 'the article'
  const runs = await againstPandoc(context, label, set, context.config.repeats, 1, result)
  const broken = failed(runs.offprint) || peerFailed(runs.pandoc)
  result.lines.push(
    ratioLine(
      `the article (${article[0]?.name}), all three editions: one cold command vs pandoc's three (HTML, EPUB, PDF via WeasyPrint); median of ${context.config.repeats}`,
      runs.offprint.map((phase) => phase.seconds),
      runs.pandoc.map((run) => run.seconds),
      1,
      broken,
      notInstalled(context, 'pandoc'),
    ),
  )
  const cpuLine = ratioLine(
    'the article, CPU-seconds of the whole process tree (Chromium and WeasyPrint included): steadier than wall time on a shared machine',
    runs.offprint.map((phase) => phase.cpu),
    runs.pandoc.map((run) => run.cpu),
    1,
    true,
    notInstalled(context, 'pandoc'),
  )
  result.lines.push({ ...cpuLine, goal: '— (the goal is on wall time)' })
  result.notes.push(
    `${label}: offprint ${list(runs.offprint.map((phase) => phase.seconds))} s (CPU ${list(runs.offprint.map((phase) => phase.cpu))} s, peak ${runs.offprint.map((phase) => megabytes(phase.peak)).join(', ')} MB RSS)` +
      (runs.pandoc.length > 0
        ? `; pandoc ${list(runs.pandoc.map((run) => run.seconds))} s (CPU ${list(runs.pandoc.map((run) => run.cpu))} s, peak ${runs.pandoc.map((run) => megabytes(run.peak)).join(', ')} MB RSS).`
        : '.'),
  )
  return result
}

/** Goal 2: N articles, all three editions, against pandoc's three commands per article, `--jobs` at a time. */
export async function allRow(context: GoalContext): Promise<GoalResult> {
  const result: GoalResult = { lines: [], notes: [], problems: [] }
  const n = context.config.articles
  const set = await articlesOf(context, n)
  const label = `${n} articles, all three`
  const jobs = context.config.jobs
  const runs = await againstPandoc(context, label, set, context.config.largeRepeats, jobs, result)
  const broken = failed(runs.offprint) || peerFailed(runs.pandoc)
  const peerName = notInstalled(context, 'pandoc')
  const of = context.config.largeRepeats > 1 ? `; median of ${context.config.largeRepeats}` : ''
  result.lines.push(
    ratioLine(
      `${n} articles, all three editions, wall: \`--jobs ${jobs}\` vs pandoc's three commands per article, ${jobs} articles at a time${of}`,
      runs.offprint.map((phase) => phase.seconds),
      runs.pandoc.map((run) => run.seconds),
      0.5,
      broken,
      peerName,
    ),
  )
  const perArticle = (cpu: number): string => `${cpu.toFixed(0)} s (${(cpu / n).toFixed(2)} s/article)`
  const cpuLine = ratioLine(
    `${n} articles, all three editions, CPU-seconds of the whole process tree (Chromium and WeasyPrint included)`,
    runs.offprint.map((phase) => phase.cpu),
    runs.pandoc.map((run) => run.cpu),
    0.5,
    true,
    peerName,
    perArticle,
  )
  result.lines.push({ ...cpuLine, goal: 'about 0.5× (what the wall goal takes)' })
  const offprintBusy = median(runs.offprint.map((phase) => busy(phase.cpu, phase.seconds)))
  result.lines.push({
    work: `${n} articles, all three editions, machine busy: CPU-seconds ÷ (wall × ${cores} cores)`,
    offprint: percent(offprintBusy),
    peer: runs.pandoc.length > 0 ? percent(median(runs.pandoc.map((run) => busy(run.cpu, run.seconds)))) : peerName,
    goal: 'offprint ≥ 85%',
    ...(failed(runs.offprint) ? {} : { holds: offprintBusy >= 0.85 }),
  })
  return result
}

/** Goal 3: N PDFs against md-to-pdf in calls of `--batch` files. */
export async function pdfRow(context: GoalContext): Promise<GoalResult> {
  const result: GoalResult = { lines: [], notes: [], problems: [] }
  const n = context.config.articles
  const set = await articlesOf(context, n)
  const folder = path.dirname(set.source)
  const label = `${n} PDFs`
  const mdToPdf = context.peers.mdToPdf
  const offprint: Phase[] = []
  const peer: PeerRun[] = []
  const peerSource = path.join(folder, 'md-to-pdf')
  const peerFiles = set.articles.map((article) => path.join(peerSource, path.relative(set.source, article.file)))
  const peerPdfs = (): string[] => peerFiles.map((file) => file.replace(/\.md$/, '.pdf'))
  if (mdToPdf) {
    await rm(peerSource, { recursive: true, force: true })
    await cp(set.source, peerSource, { recursive: true })
    result.notes.push(`${label}: md-to-pdf reads a copy of the articles (its PDFs go beside them), ${await closeFrontMatterWithDashes(peerFiles)}.`)
  }
  for (let round = 0; round < context.config.largeRepeats; round++) {
    for (const side of sides(round)) {
      if (side === 'offprint') offprint.push(await offprintRun(context, label, set.source, path.join(folder, 'out-offprint'), 'pdf', round, result))
      else if (mdToPdf) {
        for (const file of peerPdfs()) await rm(file, { force: true })
        const units = mdToPdfUnits(mdToPdf, peerFiles, context.config.batch, peerSource)
        peer.push(await peerRun(context, label, 'md-to-pdf', () => runUnits(units, 1, context.config.timeout), peerPdfs, round, result))
      }
    }
  }
  if (!context.config.keep) await rm(peerSource, { recursive: true, force: true })
  const of = context.config.largeRepeats > 1 ? `; median of ${context.config.largeRepeats}` : ''
  result.lines.push(
    ratioLine(
      `${n} PDFs: \`--editions pdf --jobs ${context.config.jobs}\` vs md-to-pdf@5.2.5 in calls of ${context.config.batch} files, one call at a time${of}`,
      offprint.map((phase) => phase.seconds),
      peer.map((run) => run.seconds),
      0.35,
      failed(offprint) || peerFailed(peer),
      'md-to-pdf not installed',
    ),
  )
  if (peer.length > 0)
    result.notes.push(
      `${label}: offprint CPU ${list(offprint.map((phase) => phase.cpu))} s, peak ${offprint.map((phase) => megabytes(phase.peak)).join(', ')} MB RSS; md-to-pdf CPU ${list(peer.map((run) => run.cpu))} s, peak ${peer.map((run) => megabytes(run.peak)).join(', ')} MB RSS (Chromium ${mdToPdf?.chromium}).`,
    )
  return result
}

/**
 * md-to-pdf reads front matter with gray-matter, which takes only `---` as
 * its end: the YAML document end `...` that closes the CommonMark spec's is
 * a YAML error there, and the file fails. The same YAML closed by `---`
 * instead, so that md-to-pdf converts every document offprint does.
 */
async function closeFrontMatterWithDashes(files: readonly string[]): Promise<string> {
  let changed = 0
  for (const file of files) {
    const text = await readFile(file, 'utf8')
    const lines = text.split('\n')
    const end = lines[0]?.trimEnd() === '---' ? lines.findIndex((line, index) => index > 0 && ['---', '...'].includes(line.trimEnd())) : -1
    if (end > 0 && lines[end]?.startsWith('...')) lines[end] = `---${lines[end]?.slice(3)}`
    const fixed = lines.join('\n')
    if (fixed !== text) {
      await writeFile(file, fixed)
      changed++
    }
  }
  return changed > 0
    ? `byte for byte the same but for ${changed} front matter(s) closed by \`---\` instead of \`...\` (the CommonMark spec's), which md-to-pdf's gray-matter does not accept`
    : 'byte for byte the same'
}

/** Goal 4: N articles, all three editions: peak memory of the cold build, and the no-op rebuild. */
export async function scaleRow(context: GoalContext): Promise<GoalResult> {
  const result: GoalResult = { lines: [], notes: [], problems: [] }
  const n = context.config.scale
  const set = await articlesOf(context, n)
  const out = path.join(path.dirname(set.source), 'out-scale')
  const label = `${n} articles, all three`
  await rm(out, { recursive: true, force: true })
  const cold = await buildOnce(set.source, out, all, context.config, { pss: true })
  context.say(
    `${label} cold: ${cold.seconds.toFixed(1)} s, CPU ${cold.cpu.toFixed(0)} s, ${megabytes(cold.peakPss)} MB PSS, ${megabytes(cold.peak)} MB RSS${cold.problem ? ` — ${cold.problem}` : ''}`,
  )
  // The no-op's goal is its time: PSS is not read (see `watchPeak`; the cold build's memory is the goal), and it
  // runs three times, the median kept, since one second on a shared machine is easily disturbed.
  const noops: Phase[] = []
  for (let run = 1; run <= 3; run++) {
    const phase = await buildOnce(set.source, out, all, context.config)
    context.say(`${label} no-op #${run}: ${phase.seconds.toFixed(2)} s, ${megabytes(phase.peak)} MB${phase.problem ? ` — ${phase.problem}` : ''}`)
    noops.push(phase)
  }
  const noop = [...noops].sort((a, b) => a.seconds - b.seconds)[1] as Phase
  const outputs = await describeOutputs(await offprintOutputs(out))
  if (!context.config.keep) await rm(out, { recursive: true, force: true })
  for (const [name, phase] of [['cold', cold] as const, ...noops.map((phase) => ['no-op', phase] as const)])
    if (phase.problem) result.problems.push(`${label}, ${name}: ${phase.problem}`)
  if (outputs.problem) result.problems.push(`${label}: ${outputs.problem}`)
  const rebuilt = Math.max(...noops.map((phase) => (phase.statuses.built ?? 0) + (phase.statuses.failed ?? 0)))
  if (rebuilt > 0) result.problems.push(`${label}, no-op: rebuilt ${rebuilt}, expected 0`)
  // PSS is what the tree takes from the machine: RSS counts Chromium's shared binary and
  // libraries once per process (six or more of them), so its sum is shown as the upper bound.
  result.lines.push({
    work: `${n} articles, all three editions: peak memory of the whole process tree (sum of PSS, Chromium included), cold build`,
    offprint: `${megabytes(cold.peakPss)} MB`,
    peer: '—',
    goal: '≤ 1 GB (1,024 MB)',
    ...(cold.problem ? {} : { holds: cold.peakPss <= oneGigabyte }),
  })
  result.lines.push({
    work: `${n} articles, all three editions: the same as the sum of RSS (shared pages counted once per process: an upper bound)`,
    offprint: `${megabytes(cold.peak)} MB`,
    peer: '—',
    goal: '—',
  })
  result.lines.push({
    work: `${n} articles, all three editions: no-op rebuild (median of 3)`,
    offprint: seconds(noop.seconds),
    peer: '—',
    goal: '< 1 s',
    ...(noop.problem || rebuilt > 0 ? {} : { holds: noop.seconds < 1 }),
  })
  result.notes.push(
    `${label}: cold build ${seconds(cold.seconds)}, CPU ${cold.cpu.toFixed(0)} s (${(cold.cpu / n).toFixed(2)} s/article, machine ${percent(busy(cold.cpu, cold.seconds))} busy); wrote ${outputs.summary}; no-op ${list(noops.map((phase) => phase.seconds))} s, ${megabytes(noop.peak)} MB peak.`,
  )
  return result
}
