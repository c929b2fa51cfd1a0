import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { describe, expect, it } from 'vitest'
import { zipArchive } from '../../../pipeline/editions/epub/zip-archive.ts'

const run = promisify(execFile)
const text = (value: string): Uint8Array => new TextEncoder().encode(value)
const entries = [
  { name: 'mimetype', data: text('application/epub+zip'), store: true },
  { name: 'OEBPS/', data: new Uint8Array(), store: false },
  { name: 'OEBPS/text.xhtml', data: text(`<p>${'Almaty, Астана. '.repeat(200)}</p>`), store: false },
  { name: 'OEBPS/cover.png', data: Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251), store: true },
  { name: 'OEBPS/empty.css', data: new Uint8Array(), store: false },
]
const date = new Date(Date.UTC(2022, 10, 16, 13, 45, 31))

describe('zipArchive', () => {
  it('is read back whole by another implementation (JSZip), dated to the even second in UTC', async () => {
    const zip = await JSZip.loadAsync(zipArchive(entries, date))
    expect(Object.keys(zip.files)).toEqual(entries.map((entry) => entry.name))
    for (const entry of entries) {
      const found = zip.files[entry.name]
      expect(found?.dir).toBe(entry.name.endsWith('/'))
      if (!found?.dir) expect(Buffer.from(await (found as JSZip.JSZipObject).async('uint8array')).equals(Buffer.from(entry.data))).toBe(true)
    }
    // JSZip reads the DOS time as local time: compare its fields, not the instant.
    const read = zip.files['OEBPS/text.xhtml']?.date as Date
    expect([read.getFullYear(), read.getMonth(), read.getDate(), read.getHours(), read.getMinutes(), read.getSeconds()]).toEqual([2022, 10, 16, 13, 45, 30])
  })

  it('passes Info-ZIP’s test, with mimetype first and stored, the text deflated', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offprint-zip-'))
    try {
      const file = path.join(dir, 'book.epub')
      await writeFile(file, zipArchive(entries, date))
      const tested = await run('unzip', ['-t', file])
      expect(tested.stdout).toMatch(/No errors detected/)
      const listed = (await run('unzip', ['-v', file])).stdout.split('\n')
      const method = (name: string): string | undefined =>
        listed
          .find((line) => line.trim().endsWith(` ${name}`))
          ?.trim()
          .split(/\s+/)[1]
      expect(method('mimetype')).toBe('Stored')
      expect(method('OEBPS/cover.png')).toBe('Stored')
      expect(method('OEBPS/text.xhtml')).toBe('Defl:N')
      const bytes = zipArchive(entries, date)
      expect(Buffer.from(bytes.subarray(30, 38)).toString('latin1')).toBe('mimetype')
      expect(Buffer.from(bytes).readUInt16LE(28)).toBe(0) // no extra field before the mimetype's data
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('gives the same bytes for the same entries', () => {
    expect(Buffer.from(zipArchive(entries, date)).equals(Buffer.from(zipArchive(entries, date)))).toBe(true)
  })
})
