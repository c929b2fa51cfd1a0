import { createHash } from 'node:crypto'
import path from 'node:path'

/**
 * The ASCII slug of a source file, used for its `dist/<slug>/` folder and its
 * EPUB and PDF names: the base name, lower-cased, runs of other characters as
 * `-`. A name with no ASCII letters gets a stable hash-based slug.
 */
export function slugForFile(sourcePath: string): string {
  const base = path.basename(sourcePath).replace(/\.(md|markdown)$/i, '')
  const slug = base
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug.length >= 2 ? slug : `doc-${createHash('sha256').update(base).digest('hex').slice(0, 8)}`
}
