import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Browser, ConnectionTransport, HTTPRequest, Page } from 'puppeteer-core'
// puppeteer-core's build without Node's launchers: offprint starts Chromium itself (`chromium-process.ts`) and only
// connects. The full entry also loads the browser downloader, proxy agents and a PAC interpreter (2 MB of script).
import puppeteer from 'puppeteer-core/internal/puppeteer-core-browser.js'
import { browserInstallHint, type StartedChromium, startChromium } from './chromium-process.ts'
import { isInsideFolder } from '../common/inside-folder.ts'

/** Options of `launchBrowser`. */
export interface BrowserOptions {
  /** Chromium to run; default: found by `findBrowser`. */
  executablePath?: string
  /**
   * A Chromium already started by `startChromium` (early, while the build's
   * modules load) to connect to; default: started here from the options.
   */
  started?: Promise<StartedChromium>
  /** Pages open at once; default 2. */
  jobs?: number
  /** Time limit to start the browser, in ms; default 30 000. */
  launchTimeoutMs?: number
  /**
   * Run the pages in the browser's own process (`--single-process`): for a
   * build with one document to print. Measured on one article (launch, the
   * print page, the PDF, close): 2.0 s and 2.8 CPU-seconds, 300 MB, against
   * 2.6–3.1 s, 3.8–4.5 CPU-seconds and 660 MB with a renderer process. Its
   * pages share one renderer thread, so a build with more documents keeps the
   * default, where `jobs` pages lay out in parallel. Default false.
   */
  singleProcess?: boolean
}

/** What a page may load, given per `withPage` call. */
export interface PageAccess {
  /** Absolute folders whose files (`file://` URLs) the page may read; everything else is blocked. */
  allow: readonly string[]
  /** Time limit of one navigation, in ms; default 30 000. */
  navigationTimeoutMs?: number
  /**
   * For kept pages: documents with the same key may share a page. A page
   * keeps the images it has loaded, so a document could be shown one that an
   * earlier document of the same key loaded, even from outside its own
   * folders; anything not loaded yet is still checked against `allow`.
   * Default: the folders of `allow`, so that never happens.
   */
  shareKey?: string
}

/** What `withPage` tells the callback besides the page. */
export interface PageContext {
  /** URLs the page asked for and was refused, in request order. */
  blocked: readonly string[]
}

/**
 * A kind of page kept warm between documents: prepared once (scripts
 * evaluated, say), then given one document after another, which its user
 * writes into it. Saves a page's start and the preparation per document.
 */
export interface KeptPageKind {
  /** Names the kind: pages are kept per name. */
  name: string
  /**
   * Make a new page ready; it starts on a blank `file:` document, with
   * JavaScript off and only the session's own folder readable.
   */
  prepare(page: Page): Promise<void>
  /** Folders the page may read while it is prepared (fonts, say), besides the session's own; default none. */
  prepareAllows?(): readonly string[]
  /** Documents a page serves before it is replaced, which bounds what it accumulates; default 40. */
  uses?: number
  /**
   * Whether Chromium draws frames of the page: false for a page nobody looks
   * at, which is only printed. Headless Chromium otherwise makes a frame after
   * every change (paint, commit, raster, composite, draw); a frameless page
   * runs no `requestAnimationFrame` callback, so its scripts must not wait for
   * one. Default true.
   */
  frames?: boolean
}

/** One browser for a whole build, shared by every document. */
export interface BrowserSession {
  readonly executablePath: string
  readonly version: string
  /** The browser's process id, when it runs as a child of this one. */
  readonly pid: number | undefined
  /**
   * Run `fn` with a fresh page; at most `jobs` pages are open at once. The
   * page starts with JavaScript off, so the document's own script never runs;
   * a caller that injects its own script turns it on after navigation.
   */
  withPage<T>(access: PageAccess, fn: (page: Page, context: PageContext) => Promise<T>): Promise<T>
  /**
   * Run `fn` with a prepared page of `kind`, reused from an earlier document
   * when one is idle (at most `jobs` pages are in use at once). `access`
   * holds for this document only. A page whose `fn` fails is closed, never
   * reused, since its state is unknown.
   */
  withKeptPage<T>(kind: KeptPageKind, access: PageAccess, fn: (page: Page, context: PageContext) => Promise<T>): Promise<T>
  /** Prepare one page of `kind` in the background, so that the first document finds it ready. */
  prewarm(kind: KeptPageKind): void
  /** Close the browser and remove its profile; safe to call twice. */
  close(): Promise<void>
}

/** Start one browser for a build (or connect to one started early). Close it with `session.close()`. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 2))
  const started = await (options.started ?? startChromium(options))
  const timeoutMs = options.launchTimeoutMs ?? 30_000
  let browser: Browser
  const transport = new PipeTransport(started.input, started.output)
  const gone = exitOf(started)
  try {
    // The same class as puppeteer-core's `Browser`, declared twice: in its rolled-up types and in the module's own.
    const connecting = puppeteer.connect({ transport, defaultViewport: { width: 800, height: 600 }, protocolTimeout: 180_000 }) as unknown as Promise<Browser>
    browser = await withTimeout(Promise.race([connecting, gone.exited]), timeoutMs, 'starting Chromium')
  } catch (error) {
    // Closed, the connection drops its pending calls and their timers, which would keep this process alive.
    transport.close()
    // The pipe can close a moment before Node sees the process end: its exit is waited for briefly, before the kill.
    await gone.settled(500)
    const exit = gone.code()
    started.kill()
    const printed = started.stderr()
    throw new Error(
      `Unexpected failure to start \`${started.executable.path}\`, expected a running Chromium${exit ? ` (it exited with ${exit})` : ''}${printed ? ` (it printed: ${printed.split('\n').slice(-3).join(' ⏎ ')})` : ''}: ${browserInstallHint}`,
      { cause: error },
    )
  } finally {
    gone.stop()
  }
  try {
    return await createSession(browser, started, jobs)
  } catch (error) {
    started.kill()
    throw error
  }
}

/**
 * Chromium's exit while puppeteer connects: `exited` rejects as soon as the
 * process is gone (also when it was gone before), instead of the connection
 * waiting out its time limit; `code` says how it ended; `settled` waits at
 * most `ms` for it to end; `stop` stops watching.
 */
function exitOf(started: StartedChromium): { exited: Promise<never>; code: () => string | undefined; settled: (ms: number) => Promise<void>; stop: () => void } {
  const child = started.process
  const code = (): string | undefined => (child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode !== null ? `signal ${child.signalCode}` : undefined)
  let onExit = (): void => undefined
  const exited = new Promise<never>((_, reject) => {
    onExit = () => reject(new Error(`Unexpected exit of Chromium (${code() ?? 'unknown'}), expected it to run`))
  })
  // Raced against the connection while it lasts, and not looked at after.
  exited.catch(() => undefined)
  if (code()) onExit()
  else child.once('exit', onExit)
  const settled = async (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
    clearTimeout(timer)
  }
  return { exited, code, settled, stop: () => child.off('exit', onExit) }
}

/**
 * puppeteer's connection over Chromium's DevTools pipe (`--remote-debugging-pipe`):
 * messages are JSON, each ended by a NUL byte.
 */
class PipeTransport implements ConnectionTransport {
  onmessage?: (message: string) => void
  #onclose: (() => void) | undefined
  #input: Writable
  #pending: Buffer[] = []
  #closed = false

  constructor(input: Writable, output: Readable) {
    this.#input = input
    output.on('data', (chunk: Buffer) => this.#receive(chunk))
    output.on('close', () => this.#end())
    // Ended before anyone listened (a Chromium that exited at once: Node drains a dead child's pipes).
    if (output.destroyed || output.readableEnded) queueMicrotask(() => this.#end())
  }

  get onclose(): () => void {
    return this.#onclose ?? (() => undefined)
  }

  /** puppeteer listens only once it has made its connection: one made on a closed pipe is told at once. */
  set onclose(listener: () => void) {
    this.#onclose = listener
    // puppeteer sets `undefined` when it lets go, whatever the declared type says.
    if (this.#closed && typeof listener === 'function') queueMicrotask(listener)
  }

  send(message: string): void {
    if (this.#closed) return
    // One write, not the message and then its NUL: each is a system call on the pipe, about 0.2 ms of
    // this process here (measured, 2,632 writes for 100 PDFs), and each wakes Chromium's reader.
    this.#input.write(`${message}\0`)
  }

  close(): void {
    this.#end()
  }

  #receive(chunk: Buffer): void {
    let from = 0
    for (let end = chunk.indexOf(0); end >= 0; end = chunk.indexOf(0, from)) {
      const message = Buffer.concat([...this.#pending, chunk.subarray(from, end)]).toString('utf8')
      this.#pending = []
      from = end + 1
      this.onmessage?.(message)
    }
    if (from < chunk.length) this.#pending.push(chunk.subarray(from))
  }

  #end(): void {
    if (this.#closed) return
    this.#closed = true
    this.#onclose?.()
  }
}

/** What a page may read now and what it was refused; a kept page gets a new one per document. */
interface PageGate {
  roots: readonly string[]
  blocked: string[]
}

/** A page kept for reuse, with its gate and the documents it has served. */
interface KeptPage {
  page: Page
  gate: PageGate
  used: number
  /** The folders its documents could read, joined; none before its first document. */
  key?: string
}

/** An idle kept page, perhaps still being prepared. */
interface IdlePage {
  key: string | undefined
  page: Promise<KeptPage | undefined>
}

async function createSession(browser: Browser, started: StartedChromium, jobs: number): Promise<BrowserSession> {
  const version = await browser.version()
  const waiting: Array<() => void> = []
  let open = 0
  let closed: Promise<void> | undefined
  const { pagesDir, blankUrl } = started
  const idle = new Map<string, IdlePage[]>()
  // Every document asks for the same font files, and is allowed the same folders: each path is resolved once per session.
  const realPaths = new Map<string, Promise<string>>()
  const realPathOf = (path: string): Promise<string> => {
    let real = realPaths.get(path)
    if (!real) {
      real = realpath(path).catch(() => resolve(path))
      realPaths.set(path, real)
    }
    return real
  }
  // Chromium's first tab, already on the blank page: the first kept page of a kind that draws frames starts from it.
  let firstTab: Page | undefined = (await browser.pages())[0]

  const acquire = async (): Promise<void> => {
    if (open < jobs) {
      open++
      return
    }
    await new Promise<void>((done) => waiting.push(done))
  }
  const release = (): void => {
    const next = waiting.shift()
    if (next) next()
    else open--
  }

  const rootsOf = (access: PageAccess): Promise<string[]> => Promise.all(access.allow.map((folder) => realPathOf(resolve(folder))))

  /**
   * A new tab whose frames are drawn only when asked for (DevTools' begin-frame
   * control), which here is never. puppeteer's `newPage` has no option for it,
   * so the target is made here and found as `newPage` finds its own (by its
   * internal `_targetId`; the kept-page tests fail if that goes).
   */
  const newFramelessPage = async (): Promise<Page> => {
    const cdp = await browser.target().createCDPSession()
    try {
      // The protocol offers begin-frame control in chromium-headless-shell only: from a Chromium that refuses it
      // (`chromium --headless`, say), an ordinary page, which draws its frames and otherwise works the same.
      const made = await cdp.send('Target.createTarget', { url: 'about:blank', enableBeginFrameControl: true }).catch(() => undefined)
      if (!made) return await browser.newPage()
      const { targetId } = made
      const target = await browser.waitForTarget((candidate) => (candidate as unknown as { _targetId?: string })._targetId === targetId, { timeout: 30_000 })
      const page = await target.page()
      if (!page) throw new Error(`Unexpected target without a page (id ${targetId}), expected the tab just made`)
      return page
    } finally {
      await cdp.detach().catch(() => undefined)
    }
  }

  /** A new page, JavaScript off, every request checked against the gate's roots. */
  const openPage = async (gate: PageGate, tab?: Page, frames = true): Promise<Page> => {
    const page = tab ?? (frames ? await browser.newPage() : await newFramelessPage())
    try {
      await page.setJavaScriptEnabled(false)
      page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined))
      await page.setRequestInterception(true)
      page.on('request', (request) => void filterRequest(request, gate.roots, gate.blocked, realPathOf))
      return page
    } catch (error) {
      await page.close().catch(() => undefined)
      throw error
    }
  }

  const makeKept = async (kind: KeptPageKind): Promise<KeptPage> => {
    const gate: PageGate = { roots: [pagesDir, ...(await rootsOf({ allow: kind.prepareAllows?.() ?? [] }))], blocked: [] }
    const frames = kind.frames ?? true
    // Chromium's first tab draws frames: a frameless kind makes its own, and the first tab is closed if it is still unused.
    const unused = firstTab
    firstTab = undefined
    const page = await openPage(gate, frames ? unused : undefined, frames)
    if (!frames) void unused?.close().catch(() => undefined)
    try {
      // Also for the first tab, already there: the interception holds only from a navigation made after it is on.
      await page.goto(blankUrl, { waitUntil: 'load' })
      await kind.prepare(page)
      return { page, gate, used: 0 }
    } catch (error) {
      await page.close().catch(() => undefined)
      throw error
    }
  }

  /**
   * An idle page of `kind` that served documents with the same `roots` (or
   * none yet), else a new one. A page keeps, across `document.open()`, the
   * images it has loaded, so a page that read one set of folders never serves
   * a document allowed another. Idle pages are at most `jobs`: one of another
   * set makes way.
   */
  const takeKept = async (kind: KeptPageKind, key: string): Promise<KeptPage> => {
    const pages = idle.get(kind.name) ?? []
    idle.set(kind.name, pages)
    for (const wanted of [key, undefined]) {
      const index = pages.findIndex((entry) => entry.key === wanted)
      if (index < 0) continue
      const [entry] = pages.splice(index, 1)
      const kept = await entry?.page
      if (kept && !kept.page.isClosed()) return { ...kept, key }
    }
    if (pages.length >= jobs) void pages.shift()?.page.then((kept) => kept?.page.close().catch(() => undefined))
    return { ...(await makeKept(kind)), key }
  }

  return {
    executablePath: started.executable.path,
    version,
    pid: started.process.pid,
    async withPage(access, fn) {
      if (closed) throw new Error('Unexpected use of a closed browser session, expected an open one')
      const gate: PageGate = { roots: await rootsOf(access), blocked: [] }
      await acquire()
      let page: Page | undefined
      try {
        page = await openPage(gate)
        page.setDefaultNavigationTimeout(access.navigationTimeoutMs ?? 30_000)
        return await fn(page, { blocked: gate.blocked })
      } finally {
        await page?.close().catch(() => undefined)
        release()
      }
    },
    async withKeptPage(kind, access, fn) {
      if (closed) throw new Error('Unexpected use of a closed browser session, expected an open one')
      const roots = await rootsOf(access)
      await acquire()
      let kept: KeptPage | undefined
      let reusable = false
      try {
        kept = await takeKept(kind, access.shareKey ?? roots.join('\0'))
        kept.gate.roots = roots
        kept.gate.blocked = []
        kept.page.setDefaultNavigationTimeout(access.navigationTimeoutMs ?? 30_000)
        const result = await fn(kept.page, { blocked: kept.gate.blocked })
        kept.used++
        reusable = kept.used < (kind.uses ?? 40) && !closed
        return result
      } finally {
        if (kept && reusable) {
          kept.gate.roots = [pagesDir]
          const pages = idle.get(kind.name) ?? []
          pages.push({ key: kept.key, page: Promise.resolve(kept) })
          idle.set(kind.name, pages)
        } else await kept?.page.close().catch(() => undefined)
        release()
      }
    },
    prewarm(kind) {
      if (closed) return
      const pages = idle.get(kind.name) ?? []
      // A failure here is met again, and reported, when a document needs the page.
      pages.push({ key: undefined, page: makeKept(kind).catch(() => undefined) })
      idle.set(kind.name, pages)
    },
    close() {
      closed ??= (async () => {
        try {
          // A page still being prepared is let finish first: closing the browser under a pending
          // navigation leaves puppeteer's 30 s navigation timer holding the process open.
          const kept = [...idle.values()].flat().map((entry) => entry.page)
          await Promise.race([Promise.all(kept), new Promise((done) => setTimeout(done, 5_000).unref())])
          // Then killed, not closed: its profile is thrown away, and a graceful close took 80–90 ms.
          browser.disconnect().catch(() => undefined)
        } finally {
          started.kill()
        }
      })()
      return closed
    },
  }
}

/** Allow only `file://` URLs inside `roots` (after resolving symbolic links); block the rest. */
async function filterRequest(request: HTTPRequest, roots: readonly string[], blocked: string[], realPathOf: (path: string) => Promise<string>): Promise<void> {
  if (request.isInterceptResolutionHandled()) return
  const url = request.url()
  let allowed = false
  if (url.startsWith('file:')) {
    try {
      const path = await realPathOf(fileURLToPath(url))
      allowed = roots.some((root) => path === root || isInsideFolder(path, root))
    } catch {
      allowed = false
    }
  }
  if (!allowed) blocked.push(url)
  await (allowed ? request.continue() : request.abort('blockedbyclient')).catch(() => undefined)
}

/** Reject with a clear message when `work` takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Unexpected time over ${Math.round(ms / 1000)} s for ${what}, expected it to finish`)), ms)
  })
  try {
    return await Promise.race([work, limit])
  } finally {
    clearTimeout(timer)
  }
}
