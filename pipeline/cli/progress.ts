import path from 'node:path'
import type { BuildHooks } from '../build/build.ts'

/**
 * Progress of a build on `stream`: on a terminal, one bar redrawn in place
 * (done/total, current file, ETA); elsewhere (CI, pipes), one plain line
 * per source.
 */
export function progressHooks(stream: NodeJS.WriteStream): BuildHooks & { finish: () => void } {
  const tty = stream.isTTY === true && !process.env.CI
  let started = performance.now()
  let drawn = false
  return {
    onStart() {
      started = performance.now()
    },
    onSource(done, total, sourcePath) {
      const name = path.relative(process.cwd(), sourcePath)
      if (!tty) {
        stream.write(`[${done}/${total}] ${name}\n`)
        return
      }
      const elapsed = (performance.now() - started) / 1000
      const eta = done > 0 ? (elapsed / done) * (total - done) : 0
      const width = 24
      const filled = Math.round((done / Math.max(total, 1)) * width)
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
      const line = `${bar} ${done}/${total} ETA ${eta.toFixed(0)}s ${name}`
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 80) - 1)}`)
      drawn = true
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K')
    },
  }
}
