import { isNode, isPair, isMap, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { VFileMessage } from 'vfile-message'
import type * as z from './zod.ts'
import { messageSource, type RuleId } from './rules.ts'

/** Where a YAML block sits in its file: the offset of its first character. */
export interface YamlBlock {
  text: string
  offset: number
}

/** Limits against hostile YAML: alias bombs and oversized documents. */
const maxAliasCount = 100

/**
 * Parse a YAML block of `file` safely: duplicate keys, unknown tags and alias
 * bombs are errors reported at their own line and column under `ruleId`.
 * Returns the document, or `undefined` when it cannot be used.
 */
export function parseYamlBlock(file: VFile, block: YamlBlock, ruleId: RuleId): Document | undefined {
  const doc = parseDocument(block.text, { uniqueKeys: true, prettyErrors: false, strict: true, schema: 'core' })
  const problems = [...doc.errors, ...doc.warnings]
  for (const problem of problems) {
    report(file, block.offset + startOf(block.text, problem), `Unexpected YAML: ${firstLine(problem.message)}; fix the YAML syntax`, ruleId)
  }
  if (problems.length > 0) return undefined
  try {
    doc.toJS({ maxAliasCount })
  } catch (error) {
    report(file, block.offset, `Unexpected YAML: ${firstLine(String((error as Error).message))}; remove the excess aliases`, ruleId)
    return undefined
  }
  return doc
}

/**
 * Validate the document's value against `schema`; each issue is reported at
 * the YAML node it concerns. Returns the parsed value, or `undefined`.
 */
export function validateYaml<Schema extends z.ZodMiniType>(
  file: VFile,
  doc: Document,
  block: YamlBlock,
  schema: Schema,
  ruleId: RuleId,
  describe: (path: PropertyKey[]) => string,
): z.infer<Schema> | undefined {
  const result = schema.safeParse(doc.toJS({ maxAliasCount }))
  if (result.success) return result.data
  for (const issue of result.error.issues) {
    const node = nodeAt(doc, issue.path)
    report(file, block.offset + (node?.range?.[0] ?? 0), `Unexpected ${describe(issue.path)}: ${issue.message}`, ruleId)
  }
  return undefined
}

/** The deepest YAML node along `path` (a missing key points at its parent). */
export function nodeAt(doc: Document, path: PropertyKey[]): YamlNode | undefined {
  let node: unknown = doc.contents
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isNode(item.key) && String((item.key as { value?: unknown }).value) === String(key))
      if (!pair || !isPair(pair)) break
      node = pair.value ?? pair.key
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key]
      if (!item) break
      node = item
    } else break
  }
  return isNode(node) ? node : undefined
}

/**
 * Report an error at an offset of `file`, as a fatal vfile message without
 * throwing; `causeOffset` is a second place (the first of two duplicates).
 */
export function report(file: VFile, offset: number, reason: string, ruleId: RuleId, causeOffset?: number): void {
  const place = location(file).toPoint(offset)
  const causePlace = causeOffset === undefined ? undefined : location(file).toPoint(causeOffset)
  const cause = causePlace ? new VFileMessage('First occurrence', { place: causePlace, ruleId, source: messageSource }) : undefined
  const message = file.message(reason, { ...(place ? { place } : {}), ruleId, source: messageSource, ...(cause ? { cause } : {}) })
  message.fatal = true
}

/**
 * Where a YAML problem starts. The yaml library places an unclosed quote or
 * flow collection where its end was expected (often the last line); the
 * reader needs the line that opened it.
 */
function startOf(text: string, problem: { code: string; message: string; pos: [number, number] }): number {
  const at = problem.pos[0] ?? 0
  const opener = /closing "quote/.test(problem.message)
    ? '"'
    : /closing 'quote/.test(problem.message)
      ? "'"
      : /Flow sequence/.test(problem.message)
        ? '['
        : /Flow map/.test(problem.message)
          ? '{'
          : undefined
  if (!opener || (problem.code !== 'MISSING_CHAR' && problem.code !== 'BAD_INDENT')) return at
  const open = text.lastIndexOf(opener, at - 1)
  return open === -1 ? at : open
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}
