import { mkdtemp, readFile, rm, utimes, writeFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashCacheFileFor, openHashCache } from '../../pipeline/build/hash-cache.ts'

let dir: string
let cacheFile: string
const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const past = new Date('2020-01-01T00:00:00Z')

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-hash-'))
  cacheFile = path.join(dir, 'cache', 'hashes.json')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('hash cache', () => {
  it('hashes file content, and gives undefined for a missing file or a folder', async () => {
    await writeFile(path.join(dir, 'a.md'), 'alpha')
    const cache = await openHashCache(cacheFile)
    expect(await cache.hashOf(path.join(dir, 'a.md'))).toBe(sha('alpha'))
    expect(await cache.hashOf(path.join(dir, 'missing.md'))).toBeUndefined()
    expect(await cache.hashOf(dir)).toBeUndefined()
  })

  it('remembers an old file by size, mtime and inode, and re-reads it when any changes', async () => {
    const file = path.join(dir, 'a.md')
    await writeFile(file, 'alpha')
    await utimes(file, past, past)
    const first = await openHashCache(cacheFile)
    await first.hashOf(file)
    await first.save()
    expect(Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')))).toEqual([file])
    // Same size, same mtime, same inode: the remembered hash is used, the bytes are not read.
    await writeFile(file, 'omega')
    await utimes(file, past, past)
    expect(await (await openHashCache(cacheFile)).hashOf(file)).toBe(sha('alpha'))
    // Any other change is seen.
    await writeFile(file, 'omega!')
    await utimes(file, past, past)
    expect(await (await openHashCache(cacheFile)).hashOf(file)).toBe(sha('omega!'))
    await utimes(file, new Date('2021-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z'))
    await writeFile(file, 'omega?')
    await utimes(file, new Date('2021-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z'))
    expect(await (await openHashCache(cacheFile)).hashOf(file)).toBe(sha('omega?'))
  })

  it('never remembers a file modified in the last seconds (its mtime may not show the next edit)', async () => {
    const file = path.join(dir, 'fresh.md')
    await writeFile(file, 'new')
    const cache = await openHashCache(cacheFile)
    expect(await cache.hashOf(file)).toBe(sha('new'))
    await cache.save()
    expect(
      await stat(cacheFile).then(
        () => true,
        () => false,
      ),
    ).toBe(false)
  })

  it('starts empty from a corrupt cache file', async () => {
    const file = path.join(dir, 'a.md')
    await writeFile(file, 'alpha')
    await writeFile(path.join(dir, 'corrupt.json'), '{"x": [1,')
    expect(await (await openHashCache(path.join(dir, 'corrupt.json'))).hashOf(file)).toBe(sha('alpha'))
  })

  it('keeps one cache file per output folder, so that a build reads only its own entries', () => {
    const dist = hashCacheFileFor('dist')
    expect(hashCacheFileFor(path.resolve('dist'))).toBe(dist)
    expect(hashCacheFileFor(path.join(dir, 'dist'))).not.toBe(dist)
    expect(path.dirname(dist)).toBe(path.dirname(hashCacheFileFor(path.join(dir, 'dist'))))
    expect(dist).toMatch(/node_modules\/\.cache\/offprint\/hashes-v1-[0-9a-f]{16}\.json$/)
  })
})
