import path from 'node:path'
import { parseArgs } from 'node:util'

/**
 * The rows a run can measure: the four goals of issue 18, each against its
 * peer, and the per-edition table (cold, no-op and one-changed builds).
 */
export const rowNames = ['article', 'all100', 'pdf100', 'scale1000', 'editions'] as const
export type RowName = (typeof rowNames)[number]

/** What one benchmark run measures. */
export interface BenchConfig {
  /** The rows to measure. */
  only: ReadonlySet<RowName>
  /** Times the article row runs each side (alternating, medians reported). */
  repeats: number
  /** Articles of the `all100` and `pdf100` rows. */
  articles: number
  /** Times the `all100` and `pdf100` rows run each side. */
  largeRepeats: number
  /** Articles of the `scale1000` row. */
  scale: number
  /** Files per md-to-pdf call in the `pdf100` row. */
  batch: number
  /** What the generated articles copy: `article` (the article only, as issue 18 measured) or `corpus` (the article and the five corpus documents in turn). */
  mix: 'article' | 'corpus'
  /** Per-edition rows: article counts per edition set; an empty list skips that set. */
  sizes: { html: number[]; epub: number[]; pdf: number[]; all: number[] }
  /** `--jobs` given to every build, and how many peer commands run at a time. */
  jobs: number
  /** Longest a single build (or peer command) may run before it is killed, in seconds. */
  timeout: number
  /** Run pandoc beside offprint where it is installed. */
  pandoc: boolean
  /** Install the peers when missing (apt-get as root, npm into `.bench/`). */
  install: boolean
  /** Where the Markdown tables go (besides stdout). */
  results: string
  /** Keep the temporary folder with the generated articles and outputs. */
  keep: boolean
  /** Run the checkout itself rather than a copy of its code taken at the start. */
  live: boolean
}

/**
 * Per-edition rows by default: one article each (cheap: about 15 s in all).
 * The goal rows already build 100 and 1,000 articles with all three
 * editions; at 1,000 articles (a sixth of them the 200 KB CommonMark spec)
 * the per-edition runs take 7 to 24 minutes each on two cores (measured
 * 2026-11-29: cold EPUB 421 s, PDF 1,320 s, all three 1,402 s).
 * `--html 1,100,1000 --epub 1,100 …` runs more.
 */
export const defaultSizes = { html: [1], epub: [1], pdf: [1], all: [1] }

/** `scale1000` takes about half an hour: it runs only when asked for. */
export const defaultRows: readonly RowName[] = ['article', 'all100', 'pdf100', 'editions']

export const usage = `Usage: npx tsx tests/bench/run.ts [options]     (or: make bench BENCH_ARGS='…')

Goal rows (issue 18), each run alternating with its peer on the same generated articles:
  article    the article, all three editions, one cold command  vs  pandoc's three commands
             (HTML standalone, EPUB, PDF through WeasyPrint); --repeats times each, medians
  all100     --articles articles, all three editions  vs  pandoc's three commands per article,
             --jobs articles at a time: wall, CPU-seconds of the whole tree, machine busy %
  pdf100     --articles PDFs  vs  md-to-pdf@5.2.5 in calls of --batch files
  scale1000  --scale articles, all three editions: peak memory of the whole tree, no-op rebuild
             (long: about half an hour on two cores; not in the default set)
  editions   per-edition table: cold, warm no-op and one-changed builds (sizes below)

  --only LIST       rows to run, comma-separated            (env BENCH_ONLY, default ${defaultRows.join(',')})
  --repeats N       runs of each side in the article row      (env BENCH_REPEATS, default 5)
  --articles N      articles in all100 and pdf100             (env BENCH_ARTICLES, default 100)
  --large-repeats N runs of each side in all100 and pdf100    (env BENCH_LARGE_REPEATS, default 1)
  --scale N         articles in scale1000                     (env BENCH_SCALE, default 1000)
  --batch N         files per md-to-pdf call                  (env BENCH_BATCH, default 10)
  --mix KIND        what the articles copy: article (the article only, as issue 18
                    measured) or corpus (the article and the five corpus documents,
                    a book and a 133-page spec among them)  (env BENCH_MIX, default article)

Per-edition rows (--only editions):
  --html LIST     article counts for the HTML edition      (env BENCH_HTML, default ${defaultSizes.html.join(',')})
  --epub LIST     article counts for the EPUB edition      (env BENCH_EPUB, default ${defaultSizes.epub.join(',')})
  --pdf LIST      article counts for the PDF edition       (env BENCH_PDF,  default ${defaultSizes.pdf.join(',')})
  --all LIST      article counts for all three together    (env BENCH_ALL,  default ${defaultSizes.all.join(',')})
                  LIST is comma-separated, such as 1,100; "none" skips that row set

  --jobs N        --jobs of every build; peer commands run as many at a time (env BENCH_JOBS, default 2)
  --timeout S     kill a build or peer command running longer than S seconds (env BENCH_TIMEOUT, default 7200)
  --no-pandoc     do not run pandoc                        (env BENCH_PANDOC=0)
  --no-install    do not install missing peers; their rows are skipped (env BENCH_INSTALL=0)
  --results FILE  where to write the Markdown tables       (default tests/bench/results.md)
  --keep          keep the temporary folder of articles and outputs
  --live          run the checkout's code as it is at each build, not a copy taken at the start
  --help          show this help

Peers, installed when missing (never by make test): pandoc and WeasyPrint with
apt-get when root (otherwise the command to run is printed and their rows skipped),
md-to-pdf@5.2.5 with npm into .bench/md-to-pdf (git-ignored; no browser download:
it runs the Chromium offprint finds).`

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

function rows(value: string | undefined): ReadonlySet<RowName> {
  if (value === undefined) return new Set(defaultRows)
  const list = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  for (const name of list) if (!(rowNames as readonly string[]).includes(name)) throw new Error(`Unexpected --only \`${name}\`, expected some of ${rowNames.join(', ')}`)
  if (list.length === 0) throw new Error(`Unexpected empty --only, expected some of ${rowNames.join(', ')}`)
  return new Set(list as RowName[])
}

/** Options from the command line, then the environment, then the defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, projectRoot: string): BenchConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      repeats: { type: 'string' },
      articles: { type: 'string' },
      'large-repeats': { type: 'string' },
      scale: { type: 'string' },
      batch: { type: 'string' },
      mix: { type: 'string' },
      html: { type: 'string' },
      epub: { type: 'string' },
      pdf: { type: 'string' },
      all: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      'no-pandoc': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      results: { type: 'string' },
      keep: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return 'help'
  return {
    only: rows(values.only ?? env.BENCH_ONLY),
    repeats: whole(values.repeats ?? env.BENCH_REPEATS, 5, 'repeats'),
    articles: whole(values.articles ?? env.BENCH_ARTICLES, 100, 'articles'),
    largeRepeats: whole(values['large-repeats'] ?? env.BENCH_LARGE_REPEATS, 1, 'large-repeats'),
    scale: whole(values.scale ?? env.BENCH_SCALE, 1000, 'scale'),
    batch: whole(values.batch ?? env.BENCH_BATCH, 10, 'batch'),
    mix: mixOf(values.mix ?? env.BENCH_MIX),
    sizes: {
      html: sizes(values.html ?? env.BENCH_HTML, defaultSizes.html, 'html'),
      epub: sizes(values.epub ?? env.BENCH_EPUB, defaultSizes.epub, 'epub'),
      pdf: sizes(values.pdf ?? env.BENCH_PDF, defaultSizes.pdf, 'pdf'),
      all: sizes(values.all ?? env.BENCH_ALL, defaultSizes.all, 'all'),
    },
    jobs: whole(values.jobs ?? env.BENCH_JOBS, 2, 'jobs'),
    timeout: whole(values.timeout ?? env.BENCH_TIMEOUT, 7200, 'timeout'),
    pandoc: !values['no-pandoc'] && env.BENCH_PANDOC !== '0',
    install: !values['no-install'] && env.BENCH_INSTALL !== '0',
    results: path.resolve(values.results ?? path.join(projectRoot, 'tests', 'bench', 'results.md')),
    keep: values.keep,
    live: values.live,
  }
}

function mixOf(value: string | undefined): BenchConfig['mix'] {
  if (value === undefined || value === 'article' || value === 'corpus') return value ?? 'article'
  throw new Error(`Unexpected --mix \`${value}\`, expected \`article\` or \`corpus\``)
}
