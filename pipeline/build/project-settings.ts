import type { EditionName } from '../common/config.ts'
import type { Project } from '../source/project-file.ts'
import type { Brand } from '../source/project-assets.ts'
import { resolveSiteUrl } from './feeds/site-url.ts'

/** The site's title when the project file names none. */
export const defaultSiteTitle = 'offprint'

/** What the front page and the feeds know of the site beyond its entries. */
export interface SiteOptions {
  /** The site's absolute URL ending in `/`; default none (relative links, no sitemap). */
  siteUrl?: string | undefined
  /** `site.title`; default `offprint`. */
  title?: string | undefined
  /** `site.description`; default none. */
  description?: string | undefined
  /** `site.lang`, the front page's language; default `en`. */
  lang?: string | undefined
  /** CSS appended to the front page's (`theme.css`, `theme.html`, the accent); default none. */
  css?: string | undefined
  /** The logo and fonts (`site.logo`, `theme.fonts`), copied next to the front page; default none. */
  brand?: Brand | undefined
}

/**
 * The CSS a project adds to each edition's built-in styles, in this order:
 * the accent (`--accent`, links and rules), for the PDF `pdf.margins` and
 * `pdf.runningHead` (an `@page` rule), `theme.css`, then the edition's
 * own `theme.html`, `theme.pdf` or `theme.epub`. An edition the project adds
 * nothing to has no entry, so its output (and cache key) stay as without a project.
 */
export function themeSheets(project: Project): Partial<Record<EditionName, string>> {
  const accent = project.fields.theme?.accent
  const accentCss = accent === undefined ? undefined : `:root { --accent: ${accent}; }\na { color: var(--accent); }\nhr { border-color: var(--accent); }\n`
  const sheets: Partial<Record<EditionName, string>> = {}
  const pageCss = pdfPageSheet(project)
  for (const edition of ['html', 'pdf', 'epub'] as const) {
    const parts = [accentCss, edition === 'pdf' ? pageCss : undefined, project.sheets.css, project.sheets[edition]].filter((part): part is string => part !== undefined)
    if (parts.length > 0) sheets[edition] = `${parts.map((part) => part.trimEnd()).join('\n')}\n`
  }
  return sheets
}

/** Header boxes of `templates/print.css` that each `pdf.runningHead` empties: the title is top left, the section top right. */
const emptiedHeads = { title: ['top-right'], section: ['top-left'], none: ['top-left', 'top-right'] } as const

/** `pdf.margins` and `pdf.runningHead` as an `@page` rule after `print.css`; undefined when neither is set. */
function pdfPageSheet(project: Project): string | undefined {
  const { margins, runningHead } = project.fields.pdf ?? {}
  if (margins === undefined && runningHead === undefined) return undefined
  const inside = [
    ...(margins === undefined ? [] : [`margin: ${margins.split(/\s+/).join(' ')};`]),
    ...(runningHead === undefined ? [] : emptiedHeads[runningHead].map((box) => `@${box} { content: none; }`)),
  ]
  return `@page {\n  ${inside.join('\n  ')}\n}\n`
}

/** The site as the front page and the feeds show it: `siteUrl` (from `--site-url` or the environment) wins over `site.url`. */
export function siteOptionsOf(project: Project, siteUrl: string | undefined): SiteOptions {
  const site = project.fields.site ?? {}
  const url = siteUrl ?? (site.url === undefined ? undefined : resolveSiteUrl(site.url, {}))
  const { logo, fonts } = project.brand ?? {}
  const brand = logo || fonts ? { ...(logo ? { logo } : {}), ...(fonts ? { fonts } : {}) } : undefined
  return { siteUrl: url, title: site.title, description: site.description, lang: site.lang, css: themeSheets(project).html, brand }
}

/** Settings of the project that change every edition, for the build fingerprint: empty without them, so the keys stay as without a project. */
export function projectFingerprint(project: Project): Record<string, unknown> {
  const publisher = project.fields.site?.publisher
  // The logo and the fonts by their bytes (and the fonts' faces): every edition shows them.
  const { logo, fonts } = project.brand ?? {}
  const brand =
    logo || fonts ? { logo: logo?.digest, fonts: Object.entries(fonts ?? {}).map(([family, faces]) => [family, faces.map((font) => `${font.face}\0${font.digest}`)]) } : undefined
  return { ...(publisher === undefined ? {} : { publisher }), ...(brand ? { brand } : {}) }
}

/** `site` beyond its URL as text for the front page's key: empty when the project sets none of it, so the key stays as without a project. */
export function siteStamp(site: SiteOptions): string {
  const { siteUrl: _url, ...rest } = site
  const set = Object.entries(rest).filter(([, value]) => value !== undefined)
  return set.length === 0 ? '' : JSON.stringify(Object.fromEntries(set))
}
