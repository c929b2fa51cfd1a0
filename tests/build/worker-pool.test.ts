import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { poolSize, templatesDir } from '../../pipeline/build/build.ts'
import type { EditionInput } from '../../pipeline/editions/edition.ts'
import { writeEpub } from '../../pipeline/editions/epub/write-epub.ts'
import { runParseStage, type ParseRequest } from '../../pipeline/build/parse-stage.ts'
import { formatReport } from '../../pipeline/cli/report.ts'
import { createWorkerPool } from '../../pipeline/build/worker-pool.ts'
import { projectRoot } from '../helpers/corpus.ts'

const request = (sourcePath: string): ParseRequest => ({ sourcePath, glossary: [], paper: 'A4', slug: 'doc', templatesDir, check: true, html: false, editions: [] })

describe('prepare pool (worker threads)', () => {
  // One worker, and a limit well under what the hostile paragraph takes (tens of seconds alone),
  // yet far over a fresh worker's start-up through tsx on a loaded machine (the limit counts it).
  const pool = createWorkerPool(1, { parseMs: 10_000 })
  let dir = ''
  afterAll(async () => {
    await pool.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('reports a message cause as a place, never as a stack', async () => {
    const prepared = await pool.parse(request(path.join(projectRoot, 'tests', 'fixtures', 'bad', 'footnotes', 'duplicate.md')))
    const report = formatReport([prepared.file], 'normal')
    expect(report).toMatch(/9:1-9:51 +warning .* footnote-duplicate +offprint\n +\[cause\]:\n +8:1-8:37 +info +First definition +footnote-duplicate/)
    expect(report).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
  }, 60_000)

  it('stops a source past the time limit with a fatal message, and goes on with a fresh worker', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'offprint-pool-'))
    const slow = path.join(dir, 'slow.md')
    await writeFile(slow, `---\ntitle: Slow\nlang: en\n---\n\n${'*a'.repeat(40_000)}\n`)
    const stopped = await pool.parse(request(slow))
    expect(stopped.tree).toBeUndefined()
    expect(stopped.file.messages.map((message) => [message.ruleId, message.fatal, message.line, message.column])).toEqual([['timeout', true, 1, 1]])
    const next = await pool.parse(request(path.join(projectRoot, 'tests', 'fixtures', 'bad', 'files', 'bom-crlf.md')))
    expect(next.tree).toBeDefined()
    expect(next.file.messages).toEqual([])
  }, 60_000)

  it('turns a worker that runs out of memory into a fatal message, and goes on with a fresh worker', async () => {
    // 64 MB holds the pipeline and a small source, not the syntax tree of four megabytes.
    const small = createWorkerPool(1, { parseMs: 120_000, heapMb: 64 })
    try {
      const big = path.join(dir || (dir = await mkdtemp(path.join(tmpdir(), 'offprint-pool-'))), 'big.md')
      await writeFile(big, `---\ntitle: Big\nlang: en\n---\n\n${'Some *text* with [links](x) and `code`.\n\n'.repeat(100_000)}`)
      const failed = await small.parse(request(big))
      expect(failed.tree).toBeUndefined()
      expect(failed.file.messages.map((message) => [message.ruleId, message.fatal, message.line, message.column])).toEqual([['source-limit', true, 1, 1]])
      expect(formatReport([failed.file], 'normal')).not.toMatch(/\n\s+at \S.*:\d+:\d+\)?\n/)
      const next = await small.parse(request(path.join(projectRoot, 'tests', 'fixtures', 'bad', 'files', 'bom-crlf.md')))
      expect(next.tree).toBeDefined()
    } finally {
      await small.close()
    }
  }, 120_000)

  it('writes an EPUB, its cover drawn there, in a worker byte for byte as in this thread; past the time limit it rejects with a message, and the pool goes on', async () => {
    const sourcePath = path.join(projectRoot, 'source', 'tokayev-almaty-visit-2022.md')
    const prepared = await runParseStage(request(sourcePath))
    const input: EditionInput = { tree: prepared.tree!, article: prepared.article!, sourcePath, sourceDir: path.dirname(sourcePath), templatesDir, epoch: 1_600_000_000 }
    const here = await writeEpub(structuredClone(input))
    const there = await pool.writeEpub(input)
    expect(there.warnings).toEqual(here.warnings)
    expect(there.files.map((file) => file.path)).toEqual(['doc.epub', 'cover.png'])
    expect(there.files.map((file) => Buffer.from(file.data))).toEqual(here.files.map((file) => Buffer.from(file.data)))
    // The cover is a real PNG of 1600 × 2560, drawn in the worker.
    const cover = Buffer.from(there.files[1]!.data)
    expect(cover.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect([cover.readUInt32BE(16), cover.readUInt32BE(20)]).toEqual([1600, 2560])
    // Drawn ahead (while a PDF is laid out) in a worker, then given to the book: the same bytes.
    const early = await pool.drawCover(input)
    expect(Buffer.from(early)).toEqual(cover)
    const withEarly = await pool.writeEpub(input, early)
    expect(withEarly.files.map((file) => Buffer.from(file.data))).toEqual(here.files.map((file) => Buffer.from(file.data)))
    const hurried = createWorkerPool(1, { parseMs: 60_000, epubMs: 1 })
    try {
      const error = await hurried.writeEpub(input).then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(/^Unexpected time over \d+ s to write the EPUB, expected less/)
      await expect(hurried.drawCover(input)).rejects.toThrow(/^Unexpected time over \d+ s to draw the EPUB's cover, expected less/)
      expect((await hurried.parse(request(path.join(projectRoot, 'tests', 'fixtures', 'bad', 'files', 'bom-crlf.md')))).tree).toBeDefined()
    } finally {
      await hurried.close()
    }
  }, 120_000)
})

describe('pool size', () => {
  it('starts a worker per job, or one per three print pages when the workers only parse, and never more than the sources', () => {
    expect(poolSize(2, ['html', 'pdf', 'epub'], 100)).toBe(2)
    expect(poolSize(2, ['epub'], 100)).toBe(2)
    expect(poolSize(2, ['pdf'], 100)).toBe(1)
    expect(poolSize(3, ['pdf'], 100)).toBe(1)
    expect(poolSize(4, ['pdf'], 100)).toBe(2)
    expect(poolSize(8, ['html'], 3)).toBe(3)
    expect(poolSize(1, ['pdf'], 1)).toBe(1)
  })
})
