import { readdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'

/** A source to build and the folder its search for glossaries stops at. */
export interface SourceRef {
  path: string
  root: string
}

const markdownFile = /\.(md|markdown)$/i

/**
 * Every Markdown file named by `paths`: files as given, folders searched
 * recursively (hidden folders, `node_modules`, `dist` and symbolic links to
 * folders skipped; symbolic links to files listed, for `source.ts` to judge),
 * in a stable order.
 */
export async function collectSources(paths: readonly string[]): Promise<SourceRef[]> {
  const found: SourceRef[] = []
  for (const given of paths) {
    const absolute = path.resolve(given)
    const info = await stat(absolute)
    if (info.isDirectory()) {
      for (const file of await walk(absolute)) found.push({ path: file, root: absolute })
    } else found.push({ path: absolute, root: path.dirname(absolute) })
  }
  const seen = new Set<string>()
  return found.filter((ref) => !seen.has(ref.path) && seen.add(ref.path))
}

async function walk(dir: string): Promise<string[]> {
  // Synchronous: a thousand folders listed one by one through promises cost a tenth of a second.
  const entries = readdirSync(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const files: string[] = []
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(full)))
    // A linked Markdown file is listed, so that reading it can refuse it with a message when it leads outside its folder.
    else if ((entry.isFile() || entry.isSymbolicLink()) && markdownFile.test(entry.name)) files.push(full)
  }
  return files
}
