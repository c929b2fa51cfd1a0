import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { type FileStamp, sameStamp, settled } from '../common/file-stamp.ts'

/** An edition's own stylesheet in `templates/`. */
export type EditionSheet = 'site.css' | 'print.css' | 'epub.css'

/** Sheets every edition shares, appended to its own: table alignment classes, code tokens and math. */
const sharedSheets = ['align.css', 'code.css']

/**
 * The print edition's look apart from what Paged.js acts on (`print-text.css`:
 * type, spacing, colours, tables, code), before its own sheet (`print.css`:
 * pages, running strings, footnotes, breaks, display, position, content).
 */
const textSheets: Partial<Record<EditionSheet, string>> = { 'print.css': 'print-text.css' }

/**
 * The edition's stylesheet followed by the shared ones (`templates/align.css`:
 * `align-right`, `valign-top`, …; `templates/code.css`: code tokens and math):
 * one copy of each, so a table's alignment and a code block's colours are the
 * same on screen, on paper and in the e-reader. Then `theme`, the CSS the
 * project file adds to this edition (default none: nothing appended).
 */
export async function editionStylesheet(templatesDir: string, sheet: EditionSheet, theme?: string): Promise<string> {
  const { text, own, shared } = await readSheets(templatesDir, sheet)
  return joined([text, own, ...shared, theme])
}

/**
 * The same sheets in two parts, for the print document: those that hold
 * nothing Paged.js acts on (the edition's text sheet, then the shared ones:
 * type, colours, alignment), and the edition's own followed by `theme`, which
 * Paged.js reads (`@page`, running strings, footnotes, breaks). The theme
 * still comes after all of them.
 */
export async function splitStylesheet(templatesDir: string, sheet: EditionSheet, theme?: string): Promise<{ shared: string; own: string }> {
  const { text, own, shared } = await readSheets(templatesDir, sheet)
  return { shared: joined([text, ...shared]), own: joined([own, theme]) }
}

async function readSheets(templatesDir: string, sheet: EditionSheet): Promise<{ text: string | undefined; own: string; shared: string[] }> {
  const text = textSheets[sheet]
  const read = (name: string): Promise<string> => readSheet(path.join(templatesDir, name))
  const [own = '', ...shared] = await Promise.all([sheet, ...sharedSheets].map(read))
  return { text: text === undefined ? undefined : await read(text), own, shared }
}

/** Sheets one after the other, each without its trailing white space; none left out but an absent theme. */
function joined(sheets: ReadonlyArray<string | undefined>): string {
  return `${sheets
    .filter((text) => text !== undefined)
    .map((text) => text.trimEnd())
    .join('\n')}\n`
}

/** Each sheet's text by its path, with the size, modification time and inode it was read at. */
const readTexts = new Map<string, { stamp: FileStamp; text: string }>()

/**
 * The text of the sheet `file`, read again only when the file has changed:
 * every document of a build reads the same templates (four files opened and
 * read per PDF, about 1 ms of Node's time, profiled); a stat tells a template
 * edited while `serve` runs.
 */
async function readSheet(file: string): Promise<string> {
  const { mtimeMs, size, ino } = statSync(file)
  const stamp = { size, mtimeMs, ino }
  const known = readTexts.get(file)
  if (known && sameStamp(stamp, known.stamp)) return known.text
  const text = await readFile(file, 'utf8')
  if (settled(stamp)) readTexts.set(file, { stamp, text })
  else readTexts.delete(file)
  return text
}
