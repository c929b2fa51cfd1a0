import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { processes, statFields, tree } from '../helpers/processes.ts'

/** Bytes per page, for `/proc/<pid>/statm` (4 KiB on the machines we run on). */
const pageSize = Number(process.env.BENCH_PAGE_SIZE ?? 4096)

/** Clock ticks per second of the CPU times in `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

function rss(pids: readonly number[]): number {
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

/**
 * The proportional set size of `pids`, in bytes: each process's own pages,
 * plus its share of the pages it maps with others (Chromium's processes map
 * one 250 MB binary, each counted whole by RSS). `/proc/<pid>/smaps_rollup`.
 */
function pss(pids: readonly number[]): number {
  let total = 0
  for (const pid of pids) {
    try {
      const line = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
      total += Number(line?.[1] ?? 0) * 1024
    } catch {
      // Ended meanwhile.
    }
  }
  return total
}

/**
 * CPU seconds (user + system) of this process's children that have ended and
 * been waited for, with everything they waited for in turn (`cutime` +
 * `cstime` of `/proc/self/stat`).
 */
function reapedChildrenCpu(): number {
  const fields = statFields(readFileSync('/proc/self/stat', 'utf8'))
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond
}

/** What `watchPeak` saw. */
export interface TreeUsage {
  /** The highest sum of resident memory seen at once, in bytes: an upper bound, shared pages counted once per process. */
  peak: number
  /** The highest sum of proportional set sizes seen at once, in bytes: shared pages divided among the processes that share them. */
  peakPss: number
  /**
   * CPU seconds of the whole tree, Chromium's helpers included. The kernel
   * counts a process's CPU into its parent's when the parent waits for it, so
   * this process's own count of waited-for children covers every descendant
   * whose parent waited for it, exactly. A process orphaned on the way (a
   * Chromium helper whose browser exited first is adopted and waited for by
   * init) is missed there: it is followed by polling after it left the tree,
   * and what it and the children it waited for used is added, as last polled.
   * At least the sum of every process's own time as last polled.
   */
  cpu: number
}

/**
 * Poll the tree of `root` every `interval` ms, and the processes that left
 * it while alive (orphans adopted by init); `stop()` gives the peak memory
 * and the CPU time of them all. With `withRoot: false` the tree is `root`'s
 * descendants: this process's own children, run meanwhile (nothing else may
 * run from this process during it, or it is counted too). PSS is read only
 * with `pss` (default false: `peakPss` stays 0), for the rows whose goal is
 * memory: reading it slows the build it measures (below).
 */
export function watchPeak(root: number, options: { withRoot: boolean; interval: number; pss?: boolean }): { stop: () => TreeUsage } {
  let peak = 0
  let peakPss = 0
  let samples = 0
  let lastPssPeak = 0
  /** Every process seen in the tree, by pid and start time: its CPU as last polled, and whether it was seen adopted outside. */
  const seen = new Map<string, { own: number; children: number; orphan: boolean }>()
  const reapedAtStart = reapedChildrenCpu()
  const sample = (): void => {
    const all = processes()
    const pids = tree(all, root, options.withRoot)
    const inTree = new Set(pids)
    const id = (pid: number): string => `${pid}@${all.get(pid)?.start}`
    for (const [pid, stat] of all) {
      const known = seen.get(id(pid))
      if (inTree.has(pid)) seen.set(id(pid), { own: stat.own, children: stat.children, orphan: known?.orphan ?? false })
      else if (known) {
        // Left the tree alive: adopted elsewhere. Its parent's count will not hold it, unless the parent is itself followed.
        seen.set(id(pid), { own: stat.own, children: stat.children, orphan: known.orphan || !seen.has(id(stat.parent)) })
        pids.push(pid)
      }
    }
    peak = Math.max(peak, rss(pids))
    // smaps_rollup walks each process's page tables (Chromium reserves a terabyte of address
    // space): read every 50 ms it took most of a core from the build it measured, and even at a
    // tenth of the rate plus each new RSS peak it slowed a one-article build (whose RSS peaks all
    // the way) by about a third, against pandoc's small processes. So only the memory rows read it:
    // at a tenth of the rate, and whenever RSS reaches a new peak.
    if (options.pss && (samples++ % 10 === 0 || peak > lastPssPeak)) {
      lastPssPeak = peak
      peakPss = Math.max(peakPss, pss(pids))
    }
  }
  sample()
  const timer = setInterval(sample, options.interval)
  return {
    stop() {
      clearInterval(timer)
      sample()
      let polled = 0
      let orphans = 0
      for (const entry of seen.values()) {
        polled += entry.own
        if (entry.orphan) orphans += entry.own + entry.children
      }
      const reaped = reapedChildrenCpu() - reapedAtStart
      return { peak, peakPss, cpu: Math.max(polled / ticksPerSecond, reaped + orphans / ticksPerSecond) }
    },
  }
}

/** A finished child process, timed and measured. */
export interface Measured {
  code: number | null
  signal: NodeJS.Signals | null
  seconds: number
  /** Peak resident memory of the child and every process below it, in bytes (sum of RSS). */
  peak: number
  /** The same, as the sum of proportional set sizes. */
  peakPss: number
  /** CPU seconds of the child and every process below it (see `TreeUsage`). */
  cpu: number
  stderr: string
  timedOut: boolean
}

/**
 * Run a command as its own process group, measure its wall time and the
 * peak memory of its whole tree; kill that group if it outlives `timeout`
 * seconds.
 */
export function measure(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeout: number; interval?: number; env?: NodeJS.ProcessEnv; pss?: boolean },
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    if (child.pid === undefined) {
      child.once('error', reject)
      return
    }
    const pid = child.pid
    const monitor = watchPeak(pid, { withRoot: true, interval: options.interval ?? 50, pss: options.pss ?? false })
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
      const seconds = (performance.now() - started) / 1000
      // Polled before the exit is reported (the tree is gone by now); the child is already waited for, so its CPU is counted.
      const { peak, peakPss, cpu } = monitor.stop()
      resolve({ code, signal, seconds, peak, peakPss, cpu, stderr, timedOut })
    })
  })
}
