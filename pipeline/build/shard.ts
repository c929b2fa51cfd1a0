import { createHash } from 'node:crypto'
import path from 'node:path'

/** Share `index` (1-based) of `count` equal shares. */
export interface Shard {
  index: number
  count: number
}

/** Parse `K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text)
  if (!match) return undefined
  const index = Number(match[1])
  const count = Number(match[2])
  return index >= 1 && index <= count ? { index, count } : undefined
}

/**
 * Whether a source belongs to a shard: decided by a hash of its file name
 * relative to the working folder, so every machine splits the same way
 * whatever the order or number of other sources.
 */
export function inShard(sourcePath: string, shard: Shard): boolean {
  const name = path.relative(process.cwd(), sourcePath).split(path.sep).join('/')
  const value = createHash('sha256').update(name).digest().readUInt32BE(0)
  return value % shard.count === shard.index - 1
}
