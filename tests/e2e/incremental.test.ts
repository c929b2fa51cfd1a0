import { cp, mkdtemp, readFile, realpath, rm, symlink, utimes, writeFile, appendFile, readdir, mkdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { crc32, deflateSync } from 'node:zlib'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { build, templatesDir, writeIndex } from '../../pipeline/build/build.ts'
import { defaultBuildOptions } from '../../pipeline/common/config.ts'
import { parseShard } from '../../pipeline/build/shard.ts'

let dir: string
let source: string
let templates: string
const article = (n: number) => `---\ntitle: Article ${n}\ndate: 2024-01-${String(n).padStart(2, '0')}\nlang: en\n---\n\n# Article ${n}\n\nBody of article ${n}.\n`

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-inc-'))
  source = path.join(dir, 'source')
  templates = path.join(dir, 'templates')
  await mkdir(source)
  await cp(templatesDir, templates, { recursive: true })
  for (let n = 1; n <= 4; n++) await writeFile(path.join(source, `a${n}.md`), article(n))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const run = (extra: Partial<Parameters<typeof build>[0]> = {}) =>
  build({ ...defaultBuildOptions, paths: [source], out: path.join(dir, 'dist'), editions: ['html'], templatesDir: templates, ...extra })
const statuses = (report: Awaited<ReturnType<typeof run>>) => Object.fromEntries(report.sources.map((s) => [path.basename(s.source), s.status]))

describe('incremental builds', () => {
  it('a no-op build rebuilds nothing; editing one source rebuilds only it', async () => {
    expect(Object.values(statuses(await run()))).toEqual(['built', 'built', 'built', 'built'])
    expect(Object.values(statuses(await run()))).toEqual(['cached', 'cached', 'cached', 'cached'])
    await appendFile(path.join(source, 'a2.md'), '\nOne more line.\n')
    expect(statuses(await run())).toEqual({ 'a1.md': 'cached', 'a2.md': 'built', 'a3.md': 'cached', 'a4.md': 'cached' })
    expect(await readFile(path.join(dir, 'dist', 'a2', 'index.html'), 'utf8')).toContain('One more line.')
  })

  it('changing, adding or removing an image rebuilds only the source that shows it', async () => {
    await writeFile(path.join(source, 'a1.md'), `${article(1)}\n![A dot](images/dot.png)\n`)
    expect(statuses(await run())).toMatchObject({ 'a1.md': 'built' })
    const entry = JSON.parse(await readFile(path.join(dir, 'dist', 'a1', 'entry.json'), 'utf8')) as { inputs?: string[] }
    expect(entry.inputs).toEqual(['images/dot.png'])
    // The image was missing: adding it must rebuild the page though the Markdown is unchanged.
    await mkdir(path.join(source, 'images'))
    await writeFile(path.join(source, 'images', 'dot.png'), png(1))
    expect(statuses(await run())).toEqual({ 'a1.md': 'built', 'a2.md': 'cached', 'a3.md': 'cached', 'a4.md': 'cached' })
    expect(await readFile(path.join(dir, 'dist', 'a1', 'assets', 'images', 'dot.png'))).toEqual(png(1))
    expect(statuses(await run())).toMatchObject({ 'a1.md': 'cached' })
    await writeFile(path.join(source, 'images', 'dot.png'), png(2))
    expect(statuses(await run())).toEqual({ 'a1.md': 'built', 'a2.md': 'cached', 'a3.md': 'cached', 'a4.md': 'cached' })
    expect(await readFile(path.join(dir, 'dist', 'a1', 'assets', 'images', 'dot.png'))).toEqual(png(2))
    await rm(path.join(source, 'images', 'dot.png'))
    expect(statuses(await run())).toMatchObject({ 'a1.md': 'built' })
  })

  it('never reads an image whose link leads outside the source folder, even to hash it', async () => {
    const cacheFile = path.join(dir, 'hashes.json')
    const secret = path.join(dir, 'secret.png')
    await writeFile(secret, png(3))
    await utimes(secret, new Date('2020-01-01'), new Date('2020-01-01'))
    await symlink(secret, path.join(source, 'linked.png'))
    await writeFile(path.join(source, 'a1.md'), `${article(1)}\n![Linked](linked.png)\n`)
    await utimes(path.join(source, 'a1.md'), new Date('2020-01-01'), new Date('2020-01-01'))
    const report = await run({ hashCacheFile: cacheFile })
    expect(report.files.flatMap((file) => file.messages.map((message) => message.ruleId))).toContain('link-outside')
    await run({ hashCacheFile: cacheFile })
    // The cache remembers every file hashed: the source, never the secret.
    const remembered = Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, unknown>)
    expect(remembered).toEqual([await realpath(path.join(source, 'a1.md'))])
  })

  it('a no-op build leaves index.html untouched', async () => {
    await run()
    const before = await stat(path.join(dir, 'dist', 'index.html'))
    await run()
    const after = await stat(path.join(dir, 'dist', 'index.html'))
    expect([after.mtimeMs, after.ino]).toEqual([before.mtimeMs, before.ino])
  })

  it('editing a template rebuilds all; --force rebuilds all', async () => {
    await run()
    await appendFile(path.join(templates, 'site.css'), '\n/* edited */\n')
    expect(Object.values(statuses(await run()))).toEqual(['built', 'built', 'built', 'built'])
    expect(Object.values(statuses(await run({ force: true })))).toEqual(['built', 'built', 'built', 'built'])
  })

  it('a removed source disappears from dist and from the index', async () => {
    await run()
    await rm(path.join(source, 'a3.md'))
    await run()
    expect(await readdir(path.join(dir, 'dist'))).not.toContain('a3')
    expect(await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')).not.toContain('Article 3')
  })

  it('leftovers of an interrupted build are cleaned and never served', async () => {
    await run()
    // What a build killed between writing and renaming leaves: a staging folder.
    await mkdir(path.join(dir, 'dist', '.a1.tmp-99999'))
    await writeFile(path.join(dir, 'dist', '.a1.tmp-99999', 'index.html'), 'half')
    const before = await readFile(path.join(dir, 'dist', 'a1', 'index.html'), 'utf8')
    await run()
    expect((await readdir(path.join(dir, 'dist'))).filter((name) => name.startsWith('.'))).toEqual([])
    expect(await readFile(path.join(dir, 'dist', 'a1', 'index.html'), 'utf8')).toBe(before)
  })

  it('the union of the shards equals the full build', async () => {
    for (let n = 5; n <= 12; n++) await writeFile(path.join(source, `a${n}.md`), article(n))
    const full = await run({ out: path.join(dir, 'full') })
    const shards = []
    for (let k = 1; k <= 3; k++) shards.push(await run({ out: path.join(dir, 'sharded'), shard: parseShard(`${k}/3`) as { index: number; count: number } }))
    const slugs = shards.map((report) => report.sources.map((s) => s.slug).sort())
    expect(slugs.flat().sort()).toEqual(full.sources.map((s) => s.slug).sort())
    expect(new Set(slugs.flat()).size).toBe(slugs.flat().length)
    await writeIndex(path.join(dir, 'sharded'), [], templates)
    expect(await readFile(path.join(dir, 'sharded', 'index.html'), 'utf8')).toBe(await readFile(path.join(dir, 'full', 'index.html'), 'utf8'))
    for (const slug of slugs.flat()) {
      expect(await readFile(path.join(dir, 'sharded', slug as string, 'index.html'), 'utf8')).toBe(await readFile(path.join(dir, 'full', slug as string, 'index.html'), 'utf8'))
    }
  })
})

/** A valid 1×1 PNG; `shade` changes its one pixel (and so its bytes). */
function png(shade: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(1, 0)
  header.writeUInt32BE(1, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, shade]))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
