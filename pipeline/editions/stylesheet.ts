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
  const { own, shared } = await readSheets(templatesDir, sheet)
  return joined([own, ...shared, theme])
}

/**
 * The same sheets in two parts, for the print document: the shared ones, which
 * hold nothing Paged.js acts on (classes' colours and alignment), and the
 * edition's own followed by `theme`, which Paged.js reads (`@page`, running
 * strings, footnotes). The theme still comes after the shared sheets.
 */
export async function splitStylesheet(templatesDir: string, sheet: EditionSheet, theme?: string): Promise<{ shared: string; own: string }> {
  const { own, shared } = await readSheets(templatesDir, sheet)
  return { shared: joined(shared), own: joined([own, theme]) }
}

async function readSheets(templatesDir: string, sheet: EditionSheet): Promise<{ own: string; shared: string[] }> {
  const [own = '', ...shared] = await Promise.all([sheet, ...sharedSheets].map((name) => readFile(path.join(templatesDir, name), 'utf8')))
  return { own, shared }
}

/** Sheets one after the other, each without its trailing white space; none left out but an absent theme. */
function joined(sheets: ReadonlyArray<string | undefined>): string {
  return `${sheets
    .filter((text) => text !== undefined)
    .map((text) => text.trimEnd())
    .join('\n')}\n`
}
