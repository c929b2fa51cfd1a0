import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Folders of the packages the print page reads: the paging script and the fonts. */
export function packageDirs(): { pagedjs: string; fonts: string[] } {
  const require = createRequire(import.meta.url)
  // pagedjs exports no file path; its CommonJS entry sits in `lib/`.
  const pagedjs = dirname(dirname(require.resolve('pagedjs')))
  const fonts = ['@fontsource/noto-serif', '@fontsource/noto-sans-mono'].map((name) => dirname(require.resolve(`${name}/package.json`)))
  return { pagedjs, fonts }
}

/** The @font-face sheets: Noto Serif regular, italic, bold, bold italic; Noto Sans Mono regular and bold. */
export function fontSheetUrls(fontDirs: readonly string[]): string[] {
  const [serif, mono] = fontDirs
  if (!serif || !mono) return []
  return [...['400.css', '400-italic.css', '700.css', '700-italic.css'].map((file) => join(serif, file)), ...['400.css', '700.css'].map((file) => join(mono, file))].map(
    (path) => pathToFileURL(path).href,
  )
}
