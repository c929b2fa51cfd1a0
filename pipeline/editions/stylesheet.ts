import { readFile } from 'node:fs/promises'
import path from 'node:path'

/** An edition's own stylesheet in `templates/`. */
export type EditionSheet = 'site.css' | 'print.css' | 'epub.css'

/** Sheets every edition shares, appended to its own: table alignment classes, code tokens and math. */
const sharedSheets = ['align.css', 'code.css']

/**
 * The edition's stylesheet followed by the shared ones (`templates/align.css`:
 * `align-right`, `valign-top`, …; `templates/code.css`: code tokens and math):
 * one copy of each, so a table's alignment and a code block's colours are the
 * same on screen, on paper and in the e-reader.
 */
export async function editionStylesheet(templatesDir: string, sheet: EditionSheet): Promise<string> {
  const [own, ...shared] = await Promise.all([sheet, ...sharedSheets].map((name) => readFile(path.join(templatesDir, name), 'utf8')))
  return [own?.trimEnd(), ...shared.map((text) => text.trimEnd())].join('\n') + '\n'
}
