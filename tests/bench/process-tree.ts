import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Bytes per page, for `/proc/<pid>/statm` (4 KiB on the machines we run on). */
const pageSize = Number(process.env.BENCH_PAGE_SIZE ?? 4096)

/** `pid → parent pid` of every process now, from `/proc/<pid>/stat`. */
function parents(): Map<number, number> {
  const map = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // The command name may hold spaces and parentheses: fields resume after the last `)`.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      map.set(Number(name), Number(fields[1]))
    } catch {
      // The process ended meanwhile.
    }
  }
  return map
}

/** Resident bytes of `root` (when `withRoot`) and of all its descendants, Chromium's included. */
export function treeRss(root: number, withRoot = true): number {
  const children = new Map<number, number[]>()
  for (const [pid, parent] of parents()) children.set(parent, [...(children.get(parent) ?? []), pid])
  const pids: number[] = withRoot ? [root] : []
  const queue = [...(children.get(root) ?? [])]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    pids.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  let total = 0
  for (const pid of pids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageSize
    } catch {
      // Ended meanwhile.
    }
  }
  return total
}

/** Poll the tree of `root` every `interval` ms; `stop()` gives the peak sum seen, in bytes. */
export function watchPeak(root: number, options: { withRoot: boolean; interval: number }): { stop: () => number } {
  let peak = 0
  const sample = (): void => {
    peak = Math.max(peak, treeRss(root, options.withRoot))
  }
  sample()
  const timer = setInterval(sample, options.interval)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return peak
    },
  }
}

/** A finished child process, timed and measured. */
export interface Measured {
  code: number | null
  signal: NodeJS.Signals | null
  seconds: number
  /** Peak resident memory of the child and every process below it, in bytes. */
  peak: number
  stderr: string
  timedOut: boolean
}

/**
 * Run a command as its own process group, measure its wall time and the
 * peak memory of its whole tree; kill that group if it outlives `timeout`
 * seconds.
 */
export function measure(command: string, args: readonly string[], options: { cwd: string; timeout: number; interval?: number }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    if (child.pid === undefined) {
      child.once('error', reject)
      return
    }
    const pid = child.pid
    const monitor = watchPeak(pid, { withRoot: true, interval: options.interval ?? 50 })
    let stderr = ''
    let timedOut = false
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000)
    })
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }, options.timeout * 1000)
    child.once('error', (error) => {
      clearTimeout(timer)
      monitor.stop()
      reject(error)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      // The peak is taken before the exit is reported: the tree is gone by now.
      const peak = monitor.stop()
      resolve({ code, signal, seconds: (performance.now() - started) / 1000, peak, stderr, timedOut })
    })
  })
}
