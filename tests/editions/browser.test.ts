import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KeptPageKind, launchBrowser, type BrowserSession } from '../../pipeline/editions/browser.ts'
import { puppeteerArgs, rendererTieringFlags, startChromium } from '../../pipeline/editions/chromium-process.ts'
import { drawsFrames } from '../helpers/frames.ts'
import { processes, tree } from '../helpers/processes.ts'

/**
 * Kept pages in the real Chromium: prepared once and reused, each document
 * with its own access, never reused after a failure, replaced after `uses`.
 */
let session: BrowserSession
let scratch: string
let first: string
let second: string

beforeAll(async () => {
  session = await launchBrowser({ jobs: 1 })
  scratch = await mkdtemp(path.join(tmpdir(), 'offprint-kept-'))
  first = path.join(scratch, 'first')
  second = path.join(scratch, 'second')
  for (const folder of [first, second]) {
    await mkdir(folder)
    await writeFile(path.join(folder, 'dot.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="7" height="3"/>')
  }
})
afterAll(async () => {
  await session?.close()
  await rm(scratch, { recursive: true, force: true })
})

/** A kind that counts its preparations and leaves a mark in the window, as Paged.js leaves its globals. */
function countingKind(name: string, uses?: number): KeptPageKind & { prepared: number } {
  const kind = {
    name,
    prepared: 0,
    ...(uses !== undefined ? { uses } : {}),
    async prepare(page: Page) {
      kind.prepared++
      await page.setJavaScriptEnabled(true)
      await page.evaluate(() => {
        ;(window as unknown as { mark: number }).mark = 1
      })
    },
  }
  return kind
}

/** Write a document showing `image` into the page; the image's width, or 0 when it did not load. */
async function showImage(page: Page, image: string): Promise<{ width: number; mark: unknown }> {
  return page.evaluate(async (src) => {
    document.open()
    document.write(`<!doctype html><img src="${src}">`)
    document.close()
    const img = document.images[0] as HTMLImageElement
    await new Promise((done) => {
      if (img.complete) done(undefined)
      img.addEventListener('load', done, { once: true })
      img.addEventListener('error', done, { once: true })
    })
    return { width: img.naturalWidth, mark: (window as unknown as { mark?: number }).mark }
  }, pathToFileURL(image).href)
}

describe('kept pages', () => {
  it('prepares a page once and gives it to the next document, whose globals survive document.open()', async () => {
    const kind = countingKind('reuse')
    const seen: unknown[] = []
    for (let n = 0; n < 3; n++) {
      seen.push(await session.withKeptPage(kind, { allow: [first] }, (page) => showImage(page, path.join(first, 'dot.svg'))))
    }
    expect(kind.prepared).toBe(1)
    expect(seen).toEqual([1, 2, 3].map(() => ({ width: 7, mark: 1 })))
  })

  it('never gives a page that read one set of folders to a document allowed another: images survive document.open()', async () => {
    const kind = countingKind('access')
    const allowed = await session.withKeptPage(kind, { allow: [first] }, (page) => showImage(page, path.join(first, 'dot.svg')))
    const refused = await session.withKeptPage(kind, { allow: [second] }, async (page, context) => ({
      shown: await showImage(page, path.join(first, 'dot.svg')),
      blocked: context.blocked,
    }))
    expect(kind.prepared).toBe(2)
    expect(allowed.width).toBe(7)
    expect(refused.shown.width).toBe(0)
    expect(refused.blocked).toEqual([pathToFileURL(path.join(first, 'dot.svg')).href])
  })

  it('shares a page between documents of one share key, and still checks what a document has not loaded yet', async () => {
    const kind = countingKind('shared')
    const shareKey = 'one build'
    await writeFile(path.join(first, 'other.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="5" height="3"/>')
    const own = await session.withKeptPage(kind, { allow: [first], shareKey }, (page) => showImage(page, path.join(first, 'dot.svg')))
    const refused = await session.withKeptPage(kind, { allow: [second], shareKey }, async (page, context) => ({
      shown: await showImage(page, path.join(first, 'other.svg')),
      blocked: context.blocked,
    }))
    expect(kind.prepared).toBe(1)
    expect(own.width).toBe(7)
    expect(refused.shown.width).toBe(0)
    expect(refused.blocked).toEqual([pathToFileURL(path.join(first, 'other.svg')).href])
  })

  it('never reuses a page whose document failed', async () => {
    const kind = countingKind('failure')
    await expect(
      session.withKeptPage(kind, { allow: [] }, async () => {
        throw new Error('broken document')
      }),
    ).rejects.toThrow('broken document')
    await session.withKeptPage(kind, { allow: [] }, async () => undefined)
    expect(kind.prepared).toBe(2)
  })

  it('replaces a page after its uses, and a prewarmed page serves the first document', async () => {
    const kind = countingKind('uses', 2)
    session.prewarm(kind)
    for (let n = 0; n < 5; n++) await session.withKeptPage(kind, { allow: [] }, async () => undefined)
    // Pages served documents 1–2, 3–4 and 5: three preparations, the first one ahead of time.
    expect(kind.prepared).toBe(3)
  })

  it('draws no frames of a frameless kind, which still checks its requests; other pages draw theirs', async () => {
    const frameless = { ...countingKind('frameless'), frames: false }
    const seen = await session.withKeptPage(frameless, { allow: [first] }, async (page, context) => ({
      inside: (await showImage(page, path.join(first, 'dot.svg'))).width,
      outside: (await showImage(page, path.join(second, 'dot.svg'))).width,
      blocked: [...context.blocked],
      framed: await drawsFrames(page),
    }))
    expect(seen).toEqual({ inside: 7, outside: 0, blocked: [pathToFileURL(path.join(second, 'dot.svg')).href], framed: false })
    expect(await session.withKeptPage(countingKind('framed'), { allow: [] }, async (page) => drawsFrames(page))).toBe(true)
    expect(
      await session.withPage({ allow: [] }, async (page) => {
        await page.setJavaScriptEnabled(true)
        return drawsFrames(page)
      }),
    ).toBe(true)
  })

  it('closes with a page still being prepared and leaves nothing behind to hold the process open', async () => {
    const script = path.join(scratch, 'close-early.mts')
    const modules = path.resolve(import.meta.dirname, '../../pipeline/editions')
    await writeFile(
      script,
      [
        `import { launchBrowser } from ${JSON.stringify(path.join(modules, 'browser.ts'))}`,
        `import { printPage } from ${JSON.stringify(path.join(modules, 'pdf/print-page.ts'))}`,
        'const session = await launchBrowser({ jobs: 1 })',
        'session.prewarm(printPage)',
        'await session.close()',
        'const closed = Date.now()',
        "process.on('exit', () => process.stdout.write(String(Date.now() - closed)))",
      ].join('\n'),
    )
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 120_000 })
    // Nothing is left to do after close: the process ends at once (it waited 30 s for puppeteer's navigation timer).
    expect(Number(stdout)).toBeLessThan(10_000)
  })
})

describe('starting Chromium', () => {
  it('gives Chromium the flags puppeteer.launch would, ours besides', async () => {
    const { default: puppeteer } = await import('puppeteer-core')
    const theirs = puppeteer.defaultArgs({ headless: 'shell', userDataDir: '/profile' }).filter((arg) => arg !== '--user-data-dir=/profile' && arg !== 'about:blank')
    expect([...puppeteerArgs]).toEqual(theirs)
  })

  it("gives the renderers V8's later tier-up, which V8 takes", async () => {
    const { lines, stderr } = await commandLinesOf('renderer')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toContain(` ${rendererTieringFlags} `)
    // V8 names a flag it does not know on stderr, and ignores every flag after it.
    expect(stderr).not.toMatch(/unrecognized flag|remaining arguments were ignored/)
  })

  it('starts no software GL: its GPU process has GL off', async () => {
    const { lines } = await commandLinesOf('gpu-process')
    // Chromium keeps a GPU process even with --disable-gpu; without --disable-software-rasterizer its GL is SwiftShader's (`--use-gl=angle`).
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toContain(' --use-gl=disabled ')
  })

  it("keeps no store of its profile on disk: the profile folder holds only the session's own pages", async () => {
    const started = startChromium()
    const browser = await launchBrowser({ jobs: 1, started })
    const { userDataDir, pagesDir } = await started
    try {
      expect(await browser.withPage({ allow: [] }, (page) => page.evaluate('6 * 7'))).toBe(42)
      // Without --incognito: Default/ with its Local Storage, Code Cache, GPUCache, shared_proto_db, …
      expect(readdirSync(userDataDir)).toEqual([path.basename(pagesDir)])
    } finally {
      await browser.close()
    }
  })

  it('connects to a Chromium started ahead, whose first tab becomes the first kept page', async () => {
    const started = startChromium({ singleProcess: true })
    const early = await launchBrowser({ jobs: 1, started })
    try {
      const kind = countingKind('first-tab')
      const seen = await early.withKeptPage(kind, { allow: [first] }, async (page, context) => ({
        inside: (await showImage(page, path.join(first, 'dot.svg'))).width,
        outside: (await showImage(page, path.join(second, 'dot.svg'))).width,
        blocked: [...context.blocked],
      }))
      // The first tab checks requests as any page does (it did not, before a navigation of its own).
      expect(seen).toEqual({ inside: 7, outside: 0, blocked: [pathToFileURL(path.join(second, 'dot.svg')).href] })
      // No second tab was opened for it.
      expect(await early.withPage({ allow: [] }, async (page) => (await page.browser().pages()).length)).toBe(2)
    } finally {
      await early.close()
    }
    const { userDataDir, process: child } = await started
    expect(existsSync(userDataDir)).toBe(false)
    // The process ends (the test's time limit fails it otherwise).
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
  })

  it('says which Chromium failed to start, and leaves no profile behind', async () => {
    const started = startChromium({ executablePath: '/bin/false' })
    await expect(launchBrowser({ started, launchTimeoutMs: 10_000 })).rejects.toThrow(
      /Unexpected failure to start `\/bin\/false`, expected a running Chromium \(it exited with code 1\)/,
    )
    expect(existsSync((await started).userDataDir)).toBe(false)
  })

  it('fails at once on a Chromium that exited before the connection, and leaves nothing to hold the process open', async () => {
    const fake = path.join(scratch, 'exits-at-once')
    await writeFile(fake, '#!/bin/sh\nexit 3\n', { mode: 0o755 })
    const script = path.join(scratch, 'gone-early.mts')
    const modules = path.resolve(import.meta.dirname, '../../pipeline/editions')
    await writeFile(
      script,
      [
        "import { once } from 'node:events'",
        `import { launchBrowser } from ${JSON.stringify(path.join(modules, 'browser.ts'))}`,
        `import { startChromium } from ${JSON.stringify(path.join(modules, 'chromium-process.ts'))}`,
        `const started = startChromium({ executablePath: ${JSON.stringify(fake)} })`,
        // Gone, and its pipes drained by Node, before puppeteer connects (as when the build's parse comes first).
        'const { process: child } = await started',
        "if (child.exitCode === null) await once(child, 'exit')",
        'await new Promise((resolve) => setTimeout(resolve, 500))',
        'const failed = await launchBrowser({ started }).then(() => "connected", (error) => error.message)',
        'const at = Date.now()',
        "process.on('exit', () => process.stdout.write(JSON.stringify({ failed, after: Date.now() - at })))",
      ].join('\n'),
    )
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 240_000 })
    const { failed, after } = JSON.parse(stdout) as { failed: string; after: number }
    // It was found out by the 30 s time limit, and then puppeteer's pending call held the process for 180 s.
    expect(failed).toMatch(/expected a running Chromium \(it exited with code 3\)/)
    expect(after).toBeLessThan(10_000)
  })
})

/** A process's command line, its arguments parted by spaces; empty once it has ended. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/**
 * The command lines of a fresh Chromium's processes of one `--type`, once a
 * page has run a script (its renderer's V8 has read its flags then), and what
 * Chromium wrote on stderr so far. A zygote's child sets its command line as
 * one string: its arguments are parted by spaces, not NULs.
 */
async function commandLinesOf(type: string): Promise<{ lines: string[]; stderr: string }> {
  const started = startChromium()
  const browser = await launchBrowser({ jobs: 1, started })
  const { process: child, stderr } = await started
  try {
    expect(await browser.withPage({ allow: [] }, (page) => page.evaluate('6 * 7'))).toBe(42)
    const lines = tree(processes(), child.pid as number, false)
      .map((pid) => commandLine(pid))
      .filter((line) => line.includes(` --type=${type} `))
    return { lines, stderr: stderr() }
  } finally {
    await browser.close()
  }
}
