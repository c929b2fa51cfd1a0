import { spawn } from 'node:child_process'
import { watchPeak } from './process-tree.ts'

/** One command a peer runs. */
export interface Command {
  command: string
  args: string[]
  cwd: string
  env?: NodeJS.ProcessEnv
}

/** A peer's run over a set of inputs, measured as one. */
export interface PeerRun {
  seconds: number
  /** CPU seconds of every process the run started, and their descendants. */
  cpu: number
  /** Peak resident memory of all of them at once, in bytes (sum of RSS). */
  peak: number
  /** The same as the sum of proportional set sizes. */
  peakPss: number
  /** Commands that failed (exit code other than 0, or killed). */
  failed: number
  /** The first failure: its command and the end of its error output. */
  firstFailure?: string
}

/**
 * Run `units` (each a list of commands run one after the other), `jobs`
 * units at a time, as children of this process; measure the wall time, and
 * the CPU and peak memory of every process below this one meanwhile (nothing
 * else may run from this process during it). A command past `timeout`
 * seconds is killed and counts as failed.
 */
export async function runUnits(units: readonly (readonly Command[])[], jobs: number, timeout: number): Promise<PeerRun> {
  const started = performance.now()
  const monitor = watchPeak(process.pid, { withRoot: false, interval: 50 })
  let failed = 0
  let firstFailure: string | undefined
  let next = 0
  const one = (step: Command): Promise<void> =>
    new Promise((resolve) => {
      const child = spawn(step.command, step.args, { cwd: step.cwd, env: step.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
      let stderr = ''
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-4000)
      })
      const timer = setTimeout(() => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL')
          } catch {
            // Already gone.
          }
        }
      }, timeout * 1000)
      const done = (code: number | null, why: string): void => {
        clearTimeout(timer)
        if (code !== 0) {
          failed++
          firstFailure ??= `\`${step.command} ${step.args.join(' ').slice(0, 200)}\`: ${why} ${stderr.trim().split('\n').slice(-3).join(' ⏎ ').slice(0, 300)}`
        }
        resolve()
      }
      child.once('error', (error) => done(-1, error.message))
      child.once('exit', (code, signal) => done(code, `exit ${code ?? signal}`))
    })
  const worker = async (): Promise<void> => {
    while (next < units.length) {
      const unit = units[next++] ?? []
      for (const step of unit) await one(step)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, units.length)) }, worker))
  const seconds = (performance.now() - started) / 1000
  const { peak, peakPss, cpu } = monitor.stop()
  return { seconds, cpu, peak, peakPss, failed, ...(firstFailure ? { firstFailure } : {}) }
}
