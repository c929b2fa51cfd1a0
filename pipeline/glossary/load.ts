import { readFile } from 'node:fs/promises'
import { VFile } from 'vfile'
import { isSeq } from 'yaml'
import type { GlossaryEntry } from '../common/article.ts'
import { glossarySchema } from './schema.ts'
import { decodeUtf8 } from '../common/encoding.ts'
import { nodeAt, parseYamlBlock, report, validateYaml } from '../common/yaml-source.ts'

/** A loaded glossary and its own file, which carries its messages. */
export interface LoadedGlossary {
  file: VFile
  entries: GlossaryEntry[]
  /** Offset of each entry in its file, to report on it later. */
  offsets: Map<GlossaryEntry, number>
}

/**
 * Load `glossary.yaml`: a YAML list of `{term, definition, variants}`. Bad
 * YAML, a missing definition, an empty term and a form listed twice are
 * errors at their own line and column; the entries are then empty.
 */
export async function loadGlossary(glossaryPath: string): Promise<LoadedGlossary> {
  const bytes = await readFile(glossaryPath)
  const file = new VFile({ path: glossaryPath, value: '' })
  const decoded = decodeUtf8(bytes)
  const empty: LoadedGlossary = { file, entries: [], offsets: new Map() }
  if ('invalidAt' in decoded) {
    file.value = new TextDecoder().decode(bytes)
    report(file, decoded.invalidAt, 'Unexpected bytes that are not UTF-8, expected a UTF-8 file', 'encoding-invalid')
    return empty
  }
  const text = decoded.text.replace(/^\uFEFF/, '')
  file.value = text
  const block = { text, offset: 0 }
  const doc = parseYamlBlock(file, block, 'glossary-yaml')
  if (!doc) return empty
  if (doc.contents === null) return empty
  if (!isSeq(doc.contents)) {
    report(file, doc.contents.range?.[0] ?? 0, 'Unexpected glossary that is not a list, expected `- term: …` entries', 'glossary-yaml')
    return empty
  }
  const entries = validateYaml(file, doc, block, glossarySchema, 'glossary-entry', (path) =>
    path.length > 1 ? `field \`${String(path[1])}\` of glossary entry ${Number(path[0]) + 1}` : `glossary entry ${Number(path[0]) + 1}`,
  )
  if (!entries) return empty
  const offsets = new Map<GlossaryEntry, number>()
  const seen = new Map<string, number>()
  let duplicate = false
  entries.forEach((entry, index) => {
    offsets.set(entry, nodeAt(doc, [index])?.range?.[0] ?? 0)
    for (const [formIndex, form] of [entry.term, ...entry.variants].entries()) {
      const path = formIndex === 0 ? [index, 'term'] : [index, 'variants', formIndex - 1]
      const offset = nodeAt(doc, path)?.range?.[0] ?? 0
      const first = seen.get(form)
      if (first === undefined) {
        seen.set(form, offset)
        continue
      }
      duplicate = true
      report(file, offset, `Unexpected duplicate glossary form \`${form}\`, expected each term and variant once`, 'glossary-duplicate', first)
    }
  })
  return duplicate ? empty : { file, entries, offsets }
}
