import path from 'node:path'
import { parseArgs } from 'node:util'
import { build } from './build.ts'
import { defaultBuildOptions, editionNames, paperSizes, type BuildOptions, type EditionName } from './config.ts'
import { exitCodeOf, formatReport, type Verbosity } from './report.ts'

const usage = `Usage: offprint <command> [paths…] [options]

Commands:
  build [paths…]   build the editions of every Markdown source (default: source/)
  check [paths…]   parse, enrich and report, writing nothing

Options:
  --out DIR            output folder (default: dist)
  --editions LIST      comma-separated: html,pdf,epub (default: all)
  --paper SIZE         A4 or Letter, when front matter names none (default: A4)
  --jobs N             sources and browser pages in parallel (default: 2)
  --frail              exit 1 on warnings too
  --quiet              print only errors
  --verbose            print every message with its details
  --help               show this help

Exit codes: 0 success, 1 content errors (or warnings with --frail), 2 usage errors.`

class UsageError extends Error {}

function parse(argv: string[]): { command: 'build' | 'check'; options: BuildOptions; frail: boolean; verbosity: Verbosity } | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      editions: { type: 'string' },
      paper: { type: 'string' },
      jobs: { type: 'string' },
      frail: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return 'help'
  const [command, ...paths] = positionals
  if (command !== 'build' && command !== 'check') throw new UsageError(command ? `Unexpected command \`${command}\`, expected \`build\` or \`check\`` : 'Missing command, expected `build` or `check`')
  const editions = (values.editions ?? editionNames.join(',')).split(',').map((name) => name.trim())
  for (const name of editions) if (!(editionNames as readonly string[]).includes(name)) throw new UsageError(`Unexpected edition \`${name}\`, expected ${editionNames.join(', ')}`)
  const paper = values.paper ?? defaultBuildOptions.paper
  if (!(paperSizes as readonly string[]).includes(paper)) throw new UsageError(`Unexpected paper \`${paper}\`, expected A4 or Letter`)
  const jobs = values.jobs === undefined ? defaultBuildOptions.jobs : Number(values.jobs)
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`Unexpected --jobs \`${values.jobs}\`, expected a whole number from 1 to 64`)
  if (values.quiet && values.verbose) throw new UsageError('Unexpected --quiet with --verbose, expected one of them')
  return {
    command,
    frail: values.frail,
    verbosity: values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal',
    options: {
      paths: paths.length > 0 ? paths : defaultBuildOptions.paths,
      out: path.resolve(values.out ?? defaultBuildOptions.out),
      editions: editions as EditionName[],
      paper: paper as BuildOptions['paper'],
      jobs,
    },
  }
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
  const { command, options, frail, verbosity } = parsed
  try {
    const started = performance.now()
    const result = await build({ ...options, check: command === 'check' })
    const text = formatReport(result.files, verbosity)
    if (text) process.stderr.write(`${text}\n`)
    if (verbosity !== 'quiet') {
      const seconds = ((performance.now() - started) / 1000).toFixed(2)
      process.stderr.write(`offprint: ${command === 'check' ? 'checked' : 'built'} ${result.built.length || (command === 'check' ? result.files.length : 0)} source(s), ${result.failed.length} failed, in ${seconds} s${command === 'build' ? ` → ${path.relative(process.cwd(), options.out) || '.'}` : ''}\n`)
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

process.exitCode = await main()
