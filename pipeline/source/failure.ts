import type { VFile } from 'vfile'
import { messageSource, type RuleId } from '../common/rules.ts'

/**
 * Turn an exception thrown while preparing a source into a fatal message on
 * it, so the report stays one format and never shows a stack trace. A stack
 * overflow or exhausted memory is the parser meeting a source past its
 * limits; anything else is offprint's own failure.
 */
export function reportFailure(file: VFile, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error)
  const limit = /Maximum call stack size exceeded|out of memory|Invalid string length|Array buffer allocation failed/i.test(reason)
  const ruleId: RuleId = limit ? 'source-limit' : 'internal-error'
  const message = file.message(
    limit
      ? `Unexpected source past the parser's limits (${reason}), expected shallower or smaller Markdown; split it or simplify its nesting`
      : `Unexpected failure of offprint on this source (${reason}), expected none; please report it with the source`,
    { place: { line: 1, column: 1 }, ruleId, source: messageSource },
  )
  message.fatal = true
}
