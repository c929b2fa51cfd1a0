import { execFile } from 'node:child_process'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

/** Pages of a PDF: `pdfinfo` when poppler is installed, else its `/Type /Page` objects; undefined when unreadable. */
async function pdfPages(file: string): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)('pdfinfo', [file])
    const pages = /^Pages:\s+(\d+)/m.exec(stdout)?.[1]
    if (pages) return Number(pages)
  } catch {
    // No poppler, or a broken file: count the page objects.
  }
  try {
    const bytes = (await readFile(file)).toString('latin1')
    if (!bytes.startsWith('%PDF-')) return undefined
    const count = bytes.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0
    return count > 0 ? count : undefined
  } catch {
    return undefined
  }
}

/** The editions a folder of offprint output holds: `<slug>/index.html`, `<slug>/<slug>.pdf`, `<slug>/<slug>.epub`. */
export async function offprintOutputs(out: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(out, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    for (const name of [`index.html`, `${entry.name}.pdf`, `${entry.name}.epub`]) files.push(path.join(out, entry.name, name))
  }
  return files
}

/** Which of `expected` exist; what they hold, per kind: "100 HTML, 100 EPUB, 100 PDF (4–92 pages)". */
export async function describeOutputs(expected: readonly string[]): Promise<{ summary: string; problem?: string }> {
  const kinds = new Map<string, { found: number; missing: number; pages: number[]; unreadable: number }>()
  for (const file of expected) {
    const kind = path.extname(file).slice(1).toUpperCase()
    const entry = kinds.get(kind) ?? { found: 0, missing: 0, pages: [], unreadable: 0 }
    kinds.set(kind, entry)
    const size = await stat(file).then(
      (info) => info.size,
      () => 0,
    )
    if (size === 0) {
      entry.missing++
      continue
    }
    entry.found++
    if (kind === 'PDF') {
      const pages = await pdfPages(file)
      if (pages === undefined) entry.unreadable++
      else entry.pages.push(pages)
    }
  }
  const parts: string[] = []
  const problems: string[] = []
  for (const [kind, entry] of kinds) {
    const pages = entry.pages.length > 0 ? ` (${Math.min(...entry.pages)}–${Math.max(...entry.pages)} pages, ${entry.pages.reduce((a, b) => a + b, 0)} in all)` : ''
    parts.push(`${entry.found} ${kind}${pages}`)
    if (entry.missing > 0) problems.push(`${entry.missing} ${kind} missing or empty`)
    if (entry.unreadable > 0) problems.push(`${entry.unreadable} PDF without readable pages`)
  }
  return { summary: parts.join(', '), ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) }
}
