import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Brand } from '../../source/project-assets.ts'
import { fontFaceCss } from '../brand.ts'

/** Folders of the packages the print page reads: the paging script and the fonts. */
export function packageDirs(): { pagedjs: string; fonts: string[] } {
  const require = createRequire(import.meta.url)
  // pagedjs exports no file path; its CommonJS entry sits in `lib/`.
  const pagedjs = dirname(dirname(require.resolve('pagedjs')))
  const fonts = ['@fontsource/noto-serif', '@fontsource/noto-sans-mono'].map((name) => dirname(require.resolve(`${name}/package.json`)))
  return { pagedjs, fonts }
}

/** The families `templates/print-text.css` and `print.css` set, which the theme's fonts replace in the PDF. */
const printFamilies = { body: 'Noto Serif', mono: 'Noto Sans Mono' } as const

/** A sheet of `@font-face` rules for the print page: its text and the URL its relative URLs resolve against. */
export interface FontSheet {
  href: string
  css: string
}

/** The @fontsource sheets of the print fonts: Noto Serif regular, italic, bold, bold italic; Noto Sans Mono regular, bold. */
const fontFiles = { body: ['400.css', '400-italic.css', '700.css', '700-italic.css'], mono: ['400.css', '700.css'] } as const

/**
 * The print page's font sheets: the @fontsource ones (`fontFiles`); where the
 * project names its own fonts (`theme.fonts`), a sheet declares them under
 * those families' names instead, so that every rule of `print-text.css` and `print.css` (text,
 * margin boxes, code) uses them. The print page keeps them for its documents
 * (`print-page.ts`), so that its fonts are loaded once, not per document.
 */
export async function fontSheets(fontDirs: readonly string[], brand?: Brand): Promise<FontSheet[]> {
  const [serif, mono] = fontDirs
  if (!serif || !mono) return []
  const files = [...(brand?.fonts?.body ? [] : fontFiles.body.map((file) => join(serif, file))), ...(brand?.fonts?.mono ? [] : fontFiles.mono.map((file) => join(mono, file)))]
  const sheets = await Promise.all(files.map(async (file) => ({ href: pathToFileURL(file).href, css: await packageCss(file) })))
  // The theme's rules name their files by absolute URL: no base needed.
  const own = fontFaceCss(brand, (_name, path) => pathToFileURL(path).href, printFamilies)
  return own === '' ? sheets : [...sheets, { href: 'about:blank', css: own }]
}

/** The @fontsource sheets read so far, by path: package files, read once per process instead of once per PDF. */
const packageSheets = new Map<string, Promise<string>>()

function packageCss(file: string): Promise<string> {
  let css = packageSheets.get(file)
  if (!css) {
    css = readFile(file, 'utf8')
    // A failed read is not kept: the next PDF tries again, and reports it.
    css.catch(() => packageSheets.delete(file))
    packageSheets.set(file, css)
  }
  return css
}

/** The sheets every print page prepares before its first document: the @fontsource ones. */
export function defaultFontSheets(): Promise<FontSheet[]> {
  return fontSheets(packageDirs().fonts)
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
