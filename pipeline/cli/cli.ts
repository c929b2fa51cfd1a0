import path from 'node:path'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import type { VFile } from 'vfile'
import { readFile, writeFile } from 'node:fs/promises'
import { statSync } from 'node:fs'
import { projectFilePath } from '../source/project-path.ts'
import type { BuildReport } from '../build/build.ts'
import type { IndexEntry } from '../build/output-record.ts'
import { progressHooks } from './progress.ts'
import { parseShard, type Shard } from '../build/shard.ts'
import { resolveSiteUrl } from '../build/feeds/site-url.ts'
import { defaultBuildOptions, editionNames, paperSizes, type BuildOptions, type EditionName } from '../common/config.ts'
import { projectRoot } from '../common/project-root.ts'
import { exitCodeOf, formatReport, type Verbosity } from './report.ts'

const usage = `Usage: offprint <command> [paths…] [options]

Commands:
  build [paths…]   build the editions of every Markdown source (default: source/)
  check [paths…]   parse, enrich and report, writing nothing
  serve [paths…]   build, serve --out on localhost, rebuild and reload on changes
  merge FILE…      write --out/index.html and the feeds from the --json reports of shard builds
  init [folder]    write a starting project (a sample article, its glossary, a commented
                   offprint.yaml, a Makefile) into folder (default: .); never overwrites

Options:
  --out DIR            output folder (default: dist)
  --editions LIST      comma-separated: html,pdf,epub (default: all)
  --config FILE        the project file (default: offprint.yaml in the working
                       folder, when there is one; see README, "Project file")
  --paper SIZE         A4 or Letter, when front matter names none (default: the
                       project file's pdf.paper, else A4)
  --jobs N             sources and browser pages in parallel (default: 2)
  --force              rebuild every edition, ignoring the cache
  --shard K/N          build only share K of N (for CI matrices; see README)
  --json FILE          write a machine-readable report to FILE
  --port N             port for serve (default: 4173)
  --host ADDRESS       address serve listens on (default: 127.0.0.1); another
                       one makes dist/ visible on the network, e.g. to an e-reader
  --site-url URL       the site's public URL (or OFFPRINT_SITE_URL, or the project
                       file's site.url): absolute feed links and sitemap.xml
                       (default: relative, no sitemap)
  --frail              exit 1 on warnings too
  --quiet              print only errors
  --verbose            print every message with its details
  --help               show this help
  --version            print offprint's version

Exit codes: 0 success, 1 content errors (or warnings with --frail), 2 usage errors.`

class UsageError extends Error {}

interface Parsed {
  command: 'build' | 'check' | 'serve' | 'merge' | 'init'
  port: number
  host: string
  options: BuildOptions & { force: boolean; shard?: Shard; siteUrl?: string; project?: string; paperChosen: boolean }
  frail: boolean
  verbosity: Verbosity
  json?: string
}

function parse(argv: string[]): Parsed | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      editions: { type: 'string' },
      paper: { type: 'string' },
      jobs: { type: 'string' },
      force: { type: 'boolean', default: false },
      shard: { type: 'string' },
      json: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'site-url': { type: 'string' },
      config: { type: 'string' },
      frail: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  })
  if (values.help) return 'help'
  if (values.version) return 'version'
  const [command, ...paths] = positionals
  if (command !== 'build' && command !== 'check' && command !== 'serve' && command !== 'merge' && command !== 'init') {
    throw new UsageError(
      command
        ? `Unexpected command \`${command}\`, expected \`build\`, \`check\`, \`serve\`, \`merge\` or \`init\``
        : 'Missing command, expected `build`, `check`, `serve`, `merge` or `init`',
    )
  }
  if (command === 'init' && paths.length > 1) throw new UsageError(`Unexpected folders \`${paths.join(' ')}\` for \`init\`, expected one folder at most`)
  if (command === 'merge' && paths.length === 0) throw new UsageError('Missing reports for `merge`, expected the `--json` files of the shard builds')
  const port = values.port === undefined ? 4173 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`Unexpected --port \`${values.port}\`, expected a port number`)
  const editions = (values.editions ?? editionNames.join(',')).split(',').map((name) => name.trim())
  for (const name of editions) if (!(editionNames as readonly string[]).includes(name)) throw new UsageError(`Unexpected edition \`${name}\`, expected ${editionNames.join(', ')}`)
  const paper = values.paper ?? defaultBuildOptions.paper
  if (!(paperSizes as readonly string[]).includes(paper)) throw new UsageError(`Unexpected paper \`${paper}\`, expected A4 or Letter`)
  const jobs = values.jobs === undefined ? defaultBuildOptions.jobs : Number(values.jobs)
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`Unexpected --jobs \`${values.jobs}\`, expected a whole number from 1 to 64`)
  const host = values.host ?? '127.0.0.1'
  if (isIP(host) === 0 && host !== 'localhost') throw new UsageError(`Unexpected --host \`${host}\`, expected an IP address such as 127.0.0.1, 0.0.0.0 or 192.168.1.20`)
  let siteUrl: string | undefined
  try {
    siteUrl = resolveSiteUrl(values['site-url'])
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  // A project file named but missing is a mistake in the command; one with bad content is a content error (exit 1).
  const project = command === 'init' ? undefined : projectFilePath(values.config)
  if (project !== undefined && !statSync(project, { throwIfNoEntry: false })?.isFile()) {
    throw new UsageError(`Unexpected --config \`${values.config}\`, expected an existing project file such as offprint.yaml`)
  }
  if (values.quiet && values.verbose) throw new UsageError('Unexpected --quiet with --verbose, expected one of them')
  const shard = values.shard === undefined ? undefined : parseShard(values.shard)
  if (values.shard !== undefined && !shard) throw new UsageError(`Unexpected --shard \`${values.shard}\`, expected K/N with 1 ≤ K ≤ N, such as 1/4`)
  return {
    command,
    port,
    host,
    frail: values.frail,
    verbosity: values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal',
    options: {
      paths: paths.length > 0 ? paths : command === 'init' ? ['.'] : defaultBuildOptions.paths,
      out: path.resolve(values.out ?? defaultBuildOptions.out),
      editions: editions as EditionName[],
      paper: paper as BuildOptions['paper'],
      paperChosen: values.paper !== undefined,
      ...(project !== undefined ? { project } : {}),
      jobs,
      force: values.force,
      ...(shard ? { shard } : {}),
      ...(siteUrl ? { siteUrl } : {}),
    },
    ...(values.json ? { json: path.resolve(values.json) } : {}),
  }
}

/** Whether `file` is a project file (`offprint.yaml`), whose messages the build reports with the others. */
function isProjectFile(file: VFile): boolean {
  return file.messages.some((message) => message.ruleId?.startsWith('project-'))
}

/** The `--json` report: per source its status, editions, timings, sizes and messages. */
function jsonReport(result: BuildReport): unknown {
  const project = result.files.find(isProjectFile)
  const brief = (message: VFile['messages'][number]) => ({ line: message.line ?? null, column: message.column ?? null, ruleId: message.ruleId ?? null, reason: message.reason })
  const messagesOf = new Map(result.files.map((file) => [file.path, file.messages]))
  return {
    generator: 'offprint',
    sources: result.sources.map((source) => ({
      source: path.relative(process.cwd(), source.source),
      slug: source.slug,
      status: source.status,
      timingsMs: Object.fromEntries(Object.entries(source.timings).map(([stage, ms]) => [stage, Math.round(ms)])),
      files: source.entry?.files ?? {},
      entry: source.entry,
      messages: (messagesOf.get(source.source) ?? []).map((message) => ({
        line: message.line ?? null,
        column: message.column ?? null,
        ruleId: message.ruleId ?? null,
        severity: message.fatal ? 'error' : 'warning',
        reason: message.reason,
      })),
    })),
    glossaries: result.files
      .filter((file) => !result.sources.some((source) => source.source === file.path) && !isProjectFile(file))
      .map((file) => ({
        file: path.relative(process.cwd(), file.path),
        messages: file.messages.map(brief),
      })),
    // The project file, when it has messages.
    ...(project ? { project: { file: path.relative(process.cwd(), project.path), messages: project.messages.map(brief) } } : {}),
  }
}

/** Build the index of a site whose shards were built apart, from their `--json` reports. */
async function merge(reports: string[], out: string, siteUrl: string | undefined, projectPath: string | undefined): Promise<number> {
  const [{ readProject }, { siteOptionsOf }, { templatesDir, writeIndex }, { projectTemplatesDir }] = await Promise.all([
    import('../source/project-file.ts'),
    import('../build/project-settings.ts'),
    import('../build/build.ts'),
    import('../build/project-templates.ts'),
  ])
  const { file, project } = await readProject(projectPath)
  if (!project) {
    process.stderr.write(`${formatReport(file ? [file] : [], 'normal')}\n`)
    return 1
  }
  const entries: IndexEntry[] = []
  for (const report of reports) {
    let parsed: { sources?: Array<{ entry?: IndexEntry }> }
    try {
      parsed = JSON.parse(await readFile(report, 'utf8')) as typeof parsed
    } catch (error) {
      process.stderr.write(`offprint: Unexpected report \`${report}\`: ${(error as Error).message}; expected a file written by \`offprint build --json\`\n`)
      return 2
    }
    for (const source of parsed.sources ?? []) if (source.entry) entries.push(source.entry)
  }
  await writeIndex(out, entries, await projectTemplatesDir(project, templatesDir), undefined, siteOptionsOf(project, siteUrl))
  process.stderr.write(
    `offprint: merged ${entries.length} source(s) from ${reports.length} report(s) → ${path.relative(process.cwd(), path.join(out, 'index.html'))} and the feeds\n`,
  )
  return 0
}

/** `offprint init [folder]`: write the starting project, or refuse (exit 2) when any of its files exists. */
async function init(folder: string): Promise<number> {
  const { initProject } = await import('../build/init-project.ts')
  const outcome = await initProject(path.resolve(folder))
  const shown = (file: string): string => path.join(folder, file)
  if ('existing' in outcome) {
    process.stderr.write(`offprint: Unexpected existing ${outcome.existing.map((file) => `\`${shown(file)}\``).join(', ')}, expected a folder without them; nothing was written\n`)
    return 2
  }
  for (const file of outcome.written) process.stderr.write(`offprint: wrote ${shown(file)}\n`)
  process.stderr.write(`offprint: next: ${folder === '.' ? '' : `cd ${folder} && `}npx offprint build\n`)
  return 0
}

/** The `version` of offprint's own package.json. */
async function offprintVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { version?: string }
  return manifest.version ?? 'unknown'
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`offprint: ${(error as Error).message}\n\n${usage}\n`)
    return 2
  }
  if (parsed === 'help') {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  if (parsed === 'version') {
    process.stdout.write(`offprint ${await offprintVersion()}\n`)
    return 0
  }
  const { command, options, frail, verbosity } = parsed
  if (command === 'init') return init(options.paths[0] ?? '.')
  if (command === 'merge') return merge(options.paths, options.out, options.siteUrl, options.project)
  if (command === 'serve') {
    const { serve } = await import('../serve/serve.ts')
    const output = { quiet: verbosity === 'quiet', progress: progressHooks, report: (files: VFile[], errorsOnly = false) => formatReport(files, errorsOnly ? 'quiet' : verbosity) }
    return serve({ ...options, port: parsed.port, host: parsed.host, output })
  }
  try {
    const started = performance.now()
    const progress = verbosity === 'quiet' ? undefined : progressHooks(process.stderr)
    // Loaded here, not at start: `build` starts Chromium and the workers before it loads the rest of what it needs.
    const { build } = await import('../build/build.ts')
    // Every source parses in a worker thread, under its time limit.
    const result = await build({ ...options, check: command === 'check', isolate: true }, progress)
    progress?.finish()
    if (parsed.json) await writeFile(parsed.json, `${JSON.stringify(jsonReport(result), null, 2)}\n`)
    const text = formatReport(result.files, verbosity)
    if (text) process.stderr.write(`${text}\n`)
    if (verbosity !== 'quiet') {
      const seconds = ((performance.now() - started) / 1000).toFixed(2)
      const count = (status: string) => result.sources.filter((source) => source.status === status).length
      const summary = command === 'check' ? `checked ${result.sources.length} source(s)` : `built ${count('built')}, ${count('cached')} unchanged`
      process.stderr.write(
        `offprint: ${summary}, ${result.failed.length} failed, in ${seconds} s${command === 'build' ? ` → ${path.relative(process.cwd(), options.out) || '.'}` : ''}\n`,
      )
    }
    return exitCodeOf(result.files, frail)
  } catch (error) {
    const err = error as NodeJS.ErrnoException
    // A missing path or browser is the user's to fix: say so without a stack trace.
    if (err.code === 'ENOENT') {
      process.stderr.write(`offprint: Unexpected missing file or folder \`${err.path ?? ''}\`, expected an existing source path\n`)
      return 2
    }
    process.stderr.write(`offprint: ${err.message}\n`)
    if (verbosity === 'verbose' && err.stack) process.stderr.write(`${err.stack}\n`)
    return 1
  }
}

void main().then((code) => {
  process.exitCode = code
})
