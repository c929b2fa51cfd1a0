import type { PeerRun } from './commands.ts'

/** One build of the benchmark: the CLI run once. */
export interface Phase {
  seconds: number
  /** CPU seconds of the CLI's whole process tree, Chromium included. */
  cpu: number
  /** Peak resident memory of the CLI's whole process tree, in bytes (sum of RSS: an upper bound). */
  peak: number
  /** The same as the sum of proportional set sizes (shared pages divided among their processes). */
  peakPss: number
  /** Sources per status, from the `--json` report. */
  statuses: Record<string, number>
  code: number | null
  /** Why the build did not finish normally, if it did not. */
  problem?: string
}

/** One row: N articles, one edition set, three builds, and pandoc beside it. */
export interface Row {
  n: number
  editions: string
  cold?: Phase
  noop?: Phase
  changed?: Phase
  pandoc?: PeerRun
  /** Why the row was not measured. */
  skipped?: string
}

export const seconds = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`
export const megabytes = (bytes: number): string => String(Math.round(bytes / 1024 / 1024))

function time(phase: Phase | undefined): string {
  if (!phase) return '—'
  return phase.problem ? `${seconds(phase.seconds)} ⚠` : seconds(phase.seconds)
}

function built(phase: Phase | undefined): string {
  if (!phase) return '—'
  const built = phase.statuses.built ?? 0
  const failed = phase.statuses.failed ?? 0
  return failed > 0 ? `${built} (+${failed} failed)` : String(built)
}

/** The results as a Markdown table, with the problems met listed below it. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| N | editions | cold | CPU s, cold | warm no-op | 1 changed | rebuilt (cold / no-op / changed) | peak MB (cold / no-op / changed) | pandoc: wall, CPU, peak | offprint ÷ pandoc |',
    '|--:|---|--:|--:|--:|--:|:-:|:-:|--:|--:|',
  ]
  const problems: string[] = []
  for (const row of rows) {
    if (row.skipped) {
      lines.push(`| ${row.n} | ${row.editions} | — | — | — | — | — | — | — | ${row.skipped} |`)
      continue
    }
    const phases = [row.cold, row.noop, row.changed]
    const pandoc = row.pandoc
      ? `${seconds(row.pandoc.seconds)}, ${seconds(row.pandoc.cpu)}, ${megabytes(row.pandoc.peak)} MB${row.pandoc.failed ? ` (${row.pandoc.failed} failed)` : ''}`
      : '—'
    const ratio = row.pandoc && row.cold && !row.cold.problem ? `${(row.cold.seconds / row.pandoc.seconds).toFixed(2)}×` : '—'
    lines.push(
      `| ${row.n} | ${row.editions} | ${time(row.cold)} | ${row.cold ? row.cold.cpu.toFixed(1) : '—'} | ${time(row.noop)} | ${time(row.changed)} | ${phases.map(built).join(' / ')} | ${phases.map((phase) => (phase ? megabytes(phase.peak) : '—')).join(' / ')} | ${pandoc} | ${ratio} |`,
    )
    for (const [name, phase] of [
      ['cold', row.cold],
      ['no-op', row.noop],
      ['changed', row.changed],
    ] as const) {
      if (phase?.problem) problems.push(`- N=${row.n} ${row.editions} ${name}: ${phase.problem}`)
    }
    if (row.pandoc?.firstFailure) problems.push(`- N=${row.n} ${row.editions} pandoc: ${row.pandoc.failed} command(s) failed, first ${row.pandoc.firstFailure}`)
    const rebuilt = (phase: Phase | undefined): number => (phase?.statuses.built ?? 0) + (phase?.statuses.failed ?? 0)
    // The cache keys hash pipeline/ and templates/: an edit there during the run rebuilds everything.
    if (row.noop && rebuilt(row.noop) > 0)
      problems.push(`- N=${row.n} ${row.editions} no-op: rebuilt ${rebuilt(row.noop)}, expected 0 (pipeline/ or templates/ edited during the run?)`)
    if (row.changed && rebuilt(row.changed) !== 1)
      problems.push(`- N=${row.n} ${row.editions} 1 changed: rebuilt ${rebuilt(row.changed)}, expected 1 (pipeline/ or templates/ edited during the run?)`)
  }
  return [lines.join('\n'), ...(problems.length > 0 ? ['', '⚠ Problems:', '', ...problems] : [])].join('\n')
}

/** One line of the goal table: one measure of one goal row, offprint beside its peer. */
export interface GoalLine {
  work: string
  offprint: string
  peer: string
  /** offprint ÷ peer, when both were measured. */
  ratio?: number
  goal: string
  /** Whether the goal holds; undefined when it could not be judged. */
  holds?: boolean
}

/** The goal table: each line's offprint, peer, ratio, goal, and whether it holds. */
export function goalTable(lines: readonly GoalLine[]): string {
  const out = ['| work | offprint | peer | ratio | goal | holds |', '|---|--:|--:|--:|---|:-:|']
  for (const line of lines) {
    const ratio = line.ratio === undefined || !Number.isFinite(line.ratio) ? '—' : `${line.ratio.toFixed(2)}×`
    const holds = line.holds === undefined ? '—' : line.holds ? '✅ yes' : '❌ no'
    out.push(`| ${line.work} | ${line.offprint} | ${line.peer} | ${ratio} | ${line.goal} | ${holds} |`)
  }
  return out.join('\n')
}
