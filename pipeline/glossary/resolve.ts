import { existsSync } from 'node:fs'
import path from 'node:path'
import type { GlossaryEntry } from '../common/article.ts'
import { loadGlossary, type LoadedGlossary } from './load.ts'

/**
 * The glossaries that apply to a source: every `glossary.yaml` from its
 * build root down to its own folder. A nearer one extends the farther ones
 * and overrides an entry with the same term. Loads are shared through `cache`.
 */
export async function glossaryFor(sourcePath: string, root: string, cache: Map<string, Promise<LoadedGlossary>>): Promise<{ entries: GlossaryEntry[]; used: LoadedGlossary[] }> {
  const folders: string[] = []
  let dir = path.dirname(sourcePath)
  for (;;) {
    folders.unshift(dir)
    if (dir === root || !dir.startsWith(root + path.sep)) break
    dir = path.dirname(dir)
  }
  const byTerm = new Map<string, GlossaryEntry>()
  const used: LoadedGlossary[] = []
  for (const folder of folders) {
    const file = path.join(folder, 'glossary.yaml')
    if (!cache.has(file)) {
      if (!existsSync(file)) continue
      cache.set(file, loadGlossary(file))
    }
    const glossary = await (cache.get(file) as Promise<LoadedGlossary>)
    used.push(glossary)
    for (const entry of glossary.entries) byTerm.set(entry.term, entry)
  }
  return { entries: [...byTerm.values()], used }
}
