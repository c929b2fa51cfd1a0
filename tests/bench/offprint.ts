import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rm, symlink } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { bundleIsFresh } from '../../pipeline/bundle-fresh.js'
import type { BenchConfig } from './config.ts'
import { measure } from './process-tree.ts'
import type { Phase } from './table.ts'

export const projectRoot = path.resolve(import.meta.dirname, '..', '..')

/** Which editions the checkout has a writer for. */
export function presentEditions(): { present: string[]; missing: string[] } {
  const present: string[] = []
  const missing: string[] = []
  for (const edition of ['html', 'pdf', 'epub']) (existsSync(path.join(projectRoot, 'pipeline', 'editions', edition, `write-${edition}.ts`)) ? present : missing).push(edition)
  return { present, missing }
}

/**
 * The code the benchmark runs: a copy of the checkout's code (with its
 * `node_modules` linked), so that edits made in the checkout during a long
 * run neither mix versions nor invalidate the cache keys, which hash
 * `pipeline/` and `templates/`, with its CLI compiled as `make` does. With
 * `--live`, the checkout itself.
 */
export async function codeRoot(work: string, config: BenchConfig): Promise<string> {
  if (config.live) return projectRoot
  const root = path.join(work, 'offprint')
  await mkdir(root)
  // Times kept, so the compiled CLI in `.build/` stays newer than `pipeline/` and is used.
  for (const name of ['pipeline', 'templates', '.build', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    const from = path.join(projectRoot, name)
    if (existsSync(from)) await cp(from, path.join(root, name), { recursive: true, preserveTimestamps: true })
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  // Run outside `make bench` (which compiles it first), the checkout's bundle may be older than its code: compile the copy's, as `make` would.
  if (!runsBundle(root)) {
    await mkdir(path.join(root, 'scripts'))
    await cp(path.join(projectRoot, 'scripts', 'bundle.mjs'), path.join(root, 'scripts', 'bundle.mjs'))
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root })
  }
  return root
}

/** One build by the real CLI, measured (wall, CPU and peak memory of its whole tree, PSS too with `pss`), with its `--json` report read back. */
export async function buildOnce(source: string, out: string, editions: string, config: BenchConfig & { code: string }, options: { pss?: boolean } = {}): Promise<Phase> {
  const report = `${out}.report.json`
  await rm(report, { force: true })
  const bin = path.join(config.code, 'pipeline', 'bin.js')
  const run = await measure(process.execPath, [bin, 'build', source, '--out', out, '--editions', editions, '--jobs', String(config.jobs), '--quiet', '--json', report], {
    cwd: config.code,
    timeout: config.timeout,
    pss: options.pss ?? false,
  })
  const statuses: Record<string, number> = {}
  let problem: string | undefined
  try {
    const parsed = JSON.parse(await readFile(report, 'utf8')) as { sources: Array<{ status: string }> }
    for (const { status } of parsed.sources) statuses[status] = (statuses[status] ?? 0) + 1
  } catch {
    problem = 'no --json report written'
  }
  await rm(report, { force: true })
  if (run.timedOut) problem = `killed after ${config.timeout} s (--timeout)`
  else if (run.code !== 0) problem = `exit ${run.code ?? run.signal}: ${run.stderr.trim().split('\n').slice(0, 3).join(' ⏎ ').slice(0, 300)}`
  return { seconds: run.seconds, cpu: run.cpu, peak: run.peak, peakPss: run.peakPss, statuses, code: run.code, ...(problem ? { problem } : {}) }
}

/** Whether the CLI in `code` runs the compiled bundle, as `make` leaves it, or the TypeScript through tsx (slower to start). */
export function runsBundle(code: string): boolean {
  return bundleIsFresh(path.join(code, '.build', 'cli.js'), path.join(code, 'pipeline'))
}

/** Wall time of the CLI doing nothing (`--help`): the floor under every build's time. */
export async function startupSeconds(code: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    await promisify(execFile)(process.execPath, [path.join(code, 'pipeline', 'bin.js'), '--help'], { cwd: code })
    times.push((performance.now() - started) / 1000)
  }
  return times.sort((a, b) => a - b)[1] ?? 0
}
