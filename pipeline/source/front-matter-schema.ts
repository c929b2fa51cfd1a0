import { paperSizes } from '../common/config.ts'
import { text } from '../common/text-schema.ts'
import * as z from '../common/zod.ts'

/** ISO calendar date, `YYYY-MM-DD`, that is a real day (no `2022-02-30`). */
const isoDate = z.string().check(
  z.refine((value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
    const time = Date.parse(`${value}T00:00:00Z`)
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value)
  }, 'expected a real date as `YYYY-MM-DD`'),
)

/** BCP 47 language tag, loosely: `en`, `kk`, `ru`, `en-GB`. */
const langTag = z.string().check(z.regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a language tag such as `en` or `kk`'))

/**
 * Front matter of a source. Every field is optional in the file; `resolveMeta`
 * fills what is missing (title from the first heading, lang guessed, …).
 * Unknown keys are dropped (`z.object` strips them); `front-matter.ts` warns of each.
 */
export const frontMatterSchema = z.object({
  title: z.optional(text),
  subtitle: z.optional(text),
  /** One name or a list; read as a list, so a bad item is reported at the item. */
  author: z.optional(
    z.pipe(
      z.transform((value) => (typeof value === 'string' ? [value] : value)),
      z.array(text, { error: 'expected a name or a list of names' }).check(z.minLength(1)),
    ),
  ),
  publisher: z.optional(text),
  date: z.optional(isoDate),
  lang: z.optional(langTag),
  description: z.optional(text),
  keywords: z.optional(z.array(text)),
  /** Paper size for the PDF edition; default `A4`. */
  paper: z.optional(z.enum(paperSizes)),
  /** TeX math between dollars; default true. `false` leaves every `$` as text. */
  math: z.optional(z.boolean()),
  /** Licence or rights statement, shown in every edition. */
  license: z.optional(text),
  rights: z.optional(text),
  version: z.optional(z.union([text, z.number()])),
})

export type FrontMatter = z.infer<typeof frontMatterSchema>
export const knownFrontMatterKeys = new Set(Object.keys(frontMatterSchema.shape))
