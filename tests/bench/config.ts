import path from 'node:path'
import { parseArgs } from 'node:util'

/** What one benchmark run measures. */
export interface BenchConfig {
  /** Article counts per edition set; an empty list skips that set. */
  sizes: { html: number[]; epub: number[]; pdf: number[]; all: number[] }
  /** `--jobs` given to every build. */
  jobs: number
  /** Longest a single build may run before it is killed, in seconds. */
  timeout: number
  /** Run pandoc beside offprint where it is installed. */
  pandoc: boolean
  /** Where the Markdown table goes (besides stdout). */
  results: string
  /** Keep the temporary folder with the generated articles and outputs. */
  keep: boolean
  /** Run the checkout itself rather than a copy of its code taken at the start. */
  live: boolean
}

/**
 * Defaults: HTML up to 1,000 articles; EPUB, PDF and all three together up
 * to 100, because at 1,000 articles (a sixth of them the 200 KB CommonMark
 * spec) their runs take 7 to 24 minutes each on two cores (measured
 * 2026-11-29: cold EPUB 421 s, PDF 1,320 s, all three 1,402 s), too long for
 * a default. `--epub 1000 --pdf 1000 --all 1000` runs them.
 */
export const defaultSizes = { html: [1, 100, 1000], epub: [1, 100], pdf: [1, 100], all: [1, 100] }

export const usage = `Usage: npx tsx tests/bench/run.ts [options]     (or: make bench)

  --html LIST     article counts for the HTML edition      (env BENCH_HTML, default ${defaultSizes.html.join(',')})
  --epub LIST     article counts for the EPUB edition      (env BENCH_EPUB, default ${defaultSizes.epub.join(',')})
  --pdf LIST      article counts for the PDF edition       (env BENCH_PDF,  default ${defaultSizes.pdf.join(',')})
  --all LIST      article counts for all three together    (env BENCH_ALL,  default ${defaultSizes.all.join(',')})
                  LIST is comma-separated, such as 1,100; "none" skips that row set
  --jobs N        --jobs of every build                   (env BENCH_JOBS, default 2)
  --timeout S     kill a build running longer than S seconds (env BENCH_TIMEOUT, default 7200)
  --no-pandoc     do not run pandoc beside offprint        (env BENCH_PANDOC=0)
  --results FILE  where to write the Markdown table        (default tests/bench/results.md)
  --keep          keep the temporary folder of articles and outputs
  --live          run the checkout's code as it is at each build, not a copy taken at the start
  --help          show this help`

function sizes(value: string | undefined, fallback: number[], name: string): number[] {
  if (value === undefined) return fallback
  if (value.trim() === '' || value.trim() === 'none' || value.trim() === '0') return []
  const list = value.split(',').map((part) => Number(part.trim()))
  for (const n of list) if (!Number.isInteger(n) || n < 1) throw new Error(`Unexpected --${name} \`${value}\`, expected counts such as 1,100,1000`)
  return [...new Set(list)].sort((a, b) => a - b)
}

function whole(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`Unexpected --${name} \`${value}\`, expected a whole number`)
  return n
}

/** Options from the command line, then the environment, then the defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, projectRoot: string): BenchConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      html: { type: 'string' },
      epub: { type: 'string' },
      pdf: { type: 'string' },
      all: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      'no-pandoc': { type: 'boolean', default: false },
      results: { type: 'string' },
      keep: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return 'help'
  return {
    sizes: {
      html: sizes(values.html ?? env.BENCH_HTML, defaultSizes.html, 'html'),
      epub: sizes(values.epub ?? env.BENCH_EPUB, defaultSizes.epub, 'epub'),
      pdf: sizes(values.pdf ?? env.BENCH_PDF, defaultSizes.pdf, 'pdf'),
      all: sizes(values.all ?? env.BENCH_ALL, defaultSizes.all, 'all'),
    },
    jobs: whole(values.jobs ?? env.BENCH_JOBS, 2, 'jobs'),
    timeout: whole(values.timeout ?? env.BENCH_TIMEOUT, 7200, 'timeout'),
    pandoc: !values['no-pandoc'] && env.BENCH_PANDOC !== '0',
    results: path.resolve(values.results ?? path.join(projectRoot, 'tests', 'bench', 'results.md')),
    keep: values.keep,
    live: values.live,
  }
}
