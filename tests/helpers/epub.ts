import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { visit } from 'unist-util-visit'
import type { Element, Root } from 'xast'
import { wordsOf } from './words.ts'

const run = promisify(execFile)

// ---------------------------------------------------------------- epubcheck

const epubcheckJar = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar'
const installHint =
  'install Java and EPUBCheck with `apt-get install default-jre-headless epubcheck` (the jar is run with `java -jar`; set EPUBCHECK_JAR to use another epubcheck.jar)'

/**
 * Checks several books in one JVM: starting Java and loading EPUBCheck's
 * schemas costs seconds, each further book well under one. A single-file
 * Java program (Java 11+ runs it from source), calling EPUBCheck's own CLI
 * entry point once per book with a JSON report beside it.
 */
const batchChecker = `
public class EpubcheckBatch {
  public static void main(String[] args) {
    for (String file : args) {
      new com.adobe.epubcheck.tool.EpubChecker().run(new String[] { file, "--json", file + ".json", "--quiet" });
    }
  }
}
`

interface EpubcheckMessage {
  ID: string
  severity: string
  message: string
  locations: Array<{ path: string; line: number; column: number }>
}

export async function requireEpubcheck(): Promise<void> {
  try {
    await run('java', ['-version'])
  } catch (error) {
    throw new Error(`Unexpected missing \`java\`, expected Java 11 or later to run EPUBCheck: ${installHint}`, { cause: error })
  }
  if (!existsSync(epubcheckJar)) throw new Error(`Unexpected missing \`${epubcheckJar}\`, expected EPUBCheck's jar: ${installHint}`)
}

/** EPUBCheck's fatal errors, errors and warnings for each book, as `ID path:line:col message`. */
export async function epubcheck(files: readonly string[], workDir: string): Promise<Map<string, string[]>> {
  const program = path.join(workDir, 'EpubcheckBatch.java')
  await writeFile(program, batchChecker)
  await run('java', ['-Xss1024k', '-cp', epubcheckJar, program, ...files], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 })
  const results = new Map<string, string[]>()
  for (const file of files) {
    const report = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { messages: EpubcheckMessage[] }
    results.set(
      file,
      report.messages
        .filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity))
        .map((m) => `${m.severity} ${m.ID} ${m.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(' ')} ${m.message}`),
    )
  }
  return results
}

// ---------------------------------------------------------------- xast helpers

export function elements(tree: Root | Element, name?: string): Element[] {
  const found: Element[] = []
  visit(tree, 'element', (node) => {
    if (name === undefined || node.name === name) found.push(node)
  })
  return found
}

export function textOf(node: Root | Element): string {
  const parts: string[] = []
  visit(node, 'text', (text) => {
    parts.push(text.value)
  })
  return parts.join('')
}

export const epubType = (node: Element): string[] => (node.attributes['epub:type'] ?? '').split(/\s+/).filter(Boolean)

/** Words of a content document: text nodes joined by spaces, plus the text alternatives of images (`alt`) and math (`alttext`, its TeX); the `<title>` is not text. */
export function documentWords(tree: Root): string[] {
  const parts: string[] = []
  visit(tree, (node) => {
    if (node.type === 'element' && node.name === 'title') return 'skip'
    if (node.type === 'text') parts.push(node.value)
    if (node.type === 'element' && node.name === 'img' && node.attributes.alt) parts.push(node.attributes.alt)
    if (node.type === 'element' && node.name === 'math' && node.attributes.alttext) parts.push(node.attributes.alttext)
    return undefined
  })
  return wordsOf(parts.join(' '))
}
