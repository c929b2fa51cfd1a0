import { readFile } from 'node:fs/promises'
import path from 'node:path'

/** An edition's own stylesheet in `templates/`. */
export type EditionSheet = 'site.css' | 'print.css' | 'epub.css'

/**
 * The edition's stylesheet followed by `templates/align.css`, the alignment
 * classes (`align-right`, `valign-top`, …) every edition shares: one copy of
 * them, so a table's column alignment is the same on screen, on paper and in
 * the e-reader.
 */
export async function editionStylesheet(templatesDir: string, sheet: EditionSheet): Promise<string> {
  const [own, align] = await Promise.all([readFile(path.join(templatesDir, sheet), 'utf8'), readFile(path.join(templatesDir, 'align.css'), 'utf8')])
  return `${own.trimEnd()}\n${align}`
}
