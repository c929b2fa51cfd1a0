import { constants } from 'node:fs'
import { access, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer'

/** Options of `launchBrowser`. */
export interface BrowserOptions {
  /** Chromium to run; default: found by `findBrowser`. */
  executablePath?: string
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
  /** Documents a page serves before it is replaced, which bounds what it accumulates; default 40. */
  uses?: number
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

/** A Chromium found on this machine. */
export interface BrowserExecutable {
  path: string
  /** puppeteer's headless mode: `'shell'` for chromium-headless-shell. */
  headless: true | 'shell'
}

/**
 * chromium-headless-shell first: measured on Debian 12 (Chromium 156, 2 cores),
 * it starts in 56–75 ms against 245–335 ms for the full chromium. The files
 * under /usr/lib/chromium are the real binaries; /usr/bin holds shell wrappers
 * that start a second process (and Debian's chromium wrapper prints errors).
 */
const knownPaths: BrowserExecutable[] = [
  { path: '/usr/lib/chromium/chromium-headless-shell', headless: 'shell' },
  { path: '/usr/lib/chromium/chromium', headless: true },
]
const commandNames: BrowserExecutable[] = [
  { path: 'chromium-headless-shell', headless: 'shell' },
  { path: 'chromium', headless: true },
  { path: 'chromium-browser', headless: true },
  { path: 'google-chrome', headless: true },
  { path: 'google-chrome-stable', headless: true },
]

export const browserInstallHint = 'install Debian’s `chromium-headless-shell` package (`apt-get install chromium-headless-shell`), or set `PUPPETEER_EXECUTABLE_PATH`'

/**
 * Find Chromium: `PUPPETEER_EXECUTABLE_PATH`, then chromium-headless-shell,
 * chromium, google-chrome (known Debian paths, then `PATH`).
 */
export async function findBrowser(env: NodeJS.ProcessEnv = process.env): Promise<BrowserExecutable> {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`Unexpected \`PUPPETEER_EXECUTABLE_PATH\` \`${fromEnv}\`, expected an executable Chromium`)
    }
    return { path: fromEnv, headless: fromEnv.includes('headless-shell') ? 'shell' : true }
  }
  for (const known of knownPaths) if (await isExecutable(known.path)) return known
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const command of commandNames) {
    for (const dir of dirs) {
      const path = join(dir, command.path)
      if (await isExecutable(path)) return { path, headless: command.headless }
    }
  }
  throw new Error(`Unexpected missing browser, expected Chromium for the PDF edition: ${browserInstallHint}`)
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Flags for an offline, GPU-less run as root. */
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
]

const closeSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** Start one browser for a build. Close it with `session.close()`. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const executable: BrowserExecutable = options.executablePath
    ? { path: options.executablePath, headless: options.executablePath.includes('headless-shell') ? 'shell' : true }
    : await findBrowser()
  const jobs = Math.max(1, Math.floor(options.jobs ?? 2))
  const userDataDir = await mkdtemp(join(tmpdir(), 'offprint-chromium-'))
  let browser: Browser
  try {
    browser = await puppeteer.launch({
      executablePath: executable.path,
      headless: executable.headless,
      userDataDir,
      args: options.singleProcess ? [...launchArgs, '--single-process', '--no-zygote'] : launchArgs,
      timeout: options.launchTimeoutMs ?? 30_000,
      // The session closes the browser itself, on signals too.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    })
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true })
    throw new Error(`Unexpected failure to start \`${executable.path}\`, expected a running Chromium: ${browserInstallHint}`, { cause: error })
  }
  try {
    return await createSession(browser, executable.path, userDataDir, jobs)
  } catch (error) {
    browser.process()?.kill('SIGKILL')
    await rm(userDataDir, { recursive: true, force: true })
    throw error
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

async function createSession(browser: Browser, executablePath: string, userDataDir: string, jobs: number): Promise<BrowserSession> {
  const version = await browser.version()
  const waiting: Array<() => void> = []
  let open = 0
  let closed: Promise<void> | undefined
  // A kept page starts on this blank document: a `file:` page may read local files, `about:blank` may not.
  const pagesDir = await realpath(await mkdtemp(join(userDataDir, 'pages-')))
  const blankUrl = pathToFileURL(join(pagesDir, 'blank.html')).href
  await writeFile(join(pagesDir, 'blank.html'), '<!doctype html><meta charset="utf-8"><title></title>')
  const idle = new Map<string, IdlePage[]>()
  // Every document asks for the same font files: each path is resolved once per session.
  const realPaths = new Map<string, Promise<string>>()

  const killNow = (): void => {
    browser.process()?.kill('SIGKILL')
    rmSync(userDataDir, { recursive: true, force: true })
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    removeHandlers()
    killNow()
    // Let the default action (exit) happen when nobody else listens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }
  const removeHandlers = (): void => {
    for (const signal of closeSignals) process.off(signal, onSignal)
    process.off('exit', killNow)
  }
  for (const signal of closeSignals) process.on(signal, onSignal)
  process.on('exit', killNow)

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

  const rootsOf = (access: PageAccess): Promise<string[]> => Promise.all(access.allow.map((folder) => realpath(resolve(folder)).catch(() => resolve(folder))))

  /** A new page, JavaScript off, every request checked against the gate's roots. */
  const openPage = async (gate: PageGate): Promise<Page> => {
    const page = await browser.newPage()
    try {
      await page.setJavaScriptEnabled(false)
      page.on('dialog', (dialog) => void dialog.dismiss().catch(() => undefined))
      await page.setRequestInterception(true)
      page.on('request', (request) => void filterRequest(request, gate.roots, gate.blocked, realPaths))
      return page
    } catch (error) {
      await page.close().catch(() => undefined)
      throw error
    }
  }

  const makeKept = async (kind: KeptPageKind): Promise<KeptPage> => {
    const gate: PageGate = { roots: [pagesDir], blocked: [] }
    const page = await openPage(gate)
    try {
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
    executablePath,
    version,
    pid: browser.process()?.pid,
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
        removeHandlers()
        try {
          // A page still being prepared is let finish first: closing the browser under a pending
          // navigation leaves puppeteer's 30 s navigation timer holding the process open.
          const kept = [...idle.values()].flat().map((entry) => entry.page)
          await Promise.race([Promise.all(kept), new Promise((done) => setTimeout(done, 5_000).unref())])
          await Promise.race([browser.close(), new Promise((done) => setTimeout(done, 5_000).unref())])
        } finally {
          killNow()
        }
      })()
      return closed
    },
  }
}

/** Allow only `file://` URLs inside `roots` (after resolving symbolic links); block the rest. */
async function filterRequest(request: HTTPRequest, roots: readonly string[], blocked: string[], realPaths: Map<string, Promise<string>>): Promise<void> {
  if (request.isInterceptResolutionHandled()) return
  const url = request.url()
  let allowed = false
  if (url.startsWith('file:')) {
    try {
      const file = fileURLToPath(url)
      let real = realPaths.get(file)
      if (!real) {
        real = realpath(file).catch(() => resolve(file))
        realPaths.set(file, real)
      }
      const path = await real
      allowed = roots.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))
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
