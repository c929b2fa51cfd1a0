import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/corpus.ts'
import { decodePng } from '../helpers/png.ts'
import { epubcheck } from '../helpers/epub.ts'

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

/** Run the real CLI (`pipeline/bin.js`, as `npx offprint` does) in `cwd`. */
async function offprint(args: string[], cwd: string, siteUrlVariable = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, timeout: 120_000, env: { ...process.env, OFFPRINT_SITE_URL: siteUrlVariable } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

const article =
  '---\ntitle: A themed article\nauthor: A. Writer\ndate: 2024-01-02\nlang: en\n---\n\n# First part\n\nSome text with a [link](#second-part) and a note.[^n]\n\n---\n\n# Second part\n\nMore text.\n\n[^n]: The note.\n'

/** Every file under `folder`, relative, with its bytes. */
async function tree(folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    files.set(path.relative(folder, file), await readFile(file))
  }
  return files
}

/** A project in a fresh folder: `source/themed.md` and the given files. */
async function project(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offprint-project-'))
  await mkdir(path.join(dir, 'source'))
  await writeFile(path.join(dir, 'source', 'themed.md'), article)
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})
const fresh = async (files: Record<string, string> = {}): Promise<string> => {
  const dir = await project(files)
  dirs.push(dir)
  return dir
}

describe('offprint.yaml: reading the file, and the site settings', () => {
  it('reports schema errors at their line and column with their rule ids, exit 1, nothing written, no stack trace', async () => {
    const dir = await fresh({
      'offprint.yaml':
        'site:\n  title: The Review\n  url: ftp://example.org/\n  colour: red\ntheme:\n  accent: "red; } body { display: none"\npdf:\n  paper: A5\n  margins: wide\n',
    })
    const result = await offprint(['build', '--editions', 'html', '--json', 'report.json'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/offprint\.yaml/)
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { project: { file: string; messages: Array<{ line: number; ruleId: string }> } }
    expect(report.project.file).toBe('offprint.yaml')
    expect(report.project.messages.map((message) => `${message.line} ${message.ruleId}`).sort()).toEqual([
      '3 project-field',
      '4 project-unknown',
      '6 project-field',
      '8 project-field',
      '9 project-field',
    ])
    expect(result.stderr).toMatch(/3:8\s+error\s+Unexpected project field `site\.url`.*project-field/)
    expect(result.stderr).toMatch(/4:3\s+warning\s+Unexpected project field `site\.colour`.*project-unknown/)
    expect(result.stderr).toMatch(/6:11\s+error\s+Unexpected project field `theme\.accent`: expected a CSS colour.*project-field/)
    expect(result.stderr).toMatch(/8:10\s+error\s+Unexpected project field `pdf\.paper`.*project-field/)
    expect(result.stderr).toMatch(/9:12\s+error\s+Unexpected project field `pdf\.margins`: expected 1 to 4 lengths.*project-field/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    await expect(readdir(path.join(dir, 'dist'))).rejects.toThrow()
  })

  it('reports broken YAML at its line and column (project-yaml)', async () => {
    const dir = await fresh({ 'offprint.yaml': 'site:\n  title: A\n  title: B\n' })
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/3:3\s+error\s+Unexpected YAML.*project-yaml/)
  })

  it('refuses a theme file that is missing or outside the project, at its line and column', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'offprint-outside-'))
    dirs.push(parent)
    await writeFile(path.join(parent, 'outside.css'), 'body { color: red }\n')
    await mkdir(path.join(parent, 'site'))
    const dir = path.join(parent, 'site')
    await mkdir(path.join(dir, 'source'))
    await writeFile(path.join(dir, 'source', 'themed.md'), article)
    await writeFile(path.join(dir, 'offprint.yaml'), 'theme:\n  css: ../outside.css\n  html: theme/missing.css\n')
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/2:8\s+error\s+Unexpected `theme\.css` `\.\.\/outside\.css` outside the project.*project-field/)
    expect(result.stderr).toMatch(/3:9\s+error\s+Unexpected `theme\.html` `theme\/missing\.css` that does not exist.*project-field/)
    await expect(readdir(path.join(dir, 'dist'))).rejects.toThrow()
  })

  it('refuses a theme stylesheet that would load something (url(), @import, an escape outside a string)', async () => {
    const dir = await fresh({
      'offprint.yaml': 'theme:\n  css: a.css\n  epub: b.css\n',
      'a.css': 'body { background: url(https://example.org/x.png) }\n',
      'b.css': 'a { content: "\\201C" } @import "c.css";\n',
    })
    const result = await offprint(['build', '--editions', 'html'], dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/2:8\s+error\s+Unexpected `url\(` in `theme\.css` `a\.css`.*project-field/)
    expect(result.stderr).toMatch(/3:9\s+error\s+Unexpected `@import` in `theme\.epub` `b\.css`.*project-field/)
  })

  it("merge writes the front page and the feeds with the project file's site settings", async () => {
    const dir = await fresh({ 'offprint.yaml': 'site:\n  title: Merged Review\n' })
    expect((await offprint(['build', '--editions', 'html', '--shard', '1/1', '--json', 'r.json', '--out', 'dist'], dir)).code).toBe(0)
    await rm(path.join(dir, 'dist', 'index.html'))
    await rm(path.join(dir, 'dist', 'feed.xml'))
    expect((await offprint(['merge', 'r.json', '--out', 'dist'], dir)).code).toBe(0)
    expect(await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')).toContain('<title>Merged Review</title>')
    expect(await readFile(path.join(dir, 'dist', 'feed.xml'), 'utf8')).toContain('<title>Merged Review</title>')
  })

  it('site.url gives way to OFFPRINT_SITE_URL and --site-url', async () => {
    const dir = await fresh({ 'offprint.yaml': 'site:\n  url: https://project.example/\n' })
    const feed = async (): Promise<string> => readFile(path.join(dir, 'dist', 'feed.xml'), 'utf8')
    expect((await offprint(['build', '--editions', 'html'], dir)).code).toBe(0)
    expect(await feed()).toContain('href="https://project.example/feed.xml"')
    expect((await offprint(['build', '--editions', 'html'], dir, 'https://variable.example/')).code).toBe(0)
    expect(await feed()).toContain('href="https://variable.example/feed.xml"')
    expect((await offprint(['build', '--editions', 'html', '--site-url', 'https://option.example/'], dir, 'https://variable.example/')).code).toBe(0)
    expect(await feed()).toContain('href="https://option.example/feed.xml"')
  })

  it('--config names the project file, paths relative to its folder; a missing one is a usage error (exit 2)', async () => {
    const dir = await fresh({ 'conf/site.yaml': 'site:\n  title: Configured Review\ntheme:\n  html: look.css\n', 'conf/look.css': '.configured-look { color: teal }\n' })
    const built = await offprint(['build', '--editions', 'html', '--config', 'conf/site.yaml'], dir)
    expect(built.stderr).not.toMatch(/error/)
    expect(built.code).toBe(0)
    expect(await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')).toContain('<title>Configured Review</title>')
    expect(await readFile(path.join(dir, 'dist', 'themed', 'index.html'), 'utf8')).toContain('.configured-look { color: teal }')
    const missing = await offprint(['build', '--editions', 'html', '--config', 'conf/none.yaml'], dir)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/Unexpected --config `conf\/none\.yaml`/)
  })
})

describe('offprint.yaml: a themed site', () => {
  let dir: string
  beforeAll(async () => {
    dir = await fresh({
      'offprint.yaml': [
        'site:',
        '  title: The Steppe Review',
        '  description: Long reads from the steppe',
        '  url: https://steppe.example/reads',
        '  lang: kk',
        '  publisher: Steppe Press',
        'theme:',
        '  accent: "#0a7e3c"',
        '  css: theme/all.css',
        '  html: theme/screen.css',
        '  pdf: theme/print.css',
        '  epub: theme/book.css',
        'pdf:',
        '  paper: Letter',
        '',
      ].join('\n'),
      'theme/all.css': '.theme-all { letter-spacing: 0.01em }\n',
      'theme/screen.css': '.theme-screen { color: teal }\n',
      'theme/print.css': 'h1 { color: var(--accent); }\n',
      'theme/book.css': '.theme-book { color: navy }\n',
    })
    const result = await offprint(['build'], dir)
    expect(result.stderr).not.toMatch(/error/)
    expect(result.code).toBe(0)
  }, 180_000)

  it('the front page and the feeds carry the site title, description, language and URL', async () => {
    const index = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')
    expect(index).toContain('<html lang="kk">')
    expect(index).toContain('<title>The Steppe Review</title>')
    expect(index).toContain('<meta name="description" content="Long reads from the steppe">')
    expect(index).toMatch(/<header class="site-header"><p>The Steppe Review<\/p><p class="site-description">Long reads from the steppe<\/p>/)
    expect(index).toContain('.theme-screen { color: teal }')
    for (const feed of ['feed.xml', 'opds.xml']) {
      const xml = await readFile(path.join(dir, 'dist', feed), 'utf8')
      expect(xml).toContain('<title>The Steppe Review</title>')
      expect(xml).toContain('<subtitle>Long reads from the steppe</subtitle>')
      expect(xml).toContain('<name>The Steppe Review</name>')
      expect(xml).toContain(`href="https://steppe.example/reads/${feed}"`)
    }
    expect(await readFile(path.join(dir, 'dist', 'sitemap.xml'), 'utf8')).toContain('https://steppe.example/reads/themed/index.html')
    expect(await readFile(path.join(dir, 'dist', 'opds.xml'), 'utf8')).toContain('<dc:publisher>Steppe Press</dc:publisher>')
  })

  it('the HTML edition: the accent, theme.css and theme.html after the built-in styles; the default publisher', async () => {
    const html = await readFile(path.join(dir, 'dist', 'themed', 'index.html'), 'utf8')
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
    const accent = style.indexOf(':root { --accent: #0a7e3c; }')
    expect(accent).toBeGreaterThan(style.indexOf('.hljs'))
    expect(style.indexOf('.theme-all')).toBeGreaterThan(accent)
    expect(style.indexOf('.theme-screen')).toBeGreaterThan(style.indexOf('.theme-all'))
    expect(style).not.toContain('.theme-book')
    expect(style).not.toContain('h1 { color: var(--accent); }')
    expect(html).toContain('<span class="publisher">Steppe Press</span>')
  })

  it('the EPUB edition: its CSS ends with the accent, theme.css and theme.epub; epubcheck clean', async () => {
    const epub = path.join(dir, 'dist', 'themed', 'themed.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
    const zip = await JSZip.loadAsync(await readFile(epub))
    const cssName = Object.keys(zip.files).find((name) => name.endsWith('.css')) ?? ''
    const css = (await zip.file(cssName)?.async('string')) ?? ''
    expect(css).toContain(':root { --accent: #0a7e3c; }')
    expect(css.indexOf('.theme-book')).toBeGreaterThan(css.indexOf('.theme-all'))
    expect(css).not.toContain('.theme-screen')
    const opf = (await zip.file('OEBPS/content.opf')?.async('string')) ?? ''
    expect(opf).toContain('Steppe Press')
  })

  it('the PDF edition: Letter paper (pdf.paper) and headings in the accent colour (theme.pdf) on the rendered page', async () => {
    const pdf = path.join(dir, 'dist', 'themed', 'themed.pdf')
    const { stdout: info } = await run('pdfinfo', [pdf])
    expect(info).toMatch(/Page size:\s+612 x 792 pts/)
    await run('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-png', pdf, path.join(dir, 'page')])
    const { data, channels } = decodePng(new Uint8Array(await readFile(path.join(dir, 'page-1.png'))))
    let green = 0
    for (let at = 0; at + 2 < data.length; at += channels) {
      const [r, g, b] = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0]
      if (r < 80 && g > 90 && g < 170 && b < 110 && g - r > 50) green++
    }
    expect(green).toBeGreaterThan(20)
  })
})

describe('offprint.yaml: no project changes nothing', () => {
  it('a build with an empty offprint.yaml is byte-identical to one without', async () => {
    const dir = await fresh()
    const env = ['--editions', 'html,pdf,epub']
    expect((await offprint(['build', ...env, '--out', 'without'], dir)).code).toBe(0)
    await writeFile(path.join(dir, 'offprint.yaml'), '# nothing set yet\n')
    expect((await offprint(['build', ...env, '--out', 'with'], dir)).code).toBe(0)
    const without = await tree(path.join(dir, 'without'))
    const withEmpty = await tree(path.join(dir, 'with'))
    expect([...withEmpty.keys()].sort()).toEqual([...without.keys()].sort())
    expect(without.size).toBeGreaterThan(6)
    for (const [name, bytes] of without) expect(withEmpty.get(name)?.equals(bytes), name).toBe(true)
  }, 180_000)
})

describe('offprint.yaml: the cache knows the theme', () => {
  it('editing theme.pdf rebuilds the PDF only (and the EPUB whose page-list follows it); editing theme.css rebuilds all', async () => {
    const dir = await fresh({ 'offprint.yaml': 'theme:\n  css: all.css\n  pdf: print.css\n', 'all.css': '.a { color: red }\n', 'print.css': '.p { color: red }\n' })
    const build = async (editions: string): Promise<{ status: string; timings: Record<string, number>; keys: Record<string, string> }> => {
      const result = await offprint(['build', '--editions', editions, '--json', 'report.json'], dir)
      expect(result.code).toBe(0)
      const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as {
        sources: Array<{ status: string; timingsMs: Record<string, number>; entry: { keys: Record<string, string> } }>
      }
      const [source] = report.sources
      return { status: source?.status ?? '', timings: source?.timingsMs ?? {}, keys: source?.entry.keys ?? {} }
    }
    const first = await build('html,pdf,epub')
    expect(first.status).toBe('built')
    expect((await build('html,pdf,epub')).status).toBe('cached')

    await writeFile(path.join(dir, 'print.css'), '.p { color: blue }\n')
    const second = await build('html,pdf,epub')
    expect(second.status).toBe('built')
    expect(Object.keys(second.timings).sort()).toEqual(['epub', 'parse', 'pdf'])
    expect(second.keys.html).toBe(first.keys.html)
    expect(second.keys.epub).toBe(first.keys.epub)
    expect(second.keys.pdf).not.toBe(first.keys.pdf)

    // Without the EPUB in the build (another fingerprint: built once first), exactly the PDF is written.
    expect((await build('html,pdf')).status).toBe('built')
    await writeFile(path.join(dir, 'print.css'), '.p { color: green }\n')
    const third = await build('html,pdf')
    expect(Object.keys(third.timings).sort()).toEqual(['parse', 'pdf'])

    await writeFile(path.join(dir, 'all.css'), '.a { color: blue }\n')
    const fourth = await build('html,pdf')
    expect(Object.keys(fourth.timings).sort()).toEqual(['html', 'parse', 'pdf'])
    for (const edition of ['html', 'pdf']) expect(fourth.keys[edition]).not.toBe(third.keys[edition])
  }, 240_000)
})

describe('offprint.yaml: serve', () => {
  it('watches the project file and the stylesheets it names, and rebuilds', async () => {
    const dir = await fresh({ 'offprint.yaml': 'site:\n  title: First Title\ntheme:\n  html: theme/screen.css\n', 'theme/screen.css': '.first-look { color: teal }\n' })
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--editions', 'html'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    server.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const until = async (what: string, test: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 30_000
      while (!(await test().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    const has = (file: string, text: string) => async (): Promise<boolean> => (await readFile(path.join(dir, 'dist', file), 'utf8')).includes(text)
    try {
      await until('the first build', async () => /serving/.test(output))
      expect(await has('index.html', '<title>First Title</title>')()).toBe(true)
      await writeFile(path.join(dir, 'theme', 'screen.css'), '.second-look { color: navy }\n')
      await until('the theme edit rebuilt', has('themed/index.html', '.second-look { color: navy }'))
      await writeFile(path.join(dir, 'offprint.yaml'), 'site:\n  title: Second Title\ntheme:\n  html: theme/screen.css\n')
      await until('the project edit rebuilt', has('index.html', '<title>Second Title</title>'))
    } finally {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('exit', resolve))
    }
  }, 90_000)
})

describe('offprint.yaml: pdf.margins and pdf.runningHead', () => {
  it('sets the page margins and the running head in the PDF; changing them rebuilds the PDF, not the HTML', async () => {
    const sections = Array.from({ length: 8 }, (_, i) => `## Section ${i + 1}\n\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(12)}`).join('\n\n')
    const dir = await fresh({ 'offprint.yaml': 'pdf:\n  margins: 40mm 45mm\n  runningHead: section\n' })
    await writeFile(path.join(dir, 'source', 'themed.md'), `---\ntitle: A long article\nauthor: A. Writer\ndate: 2024-01-02\nlang: en\n---\n\n${sections}\n`)
    const pdf = path.join(dir, 'dist', 'themed', 'themed.pdf')
    const page2 = async (): Promise<{ head: string; left: number }> => {
      const { stdout: layout } = await run('pdftotext', ['-layout', '-f', '2', '-l', '2', pdf, '-'])
      const { stdout: boxes } = await run('pdftotext', ['-bbox', '-f', '2', '-l', '2', pdf, '-'])
      const lefts = [...boxes.matchAll(/<word xMin="([\d.]+)"/g)].map((match) => Number(match[1]))
      return { head: layout.split('\n')[0] ?? '', left: Math.min(...lefts) }
    }
    expect((await offprint(['build', '--editions', 'html,pdf', '--json', 'report.json'], dir)).code).toBe(0)
    const first = await page2()
    expect(first.head).toMatch(/Section \d/)
    expect(first.head).not.toContain('A long article')
    // 45 mm is 127.6 pt: the text block starts there.
    expect(first.left).toBeGreaterThan(127)
    expect(first.left).toBeLessThan(131)

    await writeFile(path.join(dir, 'offprint.yaml'), 'pdf:\n  margins: 20mm\n  runningHead: title\n')
    expect((await offprint(['build', '--editions', 'html,pdf', '--json', 'report.json'], dir)).code).toBe(0)
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { sources: Array<{ timingsMs: Record<string, number> }> }
    expect(Object.keys(report.sources[0]?.timingsMs ?? {}).sort()).toEqual(['parse', 'pdf'])
    const second = await page2()
    expect(second.head).toContain('A long article')
    expect(second.head).not.toMatch(/Section \d/)
    expect(second.left).toBeLessThan(60)
  }, 120_000)
})

describe('offprint init', () => {
  it('writes a starting project that builds cleanly, with a footnote, a glossary term and a commented offprint.yaml', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'offprint-init-'))
    dirs.push(parent)
    const made = await offprint(['init', 'my-site'], parent)
    expect(made.code).toBe(0)
    const dir = path.join(parent, 'my-site')
    expect([...(await tree(dir)).keys()].sort()).toEqual(['Makefile', 'offprint.yaml', path.join('source', 'glossary.yaml'), path.join('source', 'welcome.md')])
    const yaml = await readFile(path.join(dir, 'offprint.yaml'), 'utf8')
    for (const field of [
      'title',
      'description',
      'url',
      'lang',
      'publisher',
      'accent',
      'css',
      'html',
      'pdf',
      'epub',
      'paper',
      'margins',
      'runningHead',
      'logo',
      'fonts',
      'body',
      'mono',
      'templates',
    ]) {
      expect(yaml).toMatch(new RegExp(`^#\\s+${field}:`, 'm'))
    }
    const built = await offprint(['build', '--editions', 'html,epub', '--frail'], dir)
    expect(built.stderr).not.toMatch(/warning|error/)
    expect(built.code).toBe(0)
    const html = await readFile(path.join(dir, 'dist', 'welcome', 'index.html'), 'utf8')
    expect(html).toContain('class="glossary-term"')
    expect(html).toContain('id="fn-1"')
  }, 60_000)

  it('refuses to overwrite anything in a folder that has one of its files, and writes nothing', async () => {
    const dir = await fresh({ 'source/welcome.md': '# Mine\n\nMy own text.\n' })
    const result = await offprint(['init'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Unexpected existing `source\/welcome\.md`.*nothing was written/)
    expect(await readFile(path.join(dir, 'source', 'welcome.md'), 'utf8')).toBe('# Mine\n\nMy own text.\n')
    expect([...(await tree(dir)).keys()].sort()).toEqual([path.join('source', 'themed.md'), path.join('source', 'welcome.md')])
  })
})
