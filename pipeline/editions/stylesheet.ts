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
 * same on screen, on paper and in the e-reader. Then `theme`, the CSS the
 * project file adds to this edition (default none: nothing appended).
 */
export async function editionStylesheet(templatesDir: string, sheet: EditionSheet, theme?: string): Promise<string> {
  const [own, ...shared] = await Promise.all([sheet, ...sharedSheets].map((name) => readFile(path.join(templatesDir, name), 'utf8')))
  return `${[own?.trimEnd(), ...shared.map((text) => text.trimEnd()), ...(theme === undefined ? [] : [theme.trimEnd()])].join('\n')}\n`
}
