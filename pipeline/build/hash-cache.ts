import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { sameStamp, settled } from '../common/file-stamp.ts'
import { projectRoot } from '../common/project-root.ts'
import { writeFileAtomic } from './write-atomic.ts'

/**
 * Where the content hashes of a build into `out` are remembered between
 * builds: machine-local, outside `dist/` (which must stay byte-identical
 * across machines), and safe to delete. One file per output folder, so that a
 * build reads only its own files' entries (a cache shared by every build of
 * the checkout, tests included, had grown to 0.8 MB: 0.14 s to read at the
 * start of a one-article build).
 */
export function hashCacheFileFor(out: string): string {
  const key = createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 16)
  return path.join(projectRoot, 'node_modules', '.cache', 'offprint', `hashes-v1-${key}.json`)
}

/** Beyond this many files, only those of the current build are remembered. */
const maxEntries = 50_000

/** `[size, mtimeMs, inode, sha256 hex]` of one file when it was hashed. */
type Record_ = [number, number, number, string]

/** Content hashes of files, each computed once per change of the file. */
export interface HashCache {
  /** SHA-256 (hex) of the file's bytes, or undefined when it cannot be read. */
  hashOf: (file: string) => Promise<string | undefined>
  /** Write what was learnt. Never throws. */
  save: () => Promise<void>
}

/**
 * Open the hash cache in `cacheFile` (see `hashCacheFileFor`). Cache keys stay content hashes; this
 * only spares a no-op build from reading and hashing every source and image
 * again: a file whose size, mtime and inode are unchanged keeps its hash, as
 * Git's index does, and recently modified files are always re-read.
 */
export async function openHashCache(cacheFile: string): Promise<HashCache> {
  const known = await load(cacheFile)
  const seen = new Map<string, Record_>()
  const pending = new Map<string, Promise<string | undefined>>()
  let changed = false
  const hashOf = async (file: string): Promise<string | undefined> => {
    // Synchronous: on a no-op build this stat is all the work, and a promise costs more than it.
    const info = statSync(file, { throwIfNoEntry: false })
    if (!info?.isFile()) return undefined
    const old = known.get(file)
    if (old && sameStamp(info, { size: old[0], mtimeMs: old[1], ino: old[2] })) {
      seen.set(file, old)
      return old[3]
    }
    const bytes = await readFile(file).catch(() => undefined)
    if (!bytes) return undefined
    const hash = createHash('sha256').update(bytes).digest('hex')
    if (settled(info)) {
      seen.set(file, [info.size, info.mtimeMs, info.ino, hash])
      changed = true
    }
    return hash
  }
  return {
    hashOf(file) {
      const absolute = path.resolve(file)
      // One stat and read per file per build, however many sources share it (a glossary).
      let hash = pending.get(absolute)
      if (!hash) pending.set(absolute, (hash = hashOf(absolute)))
      return hash
    },
    async save() {
      if (!changed) return
      // Files of other builds (a shard, another project) are kept, up to a bound.
      const kept = known.size + seen.size > maxEntries ? seen : new Map([...known, ...seen])
      try {
        await mkdir(path.dirname(cacheFile), { recursive: true })
        await writeFileAtomic(cacheFile, JSON.stringify(Object.fromEntries(kept)))
      } catch {
        // A read-only project still builds; it only re-reads its inputs next time.
      }
    },
  }
}

async function load(cacheFile: string): Promise<Map<string, Record_>> {
  try {
    const data = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, unknown>
    const map = new Map<string, Record_>()
    for (const [file, value] of Object.entries(data)) {
      if (Array.isArray(value) && value.length === 4 && typeof value[3] === 'string') map.set(file, value as Record_)
    }
    return map
  } catch {
    return new Map()
  }
}
