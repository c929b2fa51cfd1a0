import type { FootnoteDefinition, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { messageSource } from '../rules.ts'

/** Text GFM left as `[^label]` because no definition matched it. */
const danglingReference = /\[\^([^\]\s]+)\]/g

/**
 * Warn about footnote references without a definition (GFM leaves them as
 * literal text, so they survive, but no note is made), definitions nobody
 * references, and labels defined twice.
 */
export function remarkFootnoteCheck() {
  return function (tree: Root, file: VFile): void {
    const definitions = new Map<string, FootnoteDefinition>()
    const referenced = new Set<string>()
    visit(tree, (node) => {
      if (node.type === 'footnoteReference') referenced.add(node.identifier)
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
        for (const match of node.value.matchAll(danglingReference)) {
          const start = node.position?.start
          const place = start ? { line: start.line, column: start.column + (match.index ?? 0), offset: (start.offset ?? 0) + (match.index ?? 0) } : undefined
          file.message(`Unexpected footnote reference \`${match[0]}\` with no definition, expected a \`${match[0]}: …\` line; it is kept as text`, {
            ...(place ? { place } : {}),
            ruleId: 'footnote-undefined',
            source: messageSource,
          })
        }
      }
    })
    for (const [identifier, definition] of definitions) {
      if (referenced.has(identifier)) continue
      file.message(`Unexpected unused footnote \`[^${definition.label ?? identifier}]\`, expected a reference to it in the text; it is left out`, {
        ...(definition.position ? { place: definition.position } : {}),
        ruleId: 'footnote-unused',
        source: messageSource,
      })
    }
  }
}
