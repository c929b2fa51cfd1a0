import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/corpus.ts'
import { epubcheck } from '../helpers/epub.ts'
import { decodePng } from '../helpers/png.ts'

/** `site.logo`, `theme.fonts` and `templates` (issue 13), judged in the real outputs of the real CLI. */

const run = promisify(execFile)
const bin = path.join(projectRoot, 'pipeline', 'bin.js')

async function offprint(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, timeout: 240_000, env: { ...process.env, OFFPRINT_SITE_URL: '' } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

const article =
  '---\ntitle: A branded article\nauthor: A. Writer\ndate: 2024-01-02\nlang: en\n---\n\nSome *text* with **weight** and `code`.[^n]\n\n```js\nconst answer = 42\n```\n\n[^n]: The note.\n'

/** A logo of one colour nobody else uses: rgb(18, 164, 217). */
const logoColour = [18, 164, 217] as const
const logoSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100"><rect width="300" height="100" fill="#12a4d9"/></svg>\n'
const dejavu = '/usr/share/fonts/truetype/dejavu'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** A project in a fresh folder: `source/branded.md`, the given text files, and DejaVu fonts in `fonts/`. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offprint-brand-'))
  dirs.push(dir)
  await mkdir(path.join(dir, 'source'))
  await writeFile(path.join(dir, 'source', 'branded.md'), article)
  await mkdir(path.join(dir, 'fonts'))
  for (const font of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono.ttf']) await copyFile(path.join(dejavu, font), path.join(dir, 'fonts', font))
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

/** Pixels of `colour` (within 12 per channel) in a PNG, in the box `[x0, y0, x1, y1)` (default all). */
function pixelsOf(png: Uint8Array, colour: readonly number[], box?: readonly [number, number, number, number]): number {
  const { data, channels, width, height } = decodePng(png)
  const [x0, y0, x1, y1] = box ?? [0, 0, width, height]
  let found = 0
  for (let y = y0; y < Math.min(y1, height); y++)
    for (let x = x0; x < Math.min(x1, width); x++) {
      const at = (y * width + x) * channels
      if (colour.every((value, i) => Math.abs((data[at + i] ?? 0) - value) <= 12)) found++
    }
  return found
}

const brandYaml = [
  'site:',
  '  title: The Brand Review',
  '  logo: brand/logo.svg',
  'theme:',
  '  fonts:',
  '    body:',
  '      regular: fonts/DejaVuSans.ttf',
  '      bold: fonts/DejaVuSans-Bold.ttf',
  '    mono: fonts/DejaVuSansMono.ttf',
  '',
].join('\n')

describe('site.logo and theme.fonts in every edition', () => {
  let dir: string
  beforeAll(async () => {
    dir = await project({ 'offprint.yaml': brandYaml, 'brand/logo.svg': logoSvg })
    const result = await offprint(['build', '--editions', 'html,pdf,epub'], dir)
    expect(result.stderr).not.toMatch(/error|warning/)
    expect(result.code).toBe(0)
  }, 300_000)

  it('copies the logo and the fonts once into the site, next to the front page, which shows the logo', async () => {
    const copied = path.join(dir, 'dist', 'theme_assets')
    expect((await readdir(copied)).sort()).toEqual(['body-bold.ttf', 'body-regular.ttf', 'logo.svg', 'mono-regular.ttf'])
    expect(await readFile(path.join(copied, 'logo.svg'), 'utf8')).toBe(logoSvg)
    expect((await readFile(path.join(copied, 'body-regular.ttf'))).equals(await readFile(path.join(dejavu, 'DejaVuSans.ttf')))).toBe(true)
    const index = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')
    expect(index).toMatch(/<header class="site-header"><span class="site-logo"><img src="theme_assets\/logo\.svg" alt=""><\/span><p>The Brand Review<\/p>/)
    expect(index).toContain('src: url("theme_assets/body-regular.ttf") format("truetype"); font-weight: 400; font-style: normal;')
  })

  it('the HTML edition: the logo in the title block, its alt the site title; the fonts as @font-face from the site copy', async () => {
    const html = await readFile(path.join(dir, 'dist', 'branded', 'index.html'), 'utf8')
    expect(html).toMatch(/<header class="title-block"><p class="site-logo"><img src="\.\.\/theme_assets\/logo\.svg" alt="The Brand Review"><\/p><h1>A branded article<\/h1>/)
    expect(html).toContain('@font-face { font-family: "offprint body"; src: url("../theme_assets/body-bold.ttf") format("truetype"); font-weight: 700; font-style: normal;')
    expect(html).toContain('body { font-family: "offprint body", serif; }')
    expect(html).toContain('code, pre, kbd, samp { font-family: "offprint mono", monospace; }')
  })

  it('the PDF edition: the theme fonts are embedded instead of Noto (pdffonts), and the logo is drawn on page 1', async () => {
    const pdf = path.join(dir, 'dist', 'branded', 'branded.pdf')
    const { stdout } = await run('pdffonts', [pdf])
    const fonts = stdout
      .split('\n')
      .slice(2)
      .map((line) => line.split(/\s+/)[0]?.replace(/^[A-Z]{6}\+/, '') ?? '')
      .filter(Boolean)
    expect(fonts).toEqual(expect.arrayContaining(['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSansMono']))
    expect(fonts.filter((name) => /Noto/.test(name))).toEqual([])
    await run('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-png', pdf, path.join(dir, 'page')])
    const page = new Uint8Array(await readFile(path.join(dir, 'page-1.png')))
    const { height } = decodePng(page)
    // At 60 dpi the logo is 3em (about 32 px) tall: hundreds of its pixels, in the top fifth of the page.
    expect(pixelsOf(page, logoColour, [0, 0, 10_000, Math.round(height / 5)])).toBeGreaterThan(500)
  })

  it('the EPUB edition: logo and fonts in the manifest, the logo in the title block and on the cover; epubcheck clean', async () => {
    const epub = path.join(dir, 'dist', 'branded', 'branded.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
    const zip = await JSZip.loadAsync(await readFile(epub))
    const opf = (await zip.file('OEBPS/content.opf')?.async('string')) ?? ''
    expect(opf).toMatch(/href="theme\/logo\.svg" media-type="image\/svg\+xml"/)
    expect(opf).toMatch(/href="theme\/body-regular\.ttf" media-type="font\/ttf"/)
    expect(opf).toMatch(/href="theme\/mono-regular\.ttf" media-type="font\/ttf"/)
    const text = (await zip.file('OEBPS/text.xhtml')?.async('string')) ?? ''
    expect(text).toMatch(/<p class="site-logo"><img src="theme\/logo\.svg" alt="The Brand Review" ?\/><\/p>/)
    const css = (await zip.file('OEBPS/style.css')?.async('string')) ?? ''
    expect(css).toContain('src: url("theme/body-regular.ttf") format("truetype")')
    // The cover (1600 × 2560): the logo between the band and the rule, 104 px tall, as wide as its box allows.
    const cover = new Uint8Array(await readFile(path.join(dir, 'dist', 'branded', 'cover.png')))
    expect(pixelsOf(cover, logoColour, [160, 100, 1440, 230])).toBeGreaterThan(200 * 100)
    expect(pixelsOf(cover, logoColour, [0, 300, 1600, 2560])).toBe(0)
  }, 180_000)
})

describe('site.logo, theme.fonts and templates: refused when missing, outside the project or of the wrong kind', () => {
  it('reports each at its line and column, exit 1, and writes nothing', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'offprint-brand-outside-'))
    dirs.push(parent)
    await writeFile(path.join(parent, 'outside.svg'), logoSvg)
    const dir = path.join(parent, 'site')
    await mkdir(dir)
    await mkdir(path.join(dir, 'source'))
    await writeFile(path.join(dir, 'source', 'branded.md'), article)
    await writeFile(path.join(dir, 'not-a-font.woff2'), 'plain text, not a font, long enough to be read as one if it were one at all\n')
    await writeFile(path.join(dir, 'logo.png'), 'not a PNG\n')
    const yaml = (logo: string) =>
      ['site:', `  logo: ${logo}`, 'theme:', '  fonts:', '    body: not-a-font.woff2', '    mono:', '      regular: missing.ttf', 'templates: ../', ''].join('\n')
    await writeFile(path.join(dir, 'offprint.yaml'), yaml('../outside.svg'))
    const first = await offprint(['build', '--editions', 'html'], dir)
    expect(first.code).toBe(1)
    expect(first.stderr).toMatch(/2:9\s+error\s+Unexpected `site\.logo` `\.\.\/outside\.svg` outside the project.*project-field/)
    expect(first.stderr).toMatch(/5:11\s+error\s+Unexpected `theme\.fonts\.body` `not-a-font\.woff2` that is not a WOFF2, WOFF, TrueType or OpenType font.*project-field/)
    expect(first.stderr).toMatch(/7:16\s+error\s+Unexpected `theme\.fonts\.mono\.regular` `missing\.ttf` that does not exist.*project-field/)
    expect(first.stderr).toMatch(/8:12\s+error\s+Unexpected `templates` `\.\.\/` outside the project.*project-field/)
    await writeFile(path.join(dir, 'offprint.yaml'), yaml('logo.png'))
    const second = await offprint(['build', '--editions', 'html'], dir)
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(/2:9\s+error\s+Unexpected `site\.logo` `logo\.png` that is not a PNG, JPEG or SVG image.*project-field/)
    await expect(readdir(path.join(dir, 'dist'))).rejects.toThrow()
  }, 120_000)
})

describe('site.logo and theme.fonts: the cache knows them', () => {
  it('a new logo or font rebuilds every edition; the same files rebuild nothing', async () => {
    const dir = await project({ 'offprint.yaml': brandYaml, 'brand/logo.svg': logoSvg })
    const build = async (): Promise<{ status: string; keys: Record<string, string> }> => {
      const result = await offprint(['build', '--editions', 'html,epub', '--json', 'report.json'], dir)
      expect(result.code).toBe(0)
      const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { sources: Array<{ status: string; entry: { keys: Record<string, string> } }> }
      return { status: report.sources[0]?.status ?? '', keys: report.sources[0]?.entry.keys ?? {} }
    }
    const first = await build()
    expect((await build()).status).toBe('cached')
    await writeFile(path.join(dir, 'brand', 'logo.svg'), logoSvg.replace('#12a4d9', '#d9a412'))
    const second = await build()
    expect(second.status).toBe('built')
    for (const edition of ['html', 'epub']) expect(second.keys[edition]).not.toBe(first.keys[edition])
    expect(await readFile(path.join(dir, 'dist', 'theme_assets', 'logo.svg'), 'utf8')).toContain('#d9a412')
    await copyFile(path.join(dejavu, 'DejaVuSans-Bold.ttf'), path.join(dir, 'fonts', 'DejaVuSans.ttf'))
    const third = await build()
    expect(third.status).toBe('built')
    for (const edition of ['html', 'epub']) expect(third.keys[edition]).not.toBe(second.keys[edition])
  }, 240_000)
})

describe('templates: files that replace the built-in ones', () => {
  it('replaces site.css and epub.css by name, warns of an unknown name, and refuses a stylesheet that loads something', async () => {
    const dir = await project({
      'offprint.yaml': 'site:\n  title: Templated\ntemplates: my-templates\n',
      'my-templates/site.css': 'body { color: #123456; } /* own site.css */\n',
      'my-templates/epub.css': 'p { margin: 0; } /* own epub.css */\n',
      'my-templates/cover.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    })
    const result = await offprint(['build', '--editions', 'html,epub'], dir)
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/3:12\s+warning\s+Unexpected template `cover\.svg` in `my-templates`, expected one of .*`epub\.css`.*project-unknown/)
    const index = await readFile(path.join(dir, 'dist', 'index.html'), 'utf8')
    const html = await readFile(path.join(dir, 'dist', 'branded', 'index.html'), 'utf8')
    for (const page of [index, html]) expect(page).toContain('/* own site.css */')
    // The article's page: the shared sheets (align.css, code.css) still follow.
    expect(html).toContain('.hljs')
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, 'dist', 'branded', 'branded.epub')))
    const css = (await zip.file('OEBPS/style.css')?.async('string')) ?? ''
    expect(css.startsWith('p { margin: 0; } /* own epub.css */')).toBe(true)
    const epub = path.join(dir, 'dist', 'branded', 'branded.epub')
    expect((await epubcheck([epub], dir)).get(epub)).toEqual([])
    // Changing a template rebuilds; a stylesheet that loads something is refused.
    await writeFile(path.join(dir, 'my-templates', 'site.css'), 'body { background: url(https://example.org/x.png) }\n')
    const refused = await offprint(['build', '--editions', 'html'], dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/3:12\s+error\s+Unexpected `url\(` in template `site\.css` of `my-templates`.*project-field/)
  }, 240_000)
})
