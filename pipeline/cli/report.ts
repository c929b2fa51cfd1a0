import type { VFile } from 'vfile'
import { reporter } from 'vfile-reporter'

/** How much the report says. */
export type Verbosity = 'quiet' | 'normal' | 'verbose'

/** The report of a build or check: `file:line:column  severity  reason  rule-id`. */
export function formatReport(files: VFile[], verbosity: Verbosity): string {
  if (verbosity === 'quiet') {
    const failing = files.filter((file) => file.messages.some((message) => message.fatal))
    return failing.length > 0 ? reporter(failing, { quiet: true, silent: true }) : ''
  }
  return reporter(files, { quiet: verbosity !== 'verbose', verbose: verbosity === 'verbose' })
}

/** 0 success; 1 content errors, or warnings with `frail`. */
export function exitCodeOf(files: VFile[], frail: boolean): 0 | 1 {
  const messages = files.flatMap((file) => file.messages)
  if (messages.some((message) => message.fatal)) return 1
  if (frail && messages.length > 0) return 1
  return 0
}
