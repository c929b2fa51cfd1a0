import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readOutput } from '../../pipeline/build/output-record.ts'
import { replaceFolder } from '../../pipeline/build/write-atomic.ts'

let out: string
const bytes = (text: string) => new TextEncoder().encode(text)

beforeEach(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'offprint-atomic-'))
})
afterEach(async () => {
  await rm(out, { recursive: true, force: true })
})

describe('replaceFolder and readOutput', () => {
  it('swaps a folder in whole and carries over the kept files', async () => {
    await replaceFolder(path.join(out, 'a'), [
      { path: 'index.html', data: bytes('one') },
      { path: 'a.pdf', data: bytes('pdf') },
    ])
    await replaceFolder(path.join(out, 'a'), [{ path: 'index.html', data: bytes('two') }], ['a.pdf'])
    expect(await readFile(path.join(out, 'a', 'index.html'), 'utf8')).toBe('two')
    expect(await readFile(path.join(out, 'a', 'a.pdf'), 'utf8')).toBe('pdf')
    expect(await readdir(out)).toEqual(['a'])
  })

  it('puts back an old folder left retired by a build killed inside a swap, and removes other leftovers', async () => {
    // What a SIGKILL between the two renames leaves: no `a`, its old folder retired.
    await mkdir(path.join(out, '.a.old-4242'))
    await writeFile(path.join(out, '.a.old-4242', 'entry.json'), JSON.stringify({ slug: 'a', meta: { title: 'A' } }))
    await mkdir(path.join(out, '.a.tmp-4242'))
    // A retired folder whose successor was swapped in is only removed.
    await mkdir(path.join(out, 'b'))
    await mkdir(path.join(out, '.b.old-4242'))
    const found = await readOutput(out)
    expect((await readdir(out)).sort()).toEqual(['a', 'b'])
    expect(found.get('a')).toMatchObject({ slug: 'a' })
    expect(found.has('b')).toBe(true)
  })

  it('under holdSignals, SIGINT ends the process between swaps, never inside one', async () => {
    // A child swaps one folder in a loop as fast as it can, and is interrupted many times over.
    const script = `
      import { holdSignals, replaceFolder } from ${JSON.stringify(path.resolve('pipeline/build/write-atomic.ts'))}
      holdSignals()
      const target = process.env.OFFPRINT_TARGET
      process.stdout.write('ready\\n')
      for (let n = 0; ; n++) await replaceFolder(target, [{ path: 'index.html', data: new TextEncoder().encode(String(n)) }])
    `
    const target = path.join(out, 'a')
    await replaceFolder(target, [{ path: 'index.html', data: bytes('start') }])
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, OFFPRINT_TARGET: target },
      })
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, 20 + round * 10))
      child.kill('SIGINT')
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, sig) => resolve([code, sig])))
      // The process still ends: by the signal, or by 130 where tsx's own handler answers it.
      expect([signal, code]).toContainEqual(signal === 'SIGINT' ? 'SIGINT' : 130)
      expect(await readFile(path.join(target, 'index.html'), 'utf8')).toMatch(/^(start|\d+)$/)
      await readOutput(out)
      expect(await readdir(out)).toEqual(['a'])
    }
  }, 60_000)
})
