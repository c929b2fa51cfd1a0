import { stat } from 'node:fs/promises'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { VFile } from 'vfile'
import { build, templatesDir, type BuildHooks, type BuildReport } from '../build/build.ts'
import type { BuildOptions } from '../common/config.ts'
import { defaultHost, startServer, type StaticServer } from './http.ts'
import { readerUrls } from './reader-urls.ts'
import { watchFolders, type WatchTarget } from './watch.ts'
import { readProject } from '../source/project-file.ts'

/**
 * How builds are shown in the terminal: the CLI's progress and report,
 * passed in, so that serve stays a layer below the CLI.
 */
export interface ServeOutput {
  /** Print only errors. */
  quiet: boolean
  /** Progress hooks writing to `stream`. */
  progress: (stream: NodeJS.WriteStream) => BuildHooks & { finish: () => void }
  /** The messages of a build, at the chosen verbosity (`errorsOnly`: as with --quiet). */
  report: (files: VFile[], errorsOnly?: boolean) => string
}

export type ServeOptions = BuildOptions & {
  force: boolean
  port: number
  /** Address to listen on; default 127.0.0.1 (this machine only). */
  host?: string
  /** The site's absolute URL, for the feeds' links and the sitemap. */
  siteUrl?: string
  /** The project file (`offprint.yaml`): watched with the files it names; default none. */
  project?: string
  /** Whether `--paper` was given (it wins over the project's `pdf.paper`); default false. */
  paperChosen?: boolean
  output: ServeOutput
}

/** The project file and the files it names (only the project file while it has errors). */
async function projectInputs(project: string | undefined): Promise<string[]> {
  if (project === undefined) return []
  const read = await readProject(project).catch(() => undefined)
  return read?.project?.files ?? [path.resolve(project)]
}

/** Quiet time after the last change before a rebuild, in milliseconds. */
const debounce = 120
const markdownFile = /\.(md|markdown)$/i

/**
 * `offprint serve`: build, serve `options.out` on 127.0.0.1 (or `host`), watch the
 * sources and the templates, rebuild on a change (the cache skips what did
 * not change) and reload the open pages. A build with errors shows them in
 * the terminal and over every served page, while the previous good output
 * stays served. Runs until SIGINT or SIGTERM; resolves the exit code.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const { port, host = defaultHost, output, force, ...buildOptions } = options
  const verbose = !output.quiet
  const log = (text: string): void => {
    process.stderr.write(`${text}\n`)
  }
  const relative = (file: string): string => path.relative(process.cwd(), file) || '.'

  const targets: WatchTarget[] = []
  for (const given of buildOptions.paths) {
    const absolute = path.resolve(given)
    const info = await stat(absolute).catch(() => undefined)
    if (!info) {
      log(`offprint: Unexpected missing file or folder \`${given}\`, expected an existing source path`)
      return 2
    }
    if (info.isDirectory()) targets.push({ folder: absolute, recursive: true })
    // A single file: its folder, for editors that save by rename, but only that file, its glossary and its images.
    else targets.push({ folder: path.dirname(absolute), recursive: false, accept: (file) => file === absolute || !markdownFile.test(file) })
  }
  targets.push({ folder: path.resolve(templatesDir), recursive: true })
  // The project file and the files it names: their folders as they are now, the files as the last build read them.
  const projectFiles = new Set(await projectInputs(buildOptions.project))
  for (const folder of new Set([...projectFiles].map((file) => path.dirname(file)))) {
    targets.push({ folder, recursive: false, accept: (file) => projectFiles.has(file) })
  }

  let errors = ''
  let listing = ''
  let running: Promise<void> | undefined
  let again: string[] | undefined
  let server: StaticServer | undefined
  let stopped = false
  // The project file changed: the front page may show new site settings even when no article is rebuilt.
  let projectChanged = false

  /** One build; on a rebuild, tell the open pages when something they show may have changed. */
  const runBuild = async (first: boolean): Promise<'ok' | 'missing' | 'crashed'> => {
    const started = performance.now()
    const progress = verbose && (first || process.stderr.isTTY === true) ? output.progress(process.stderr) : undefined
    let result: BuildReport
    try {
      result = await build({ ...buildOptions, force: first && force, isolate: true }, progress)
    } catch (error) {
      progress?.finish()
      const err = error as NodeJS.ErrnoException
      const message =
        err.code === 'ENOENT' ? `Unexpected missing file or folder \`${err.path ?? ''}\`, expected an existing source path` : `Unexpected build failure: ${err.message}`
      log(`offprint: ${message}`)
      errors = message
      server?.broadcast('reload', { failed: 1 })
      return err.code === 'ENOENT' ? 'missing' : 'crashed'
    }
    progress?.finish()
    for (const file of await projectInputs(buildOptions.project)) projectFiles.add(file)
    const text = output.report(result.files)
    if (text) log(text)
    const count = (status: string): number => result.sources.filter((source) => source.status === status).length
    if (verbose) {
      const seconds = ((performance.now() - started) / 1000).toFixed(2)
      log(`offprint: built ${count('built')}, ${count('cached')} unchanged, ${result.failed.length} failed, in ${seconds} s`)
    }
    const before = { errors, listing }
    errors = stripVTControlCharacters(output.report(result.files, true)).trim()
    // A source added or removed changes the index page even when nothing was built.
    listing = result.sources.map((source) => source.source).join('\n')
    const reloadAnyway = projectChanged
    projectChanged = false
    if (reloadAnyway || count('built') > 0 || result.failed.length > 0 || errors !== before.errors || listing !== before.listing) {
      server?.broadcast('reload', { built: count('built'), failed: result.failed.length })
    }
    return 'ok'
  }

  /** Settles once no build is running or queued. */
  const settle = async (): Promise<void> => {
    while (running) await running
  }

  /** Run a build; changes that come meanwhile get one more build right after it. */
  const track = (job: Promise<unknown>): void => {
    running = job
      .then(
        () => undefined,
        (error: unknown) => log(`offprint: ${(error as Error).message}`),
      )
      .then(() => {
        running = undefined
        const next = again
        again = undefined
        if (next && !stopped) rebuild(next)
      })
  }

  /** Rebuild now, or right after the build already running. */
  const rebuild = (files: string[]): void => {
    if (files.some((file) => projectFiles.has(file))) projectChanged = true
    if (running) {
      again = [...(again ?? []), ...files]
      return
    }
    if (verbose) log(`offprint: changed ${[...new Set(files)].map(relative).join(', ')}; rebuilding`)
    track(runBuild(false))
  }

  // Listen first: a port in use is known before a long build, not after.
  try {
    server = await startServer({ root: buildOptions.out, port, host, errors: () => errors, busy: () => running !== undefined })
  } catch (error) {
    const err = error as NodeJS.ErrnoException
    log(
      err.code === 'EADDRINUSE'
        ? `offprint: Unexpected port ${port} in use, expected a free port (pass another --port, or --port 0 for any)`
        : `offprint: Unexpected failure to serve on ${host}:${port}: ${err.message}`,
    )
    return 2
  }
  // Watch from before the first build, so an edit made while it runs is not missed.
  const watcher = watchFolders({
    targets,
    ignore: [buildOptions.out],
    delay: debounce,
    onChange: (files) => {
      if (!stopped) rebuild(files)
    },
    onError: (folder, error) => log(`offprint: Unexpected failure to watch \`${relative(folder)}\`: ${error.message}`),
  })
  const first = runBuild(true)
  track(first)
  if ((await first) === 'missing') {
    stopped = true
    watcher.close()
    await settle()
    await server.close()
    return 2
  }
  // The URL is printed once the first build is there to be seen.
  process.stdout.write(`offprint: serving ${relative(buildOptions.out)} at ${server.url} (Ctrl-C to stop)\n`)
  if (host !== defaultHost) {
    for (const url of readerUrls(host, server.port)) process.stdout.write(`offprint: on the e-reader, open the catalog at ${url}\n`)
    log(`offprint: warning: listening on ${host}, so ${relative(buildOptions.out)} is now visible on the network; pass --host ${defaultHost} to keep it to this machine`)
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (name: NodeJS.Signals): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(name)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  stopped = true
  watcher.close()
  if (running && verbose) log('offprint: waiting for the running build to finish')
  await settle()
  await server.close()
  if (verbose) log(`offprint: stopped (${signal})`)
  return 0
}
