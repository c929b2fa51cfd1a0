import { z } from 'zod'
import { paperSizes } from '../common/config.ts'
import { text } from '../common/text-schema.ts'

/** BCP 47 language tag, loosely: `en`, `kk`, `en-GB`. */
const langTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a language tag such as `en` or `kk`')

/** A path to a file, relative to the project file's folder; checked to exist inside it by `readProject`. */
const filePath = text.refine((value) => !value.includes('\0'), 'expected a file path')

/**
 * A CSS colour: hex (`#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`) or a colour
 * function (`rgb()`, `hsl()`, `oklch()`, …) of numbers, percentages, angles
 * and separators. Nothing else: the value is written into every edition's CSS.
 */
export const cssColour = z
  .string()
  .trim()
  .regex(
    /^(?:#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(\s*[-+0-9.,%/\sa-z]*\))$/,
    'expected a CSS colour such as `#8a2b06`, `rgb(138 43 6)` or `oklch(45% 0.15 40)`',
  )

/** `site:`: what the front page and the feeds say of the publication. */
const siteSchema = z
  .object({
    /** The front page's title and header, the site name in the feeds; default `offprint`. */
    title: text.optional(),
    /** A line under the front page's title, its `<meta name="description">`, the feeds' subtitle; default none. */
    description: text.optional(),
    /** The site's public URL (as `--site-url`, which wins, then `OFFPRINT_SITE_URL`); default none: links stay relative. */
    url: text
      .refine((value) => {
        try {
          const url = new URL(value)
          return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash
        } catch {
          return false
        }
      }, 'expected an absolute http or https URL without query or fragment, such as `https://example.org/articles/`')
      .optional(),
    /** The front page's language; default `en`. */
    lang: langTag.optional(),
    /** The publisher of articles whose front matter names none; default none. */
    publisher: text.optional(),
    /** A PNG, JPEG or SVG in the project: the front page, each edition's title block, the EPUB cover; default none. */
    logo: filePath.optional(),
  })
  .strip()

/**
 * One family's font files: a file (its regular face, or a variable font), or
 * up to four faces. WOFF2, WOFF, TrueType or OpenType, inside the project.
 */
const fontFamily = z.union([
  filePath,
  z
    .object({
      regular: filePath,
      italic: filePath.optional(),
      bold: filePath.optional(),
      boldItalic: filePath.optional(),
    })
    .strict(),
])

/** The four faces a family may name, with their CSS weight and style. */
export const fontFaces = {
  regular: { weight: 400, style: 'normal' },
  italic: { weight: 400, style: 'italic' },
  bold: { weight: 700, style: 'normal' },
  boldItalic: { weight: 700, style: 'italic' },
} as const

/** `theme:`: stylesheets appended after the built-in ones, and the accent colour. */
const themeSchema = z
  .object({
    /** Appended to every edition's stylesheet (and the front page's); default none. */
    css: filePath.optional(),
    /** Appended to the HTML edition's and the front page's stylesheet, after `css`; default none. */
    html: filePath.optional(),
    /** Appended to the PDF edition's stylesheet, after `css`; default none. */
    pdf: filePath.optional(),
    /** Appended to the EPUB edition's stylesheet, after `css`; default none. */
    epub: filePath.optional(),
    /** Colour of links and rules in every edition (`--accent`); default the built-in styles' own. */
    accent: cssColour.optional(),
    /** The text's and the code's fonts, embedded in the PDF and the EPUB and used by the HTML; default Noto Serif and Noto Sans Mono in the PDF, the reader's own elsewhere. */
    fonts: z.object({ body: fontFamily.optional(), mono: fontFamily.optional() }).strict().optional(),
  })
  .strip()

/** `pdf:`: the PDF edition's defaults. */
const pdfSchema = z
  .object({
    /** Paper size of articles whose front matter names none, unless `--paper` is given; default `A4`. */
    paper: z.enum(paperSizes).optional(),
    /** The page margins, 1 to 4 CSS lengths as for `margin` (top, right, bottom, left); default `22mm 20mm 24mm 20mm`. */
    margins: z
      .string()
      .trim()
      .regex(/^(?:\d+(?:\.\d+)?(?:mm|cm|in|pt|pc)(?:\s+|$)){1,4}$/, 'expected 1 to 4 lengths in mm, cm, in, pt or pc, such as `20mm` or `22mm 20mm 24mm`')
      .optional(),
    /** What the page header shows: the article's `title`, its current `section`, or `none`; default both (title left, section right). */
    runningHead: z.enum(['title', 'section', 'none']).optional(),
  })
  .strip()

/** `offprint.yaml`: every field optional; an empty file is today's defaults. */
export const projectSchema = z
  .object({
    site: siteSchema.optional(),
    theme: themeSchema.optional(),
    pdf: pdfSchema.optional(),
    /** A folder whose files replace the built-in templates of the same name; default none. */
    templates: filePath.optional(),
  })
  .strip()

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
