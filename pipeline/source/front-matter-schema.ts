import { z } from 'zod'
import { paperSizes } from '../common/config.ts'
import { text } from '../common/text-schema.ts'

/** ISO calendar date, `YYYY-MM-DD`, that is a real day (no `2022-02-30`). */
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const time = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value)
}, 'expected a real date as `YYYY-MM-DD`')

/** BCP 47 language tag, loosely: `en`, `kk`, `ru`, `en-GB`. */
const langTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a language tag such as `en` or `kk`')

/**
 * Front matter of a source. Every field is optional in the file; `resolveMeta`
 * fills what is missing (title from the first heading, lang guessed, …).
 */
export const frontMatterSchema = z
  .object({
    title: text.optional(),
    subtitle: text.optional(),
    /** One name or a list; read as a list, so a bad item is reported at the item. */
    author: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(text, { error: 'expected a name or a list of names' }).min(1)).optional(),
    publisher: text.optional(),
    date: isoDate.optional(),
    lang: langTag.optional(),
    description: text.optional(),
    keywords: z.array(text).optional(),
    /** Paper size for the PDF edition; default `A4`. */
    paper: z.enum(paperSizes).optional(),
    /** TeX math between dollars; default true. `false` leaves every `$` as text. */
    math: z.boolean().optional(),
    /** Licence or rights statement, shown in every edition. */
    license: text.optional(),
    rights: text.optional(),
    version: z.union([text, z.number()]).optional(),
  })
  .strip()

export type FrontMatter = z.infer<typeof frontMatterSchema>
export const knownFrontMatterKeys = new Set(Object.keys(frontMatterSchema.shape))
