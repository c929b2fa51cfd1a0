import { writeFile } from 'node:fs/promises'
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
 * its own fonts (`theme.fonts`), a sheet written into `workDir` declares them
 * under those families' names instead, so that every rule of `print.css`
 * (text, margin boxes, code) uses them. The same sheet sizes the logo.
 */
export async function fontSheetUrls(fontDirs: readonly string[], brand?: Brand, workDir?: string): Promise<string[]> {
  const [serif, mono] = fontDirs
  if (!serif || !mono) return []
  const sheets = [
    ...(brand?.fonts?.body ? [] : ['400.css', '400-italic.css', '700.css', '700-italic.css'].map((file) => join(serif, file))),
    ...(brand?.fonts?.mono ? [] : ['400.css', '700.css'].map((file) => join(mono, file))),
  ]
  const own = `${fontFaceCss(brand, (_name, path) => pathToFileURL(path).href, printFamilies)}${brand?.logo ? logoCss : ''}`
  if (own !== '' && workDir !== undefined) {
    const sheet = join(workDir, 'theme-fonts.css')
    await writeFile(sheet, own)
    sheets.push(sheet)
  }
  return sheets.map((path) => pathToFileURL(path).href)
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
