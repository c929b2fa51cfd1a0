import { existsSync, readFileSync } from 'node:fs'
import { readdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { ArticleMeta } from '../common/article.ts'
import type { EditionName } from '../common/config.ts'
import type { EditionFile, PrintPages } from '../editions/edition.ts'

/**
 * What a build records of one source, as `dist/<slug>/entry.json`: what the
 * site index shows, the cache key of each edition, and where the pages of
 * the PDF begin (for an EPUB built later from the same PDF). This module is
 * its one home: reading, freshness, the files each edition owns, carrying
 * files over, and writing.
 */
export interface IndexEntry {
  slug: string
  /** The source, relative to the output folder (never absolute: outputs move between machines). */
  source?: string
  meta: ArticleMeta
  /** Edition files and their sizes in bytes, e.g. `{ 'index.html': 31200 }`. */
  files: Record<string, number>
  /** Cover image beside the editions, when the EPUB edition made one. */
  cover?: string
  /** Cache key of each edition's output. */
  keys?: Partial<Record<EditionName, string>>
  /** Glossary terms the source uses. */
  terms?: string[]
  /** Local files the source refers to (images), relative to its folder: part of the cache key. */
  inputs?: string[]
}

/** `entry.json` as written: the index entry, and the PDF's page starts under the PDF's key. */
export type OutputRecord = IndexEntry & { printPages?: StoredPrintPages }

/** Page starts of a PDF, with the cache key of the PDF they came from. */
export type StoredPrintPages = PrintPages & { key: string }

/** The files an edition owns in its folder. */
export function editionFiles(edition: EditionName, slug: string): string[] {
  return edition === 'html' ? ['index.html'] : edition === 'pdf' ? [`${slug}.pdf`] : [`${slug}.epub`, 'cover.png']
}

/** The folder's `entry.json`, or undefined when missing or unreadable. */
export function readRecord(folder: string): OutputRecord | undefined {
  // Synchronous, like the other checks of a no-op build: one small file, read faster than a promise settles.
  let text: string
  try {
    text = readFileSync(path.join(folder, 'entry.json'), 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as OutputRecord
  } catch {
    return undefined
  }
}

/**
 * The output folders of an earlier build and their records (`null` when
 * missing or unreadable). Staging folders of an interrupted build are removed.
 */
export async function readOutput(out: string): Promise<Map<string, OutputRecord | null>> {
  const folders = await readdir(out, { withFileTypes: true }).catch(() => [])
  const found = new Map<string, OutputRecord | null>()
  await Promise.all(
    folders.map(async (folder) => {
      const leftover = /^\.(.+)\.(tmp|old)-\d+$/.exec(folder.name)
      if (leftover) {
        const [, name = '', kind] = leftover
        // A build killed between the two renames of a swap left the whole old folder retired: it goes back.
        if (kind === 'old' && folder.isDirectory() && !existsSync(path.join(out, name))) {
          const restored = await rename(path.join(out, folder.name), path.join(out, name)).then(
            () => true,
            () => false,
          )
          if (restored) {
            found.set(name, readRecord(path.join(out, name)) ?? null)
            return
          }
        }
        await rm(path.join(out, folder.name), { recursive: true, force: true })
        return
      }
      if (!folder.isDirectory() || folder.name.startsWith('.')) return
      found.set(folder.name, readRecord(path.join(out, folder.name)) ?? null)
    }),
  )
  return found
}

/** Editions whose previous output exists and was made from the same key. */
export function freshEditions(folder: string, previous: IndexEntry | undefined, keys: Partial<Record<EditionName, string>>): EditionName[] {
  if (!previous?.keys) return []
  const fresh: EditionName[] = []
  for (const [edition, key] of Object.entries(keys) as Array<[EditionName, string]>) {
    if (previous.keys[edition] !== key) continue
    if (editionFiles(edition, previous.slug).every((name) => name === 'cover.png' || existsSync(path.join(folder, name)))) fresh.push(edition)
  }
  return fresh
}

/** What a record is made of, beyond what `recordOf` reads from the folder. */
export interface RecordParts {
  slug: string
  /** Source path relative to the output folder, `/`-separated. */
  source: string
  meta: ArticleMeta
  keys: Partial<Record<EditionName, string>>
  inputs: string[]
  terms: string[]
  /** Files written this time. */
  written: readonly EditionFile[]
  /** Files carried over from the previous folder. */
  carried: readonly string[]
  printPages?: StoredPrintPages | undefined
}

/** The record of a folder about to be written: sizes of the written files and of those carried over. */
export async function recordOf(folder: string, parts: RecordParts): Promise<OutputRecord> {
  const sizes: Record<string, number> = {}
  for (const name of parts.carried) {
    const size = await stat(path.join(folder, name)).then(
      (info) => info.size,
      () => undefined,
    )
    if (size !== undefined) sizes[name] = size
  }
  for (const output of parts.written) if (!output.path.includes('/')) sizes[output.path] = byteLength(output.data)
  return {
    slug: parts.slug,
    source: parts.source,
    meta: parts.meta,
    files: Object.fromEntries(
      Object.entries(sizes)
        .filter(([name]) => name !== 'cover.png')
        .sort(),
    ),
    keys: parts.keys,
    ...(parts.inputs.length > 0 ? { inputs: parts.inputs } : {}),
    terms: parts.terms,
    ...(sizes['cover.png'] !== undefined ? { cover: 'cover.png' } : {}),
    ...(parts.printPages ? { printPages: parts.printPages } : {}),
  }
}

/** The record as the file `entry.json`. */
export function recordFile(record: OutputRecord): EditionFile {
  return { path: 'entry.json', data: `${JSON.stringify(record, null, 2)}\n` }
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
}
