import type { FootnoteDefinition, FootnoteReference, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { VFileMessage } from 'vfile-message'
import { messageSource } from '../common/rules.ts'

/**
 * What GFM leaves as text when no definition matches: `[^label]` not
 * preceded by a backslash (an escaped `\[^x]` is the author's literal text).
 * Labels with spaces can never match a definition, so they count too.
 */
const danglingReference = /(?<!\\)\[\^([^\]\n]+)\]/g

/**
 * Warn about footnote references without a definition (GFM leaves them as
 * literal text, so they survive, but no note is made), definitions nobody
 * references, and labels defined twice.
 */
export function remarkFootnoteCheck() {
  return function (tree: Root, file: VFile): void {
    const definitions = new Map<string, FootnoteDefinition>()
    const source = String(file.value)
    const place = location(file)
    visit(tree, (node) => {
      if (node.type === 'footnoteDefinition') {
        const first = definitions.get(node.identifier)
        if (first) {
          file.message(`Unexpected second definition of footnote \`[^${node.label ?? node.identifier}]\`, expected each label once; the first one is used`, {
            place: node.position,
            ruleId: 'footnote-duplicate',
            source: messageSource,
            cause: new VFileMessage('First definition', { ...(first.position ? { place: first.position } : {}), ruleId: 'footnote-duplicate', source: messageSource }),
          })
        } else definitions.set(node.identifier, node)
      }
      if (node.type === 'text' && node.value.includes('[^')) {
        // Search the raw source of the text node: it keeps escapes and true offsets.
        const start = node.position?.start.offset
        const end = node.position?.end.offset
        if (start === undefined || end === undefined) return
        for (const match of source.slice(start, end).matchAll(danglingReference)) {
          const at = place.toPoint(start + (match.index ?? 0))
          file.message(`Unexpected footnote reference \`${match[0]}\` with no definition, expected a \`${match[0]}: …\` line (labels cannot contain spaces); it is kept as text`, {
            ...(at ? { place: at } : {}),
            ruleId: 'footnote-undefined',
            source: messageSource,
          })
        }
      }
    })
    const reachable = reachableNotes(tree, definitions)
    for (const [identifier, definition] of definitions) {
      if (reachable.has(identifier)) continue
      file.message(`Unexpected unused footnote \`[^${definition.label ?? identifier}]\`, expected a reference to it in the text; it is left out`, {
        ...(definition.position ? { place: definition.position } : {}),
        ruleId: 'footnote-unused',
        source: messageSource,
      })
    }
  }
}

/**
 * Notes the reader can reach: called from the text, or from a note that is.
 * A note called only from itself (or from notes nobody calls) is never
 * rendered, so it counts as unused.
 */
function reachableNotes(tree: Root, definitions: ReadonlyMap<string, FootnoteDefinition>): Set<string> {
  const calls = new Map<string, Set<string>>()
  const inNotes = new Set<FootnoteReference>()
  for (const [identifier, definition] of definitions) {
    const called = new Set<string>()
    visit(definition, 'footnoteReference', (reference) => {
      called.add(reference.identifier)
      inNotes.add(reference)
    })
    calls.set(identifier, called)
  }
  // Calls inside a second definition of a label are not rendered either.
  visit(tree, 'footnoteDefinition', (definition) => {
    if (definitions.get(definition.identifier) !== definition) visit(definition, 'footnoteReference', (reference) => void inNotes.add(reference))
  })
  const reachable = new Set<string>()
  const queue: string[] = []
  visit(tree, 'footnoteReference', (reference) => {
    if (!inNotes.has(reference)) queue.push(reference.identifier)
  })
  while (queue.length > 0) {
    const identifier = queue.pop() as string
    if (reachable.has(identifier)) continue
    reachable.add(identifier)
    queue.push(...(calls.get(identifier) ?? []))
  }
  return reachable
}
