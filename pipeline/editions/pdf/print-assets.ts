import { createHash } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Brand } from '../../source/project-assets.ts'
import { fontFaceCss, logoCss } from '../brand.ts'

/** Folders of the packages the print page reads: the paging script and the fonts. */
export function packageDirs(): { pagedjs: string; fonts: string[] } {
  const require = createRequire(import.meta.url)
  // pagedjs exports no file path; its CommonJS entry sits in `lib/`.
  const pagedjs = dirname(dirname(require.resolve('pagedjs')))
  const fonts = ['@fontsource/noto-serif', '@fontsource/noto-sans-mono'].map((name) => dirname(require.resolve(`${name}/package.json`)))
  return { pagedjs, fonts }
}

/** The families `templates/print.css` sets, which the theme's fonts replace in the PDF. */
const printFamilies = { body: 'Noto Serif', mono: 'Noto Sans Mono' } as const

/**
 * The print page's font sheets: Noto Serif regular, italic, bold, bold italic
 * and Noto Sans Mono regular and bold (@fontsource); where the project names
 * its own fonts (`theme.fonts`), a sheet declares them under those
 * families' names instead, so that every rule of `print.css` (text, margin
 * boxes, code) uses them. The same sheet sizes the logo. It is written into a
 * folder named by its content (`themeSheetDir`), the same for every document
 * of a theme, so that the print page a document leaves serves the next one
 * (a kept page only serves documents allowed the same folders).
 */
export async function fontSheetUrls(fontDirs: readonly string[], brand?: Brand): Promise<string[]> {
  const [serif, mono] = fontDirs
  if (!serif || !mono) return []
  const sheets = [
    ...(brand?.fonts?.body ? [] : ['400.css', '400-italic.css', '700.css', '700-italic.css'].map((file) => join(serif, file))),
    ...(brand?.fonts?.mono ? [] : ['400.css', '700.css'].map((file) => join(mono, file))),
  ]
  const own = themeSheet(brand)
  const dir = themeSheetDir(brand)
  if (dir !== undefined) {
    const sheet = join(dir, 'theme-fonts.css')
    await mkdir(dir, { recursive: true })
    // Written whole and renamed: a build beside this one may read the same sheet.
    const partial = `${sheet}.${process.pid}.${Math.random().toString(36).slice(2)}`
    await writeFile(partial, own)
    await rename(partial, sheet)
    sheets.push(sheet)
  }
  return sheets.map((path) => pathToFileURL(path).href)
}

/** The folder of the theme's print sheet, named by its content; none without theme fonts or logo. */
export function themeSheetDir(brand: Brand | undefined): string | undefined {
  const own = themeSheet(brand)
  return own === '' ? undefined : join(tmpdir(), `offprint-print-theme-${createHash('sha256').update(own).digest('hex').slice(0, 16)}`)
}

function themeSheet(brand: Brand | undefined): string {
  return `${fontFaceCss(brand, (_name, path) => pathToFileURL(path).href, printFamilies)}${brand?.logo ? logoCss : ''}`
}

/** Folders of the brand's files the print page reads (the logo, the fonts). */
export function brandDirs(brand: Brand | undefined): string[] {
  const fonts = [...(brand?.fonts?.body ?? []), ...(brand?.fonts?.mono ?? [])].map((font) => font.path)
  const files = [...(brand?.logo ? [brand.logo.path] : []), ...fonts]
  return [...new Set(files.map((file) => dirname(file)))]
}

/** The logo of the PDF's title block, read where it is. */
export function printLogo(brand: Brand | undefined): { src: string; alt: string } | undefined {
  return brand?.logo && { src: pathToFileURL(brand.logo.path).href, alt: brand.logo.alt }
}
