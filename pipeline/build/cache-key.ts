import { createHash } from 'node:crypto'
import { type Dirent, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { EditionName } from '../common/config.ts'
import { projectRoot } from '../common/project-root.ts'

/**
 * The part of every cache key that is the same for all sources: the tool
 * (`code`, its `codeFingerprint`) and the settings that change output.
 * Computed once per build.
 */
export function buildFingerprint(code: string, settings: Record<string, unknown>): string {
  return createHash('sha256').update(code).update(JSON.stringify(settings)).digest('hex')
}

/**
 * The tool's code, its locked dependencies and the templates: what every output depends on.
 * The files (about 160, 1 MB) are read synchronously, in 10–20 ms: awaiting each read let the
 * browser's modules, loading meanwhile, run between two reads, and it took 150–400 ms of a cold build.
 */
export function codeFingerprint(templatesDir: string): string {
  const hash = createHash('sha256')
  for (const folder of [path.join(projectRoot, 'pipeline'), templatesDir]) {
    for (const file of listFiles(folder)) {
      hash.update(path.relative(folder, file)).update('\0').update(readFileSync(file)).update('\0')
    }
  }
  hash.update(readOrEmpty(path.join(projectRoot, 'package-lock.json')))
  return hash.digest('hex')
}

function readOrEmpty(file: string): Buffer | string {
  try {
    return readFileSync(file)
  } catch {
    return ''
  }
}

/**
 * The cache key of one edition of one source: its bytes, its glossaries'
 * bytes and the build fingerprint. Equal keys mean equal output.
 */
export function editionKey(fingerprint: string, edition: EditionName, inputs: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256').update(fingerprint).update('\0').update(edition)
  for (const input of inputs) hash.update('\0').update(input)
  return hash.digest('hex').slice(0, 32)
}

function listFiles(dir: string): string[] {
  let entries: Dirent[]
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true })
  } catch {
    return []
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}
