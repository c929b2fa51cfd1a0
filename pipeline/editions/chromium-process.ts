import { type ChildProcess, spawn } from 'node:child_process'
import { constants, rmSync } from 'node:fs'
import { access, mkdtemp, realpath, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { onExitSignal } from '../common/exit-signals.ts'

/**
 * Finding and starting Chromium, without puppeteer: the process starts while
 * puppeteer (about 0.3 s to load) and the build's other modules are still
 * loading, and `browser.ts` connects to it over the pipe once they are.
 */

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

/**
 * The flags `puppeteer.launch` gives Chromium 156 (`puppeteer.defaultArgs()`
 * of puppeteer 24, without the profile folder and the first URL; a test holds
 * the two lists equal). `--export-tagged-pdf` and
 * `--generate-pdf-document-outline` make the PDF's structure and outline.
 */
export const puppeteerArgs: readonly string[] = [
  '--allow-pre-commit-input',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-crash-reporter',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-hang-monitor',
  '--disable-infobars',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  '--enable-automation',
  '--export-tagged-pdf',
  '--force-color-profile=srgb',
  '--generate-pdf-document-outline',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,WebUIReloadButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes',
  '--enable-features=PdfOopif',
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-extensions',
]

/**
 * Ours: an offline, GPU-less run as root. `--disable-software-rasterizer`
 * keeps the GPU process from starting SwiftShader, a software GL that
 * nothing here draws with (pages are printed by Skia's PDF backend): the same
 * bytes, 14–20 MB less memory for the whole tree and 4% less CPU for one
 * article's three editions (eight alternating pairs, measured). `--incognito`
 * keeps the profile's stores in memory: Chromium opens no databases and
 * caches on disk at its start (15 of them, storage, code and GPU caches),
 * which nothing here reads again, as the profile is thrown away. The same
 * bytes; one article's three editions 1.07 against 1.12 s (eight alternating
 * pairs), 30 articles the same.
 */
const offlineArgs = [
  '--incognito',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-software-rasterizer',
  '--disable-quic',
  '--disable-component-update',
  '--font-render-hinting=none',
  '--remote-debugging-pipe',
]

/**
 * Chromium's V8 compiles a page's functions with Maglev and TurboFan after 32
 * times the calls it waits for by default (400 and 3,000). A print page runs
 * the same scripts for every document (Paged.js and ours), whose time goes to
 * style and layout, not to their own code: at the defaults the renderers
 * compiled some 7 functions more per document all through a build, 1.6 of a
 * 100-PDF build's 19 CPU-seconds on their thread pools, for code that ran no
 * faster (measured; the main threads' time was the same). A function that is
 * hot, as in a book-length document, is still compiled. The PDFs are the same.
 */
export const rendererTieringFlags = '--js-flags=--invocation-count-for-maglev=12800 --invocation-count-for-turbofan=96000'

/** Options of `startChromium`. */
export interface ChromiumOptions {
  /** Chromium to run; default: found by `findBrowser`. */
  executablePath?: string
  /** `--single-process`: see `BrowserOptions.singleProcess`; default false. */
  singleProcess?: boolean
}

/** A Chromium process started for one build, driven over its DevTools pipe. */
export interface StartedChromium {
  executable: BrowserExecutable
  process: ChildProcess
  /** The profile folder, removed with the process. */
  userDataDir: string
  /** A folder of the session's own pages; the first tab shows `blankUrl` from it. */
  pagesDir: string
  blankUrl: string
  /** Pipe ends: Chromium reads commands from `input` and writes answers to `output`. */
  input: Writable
  output: Readable
  /** The last lines Chromium printed, for an error message. */
  stderr(): string
  /** Kill the process at once and remove the profile (synchronous: also on exit). */
  kill(): void
}

/**
 * Start Chromium, showing a blank `file:` page in its first tab. It is killed
 * with its profile removed when this process exits or gets SIGINT, SIGTERM or
 * SIGHUP (the signal's default action then goes on when nobody else listens).
 */
export async function startChromium(options: ChromiumOptions = {}): Promise<StartedChromium> {
  const executable: BrowserExecutable = options.executablePath
    ? { path: options.executablePath, headless: options.executablePath.includes('headless-shell') ? 'shell' : true }
    : await findBrowser()
  const userDataDir = await mkdtemp(join(tmpdir(), 'offprint-chromium-'))
  // A `file:` page may read local files (under the session's checks); `about:blank` may not.
  const pagesDir = await realpath(await mkdtemp(join(userDataDir, 'pages-')))
  const blankUrl = pathToFileURL(join(pagesDir, 'blank.html')).href
  await writeFile(join(pagesDir, 'blank.html'), '<!doctype html><meta charset="utf-8"><title></title>')
  const args = [
    ...puppeteerArgs,
    ...offlineArgs,
    rendererTieringFlags,
    ...(options.singleProcess ? ['--single-process', '--no-zygote'] : []),
    `--user-data-dir=${userDataDir}`,
    blankUrl,
  ]
  const child = spawn(executable.path, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000)
  })
  // A failure to start shows as the pipe closing; `spawn`'s own error would otherwise be thrown.
  child.on('error', (error) => {
    stderr += `\n${error.message}`
  })
  const kill = (): void => {
    removeSignalHandler()
    process.off('exit', kill)
    child.kill('SIGKILL')
    rmSync(userDataDir, { recursive: true, force: true })
  }
  const removeSignalHandler = onExitSignal(kill)
  process.on('exit', kill)
  const input = child.stdio[3] as Writable
  const output = child.stdio[4] as Readable
  // Errors on the pipes (EPIPE once Chromium is gone) end the session through the transport's close.
  input.on('error', () => undefined)
  output.on('error', () => undefined)
  return { executable, process: child, userDataDir, pagesDir, blankUrl, input, output, stderr: () => stderr.trim(), kill }
}
