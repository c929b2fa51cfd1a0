/**
 * The peers offprint is compared with: pandoc (with WeasyPrint for its PDF)
 * and md-to-pdf. Installed here when missing, never by `make test`: pandoc
 * and WeasyPrint with apt-get when running as root, md-to-pdf with npm into
 * the git-ignored `.bench/md-to-pdf`, without a browser download (it runs the
 * Chromium offprint finds).
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { findBrowser } from '../../pipeline/editions/chromium-process.ts'
import type { Command } from './commands.ts'

export const mdToPdfVersion = '5.2.5'

/** What this machine offers to compare with, and what is missing and how to get it. */
export interface Peers {
  /** pandoc's version line, when it runs. */
  pandoc?: string
  /** WeasyPrint's version line, when it runs (pandoc's PDF engine). */
  weasyprint?: string
  /** md-to-pdf, when installed. */
  mdToPdf?: { cli: string; launchOptions: string; chromium: string }
  /** Why a peer is missing, with the command that installs it. */
  missing: string[]
}

const say = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`)
}

async function versionLine(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(command, args)
    return stdout.trim().split('\n')[0]
  } catch {
    return undefined
  }
}

/** Run a command with its output on our stderr; true when it succeeds. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<boolean> {
  return new Promise((resolve) => {
    say(`$ ${command} ${args.join(' ')}`)
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', process.stderr, process.stderr] })
    child.once('error', () => resolve(false))
    child.once('exit', (code) => resolve(code === 0))
  })
}

async function preparePandoc(install: boolean, peers: Peers): Promise<void> {
  let pandoc = await versionLine('pandoc', ['--version'])
  let weasyprint = await versionLine('weasyprint', ['--version'])
  const packages = [...(pandoc ? [] : ['pandoc']), ...(weasyprint ? [] : ['weasyprint'])]
  if (packages.length > 0 && install && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const apt = ['install', '-y', '--no-install-recommends', ...packages]
    if (!(await run('apt-get', apt, env))) {
      // The package lists may be missing or stale on a fresh machine.
      if (await run('apt-get', ['update'], env)) await run('apt-get', apt, env)
    }
    pandoc = await versionLine('pandoc', ['--version'])
    weasyprint = await versionLine('weasyprint', ['--version'])
  }
  if (pandoc) peers.pandoc = pandoc
  if (weasyprint) peers.weasyprint = weasyprint
  const still = [...(pandoc ? [] : ['pandoc']), ...(weasyprint ? [] : ['weasyprint'])]
  if (still.length > 0)
    peers.missing.push(
      `${still.join(' and ')} not installed: run \`apt-get install -y ${still.join(' ')}\` as root (Debian bookworm: pandoc 2.17, WeasyPrint 57); the rows against pandoc are skipped`,
    )
}

/** md-to-pdf's CLI in `.bench/md-to-pdf`, installed there when missing. */
async function prepareMdToPdf(projectRoot: string, install: boolean, peers: Peers): Promise<void> {
  const prefix = path.join(projectRoot, '.bench', 'md-to-pdf')
  const packageJson = path.join(prefix, 'node_modules', 'md-to-pdf', 'package.json')
  const installed = (): boolean => {
    try {
      return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version === mdToPdfVersion
    } catch {
      return false
    }
  }
  const npmArgs = ['install', '--prefix', prefix, '--no-audit', '--no-fund', `md-to-pdf@${mdToPdfVersion}`]
  if (!installed() && install) await run('npm', npmArgs, { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' }, projectRoot)
  if (!installed()) {
    peers.missing.push(`md-to-pdf@${mdToPdfVersion} not installed: run \`PUPPETEER_SKIP_DOWNLOAD=1 npm ${npmArgs.join(' ')}\`; the row against it is skipped`)
    return
  }
  let browser: Awaited<ReturnType<typeof findBrowser>>
  try {
    browser = await findBrowser()
  } catch (error) {
    peers.missing.push(`md-to-pdf: ${(error as Error).message}`)
    return
  }
  // The flags offprint's own browser runs with (pipeline/editions/browser.ts) that bear on speed and on running as root.
  const launchOptions = JSON.stringify({
    executablePath: browser.path,
    headless: browser.headless,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none', '--no-first-run', '--disable-background-networking'],
  })
  peers.mdToPdf = { cli: path.join(prefix, 'node_modules', 'md-to-pdf', 'dist', 'cli.js'), launchOptions, chromium: browser.path }
}

/** Find (and install, when allowed) the peers the chosen rows need. */
export async function preparePeers(options: { projectRoot: string; install: boolean; pandoc: boolean; mdToPdf: boolean }): Promise<Peers> {
  const peers: Peers = { missing: [] }
  if (options.pandoc) await preparePandoc(options.install, peers)
  if (options.mdToPdf) await prepareMdToPdf(options.projectRoot, options.install, peers)
  return peers
}

/**
 * md-to-pdf over `files`, in calls of `batch` files run one after the other
 * (each call converts its files at once in one browser), from `cwd`, the
 * folder it serves local images from. Each PDF is written beside its Markdown.
 */
export function mdToPdfUnits(mdToPdf: NonNullable<Peers['mdToPdf']>, files: readonly string[], batch: number, cwd: string): Command[][] {
  const calls: Command[] = []
  for (let start = 0; start < files.length; start += batch) {
    calls.push({
      command: process.execPath,
      args: [mdToPdf.cli, '--launch-options', mdToPdf.launchOptions, ...files.slice(start, start + batch).map((file) => path.relative(cwd, file))],
      cwd,
      env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
    })
  }
  // One unit: the calls in sequence.
  return [calls]
}
