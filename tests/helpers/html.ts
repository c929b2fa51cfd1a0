import { execFile } from 'node:child_process'
import { access } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { Element, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { selectAll } from 'hast-util-select'
import { HtmlValidate } from 'html-validate'

/**
 * html-validate's recommended rules, less those that judge style rather than
 * validity: `doctype-style` is met anyway; `long-title` is SEO advice, and a
 * headline is as long as the editor wrote it; trailing whitespace inside
 * `<pre>` is the source's code, kept verbatim; and `valid-id` checks only what
 * HTML requires (non-empty, no spaces), since GitHub's heading ids may begin
 * with a digit (`1-introduction`) and hand-written ones hold dots.
 */
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'long-title': 'off', 'no-trailing-whitespace': 'off', 'valid-id': ['error', { relaxed: true }] },
})

/** Validation errors as `line:column rule message` strings. */
export async function validateHtml(html: string, name: string): Promise<string[]> {
  const report = await validator.validateString(html, name)
  return report.results.flatMap((result) => result.messages.map((m) => `${name}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))
}

/** The Nu checker's jar, from the `vnu-jar` package (its own Java downloader is not used). */
const vnuJar = path.join(path.dirname(fileURLToPath(import.meta.resolve('vnu-jar'))), 'build', 'dist', 'vnu.jar')
const run = promisify(execFile)

interface NuMessage {
  type: string
  subType?: string
  url?: string
  lastLine?: number
  firstColumn?: number
  message: string
}

/**
 * Check HTML files with the W3C Nu checker (`vnu.jar`) in ONE Java run (the
 * JVM starts slowly): its errors (and non-document errors, such as a file it
 * cannot read), by file, as `name:line:column message`. Every file has an
 * entry, empty when it is valid. Without Java it fails saying how to install it.
 */
export async function validateWithNu(files: string[]): Promise<Map<string, string[]>> {
  // The checker passes over a file it cannot find in silence.
  await Promise.all(files.map((file) => access(file)))
  try {
    await run('java', ['-version'])
  } catch (error) {
    throw new Error('Unexpected missing `java`, expected a Java runtime for the W3C Nu checker (vnu-jar): install one with `apt-get install default-jre-headless`', {
      cause: error,
    })
  }
  // It exits with 1 when it finds an error; the report is on stdout all the same.
  const output = await run('java', ['-jar', vnuJar, '--format', 'json', '--stdout', ...files], { maxBuffer: 256 * 1024 * 1024 }).then(
    (done) => done.stdout,
    (error: { stdout?: string; message: string }) => {
      if (error.stdout?.trim().startsWith('{')) return error.stdout
      throw new Error(`Unexpected failure of the Nu checker, expected a JSON report: ${error.message}`, { cause: error })
    },
  )
  const byUrl = new Map(files.map((file) => [pathToFileURL(path.resolve(file)).href, file]))
  const found = new Map<string, string[]>(files.map((file) => [file, []]))
  for (const message of (JSON.parse(output) as { messages: NuMessage[] }).messages) {
    if (message.type !== 'error' && message.type !== 'non-document-error') continue
    const file = byUrl.get(message.url?.replace(/^file:\/(?!\/)/, 'file:///') ?? '') ?? message.url ?? '(unknown file)'
    const list = found.get(file) ?? []
    list.push(`${file}:${message.lastLine ?? 0}:${message.firstColumn ?? 0} ${message.message}`)
    found.set(file, list)
  }
  return found
}

export function parseHtml(html: string): Root {
  return fromHtml(html)
}

/** Ids that occur more than once. */
export function duplicateIds(tree: Root): string[] {
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const node of selectAll('[id]', tree)) {
    const id = String(node.properties.id)
    if (seen.has(id)) duplicates.push(id)
    seen.add(id)
  }
  return duplicates
}

/** `#fragment` links with no element of that id. */
export function unresolvedFragments(tree: Root): string[] {
  const ids = new Set(selectAll('[id]', tree).map((node) => String(node.properties.id)))
  return selectAll('a[href^="#"]', tree)
    .map((node: Element) => decodeURIComponent(String(node.properties.href).slice(1)))
    .filter((id) => id !== '' && !ids.has(id))
}
