import { paperSizes } from '../common/config.ts'
import { text } from '../common/text-schema.ts'
import * as z from '../common/zod.ts'

/** BCP 47 language tag, loosely: `en`, `kk`, `en-GB`. */
const langTag = z.string().check(z.regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a language tag such as `en` or `kk`'))

/** A path to a file, relative to the project file's folder; checked to exist inside it by `readProject`. */
const filePath = text.check(z.refine((value) => !value.includes('\0'), 'expected a file path'))

/**
 * A CSS colour: hex (`#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`) or a colour
 * function (`rgb()`, `hsl()`, `oklch()`, …) of numbers, percentages, angles
 * and separators. Nothing else: the value is written into every edition's CSS.
 */
export const cssColour = z
  .string()
  .check(
    z.trim(),
    z.regex(
      /^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(\s*[-+0-9.,%/\sa-z]*\))$/,
      'expected a CSS colour such as `#8a2b06`, `rgb(138 43 6)` or `oklch(45% 0.15 40)`',
    ),
  )

/** `site:`: what the front page and the feeds say of the publication. */
const siteSchema = z.object({
  /** The front page's title and header, the site name in the feeds; default `offprint`. */
  title: z.optional(text),
  /** A line under the front page's title, its `<meta name="description">`, the feeds' subtitle; default none. */
  description: z.optional(text),
  /** The site's public URL (as `--site-url`, which wins, then `OFFPRINT_SITE_URL`); default none: links stay relative. */
  url: z.optional(
    text.check(
      z.refine((value) => {
        try {
          const url = new URL(value)
          return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash
        } catch {
          return false
        }
      }, 'expected an absolute http or https URL without query or fragment, such as `https://example.org/articles/`'),
    ),
  ),
  /** The front page's language; default `en`. */
  lang: z.optional(langTag),
  /** The publisher of articles whose front matter names none; default none. */
  publisher: z.optional(text),
  /** A PNG, JPEG or SVG in the project: the front page, each edition's title block, the EPUB cover; default none. */
  logo: z.optional(filePath),
})

/**
 * One family's font files: a file (its regular face, or a variable font), or
 * up to four faces. WOFF2, WOFF, TrueType or OpenType, inside the project.
 */
const fontFamily = z.union([
  filePath,
  z.strictObject({
    regular: filePath,
    italic: z.optional(filePath),
    bold: z.optional(filePath),
    boldItalic: z.optional(filePath),
  }),
])

/** The four faces a family may name, with their CSS weight and style. */
export const fontFaces = {
  regular: { weight: 400, style: 'normal' },
  italic: { weight: 400, style: 'italic' },
  bold: { weight: 700, style: 'normal' },
  boldItalic: { weight: 700, style: 'italic' },
} as const

/** `theme:`: stylesheets appended after the built-in ones, and the accent colour. */
const themeSchema = z.object({
  /** Appended to every edition's stylesheet (and the front page's); default none. */
  css: z.optional(filePath),
  /** Appended to the HTML edition's and the front page's stylesheet, after `css`; default none. */
  html: z.optional(filePath),
  /** Appended to the PDF edition's stylesheet, after `css`; default none. */
  pdf: z.optional(filePath),
  /** Appended to the EPUB edition's stylesheet, after `css`; default none. */
  epub: z.optional(filePath),
  /** Colour of links and rules in every edition (`--accent`); default the built-in styles' own. */
  accent: z.optional(cssColour),
  /** The text's and the code's fonts, embedded in the PDF and the EPUB and used by the HTML; default Noto Serif and Noto Sans Mono in the PDF, the reader's own elsewhere. */
  fonts: z.optional(z.strictObject({ body: z.optional(fontFamily), mono: z.optional(fontFamily) })),
})

/** `pdf:`: the PDF edition's defaults. */
const pdfSchema = z.object({
  /** Paper size of articles whose front matter names none, unless `--paper` is given; default `A4`. */
  paper: z.optional(z.enum(paperSizes)),
  /** The page margins, 1 to 4 CSS lengths as for `margin` (top, right, bottom, left); default `22mm 20mm 24mm 20mm`. */
  margins: z.optional(
    z
      .string()
      .check(z.trim(), z.regex(/^(?:\d+(?:\.\d+)?(?:mm|cm|in|pt|pc)(?:\s+|$)){1,4}$/, 'expected 1 to 4 lengths in mm, cm, in, pt or pc, such as `20mm` or `22mm 20mm 24mm`')),
  ),
  /** What the page header shows: the article's `title`, its current `section`, or `none`; default both (title left, section right). */
  runningHead: z.optional(z.enum(['title', 'section', 'none'])),
})

/**
 * `offprint.yaml`: every field optional; an empty file is today's defaults.
 * Unknown keys, here and in the sections, are dropped (`z.object` strips
 * them); `readProject` warns of each (`knownProjectKeys`).
 */
export const projectSchema = z.object({
  site: z.optional(siteSchema),
  theme: z.optional(themeSchema),
  pdf: z.optional(pdfSchema),
  /** A folder whose files replace the built-in templates of the same name; default none. */
  templates: z.optional(filePath),
})

export type ProjectFields = z.infer<typeof projectSchema>

/** Known keys, top level and per section: any other is a `project-unknown` warning. */
export const knownProjectKeys: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['site', new Set(Object.keys(siteSchema.shape))],
  ['theme', new Set(Object.keys(themeSchema.shape))],
  ['pdf', new Set(Object.keys(pdfSchema.shape))],
  ['templates', new Set<string>()],
])

/** The theme fields that name files. */
export const themeFileFields = ['css', 'html', 'pdf', 'epub'] as const
