import type { Brand, BrandFont, BrandLogo } from '../source/project-assets.ts'

/**
 * The project's logo and fonts (`site.logo`, `theme.fonts`) as each edition
 * names them. The HTML site keeps one copy of each file in `theme_assets/`
 * next to the front page (no slug has an underscore, so no article's folder
 * can take the name); the EPUB carries them in `theme/`; the PDF's print page
 * reads them where they are.
 */
export const brandFolder = 'theme_assets'

/** The font families of the theme's fonts in the HTML and the EPUB (the PDF's replace Noto Serif and Noto Sans Mono). */
export const brandFamilies = { body: 'offprint body', mono: 'offprint mono' } as const

/** A brand file's name in `theme_assets/` and in the EPUB's `theme/`. */
export type BrandFileName = string

/** The logo's file name. */
export function logoName(logo: BrandLogo): BrandFileName {
  return `logo.${logo.extension}`
}

/** A font's file name: `body-regular.woff2`, `mono-bold.ttf`, … */
export function fontName(family: 'body' | 'mono', font: BrandFont): BrandFileName {
  return `${family}-${font.face.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.${font.extension}`
}

/** Every file of the brand with its name (logo first, then the fonts): what the site and the EPUB copy. */
export function brandFiles(brand: Brand | undefined): Array<{ name: BrandFileName; path: string; mediaType: string }> {
  if (!brand) return []
  const files: Array<{ name: BrandFileName; path: string; mediaType: string }> = brand.logo
    ? [{ name: logoName(brand.logo), path: brand.logo.path, mediaType: brand.logo.mediaType }]
    : []
  for (const family of ['body', 'mono'] as const)
    for (const font of brand.fonts?.[family] ?? []) files.push({ name: fontName(family, font), path: font.path, mediaType: font.mediaType })
  return files
}

const faceDescriptors = { regular: [400, 'normal'], italic: [400, 'italic'], bold: [700, 'normal'], boldItalic: [700, 'italic'] } as const

/**
 * `@font-face` rules for the theme's fonts, each file at `urlOf(name, path)`,
 * under `families`' names (default: `brandFamilies`).
 */
export function fontFaceCss(brand: Brand | undefined, urlOf: (name: BrandFileName, path: string) => string, families: Record<'body' | 'mono', string> = brandFamilies): string {
  const rules: string[] = []
  for (const family of ['body', 'mono'] as const) {
    for (const font of brand?.fonts?.[family] ?? []) {
      const [weight, style] = faceDescriptors[font.face]
      rules.push(
        `@font-face { font-family: ${JSON.stringify(families[family])}; src: url(${JSON.stringify(urlOf(fontName(family, font), font.path))}) format("${font.format}"); font-weight: ${weight}; font-style: ${style}; font-display: swap; }`,
      )
    }
  }
  return rules.length === 0 ? '' : `${rules.join('\n')}\n`
}

/**
 * What the HTML and the EPUB add for the brand: the fonts' `@font-face` (files
 * under `prefix`), the text in the body font and code in the mono one, and
 * the logo's size in the title block. Empty without a brand.
 */
export function brandCss(brand: Brand | undefined, prefix: string): string {
  if (!brand) return ''
  const parts = [fontFaceCss(brand, (name) => `${prefix}${name}`)]
  if (brand.fonts?.body) parts.push(`body { font-family: ${JSON.stringify(brandFamilies.body)}, serif; }\n`)
  if (brand.fonts?.mono) parts.push(`code, pre, kbd, samp { font-family: ${JSON.stringify(brandFamilies.mono)}, monospace; }\n`)
  if (brand.logo) parts.push(logoCss)
  return parts.join('')
}

/** The logo in a title block or the site's header: as tall as two lines of text at most. */
export const logoCss = '.site-logo { margin: 0 0 1em; }\n.site-logo img { display: block; height: 3em; width: auto; max-width: 100%; }\n'

/** `css` followed by `more` (either may be missing); undefined when both are. */
export function appendCss(css: string | undefined, more: string): string | undefined {
  if (more === '') return css
  return css === undefined ? more : `${css.trimEnd()}\n${more}`
}
