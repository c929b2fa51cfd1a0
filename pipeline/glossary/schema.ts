import { z } from 'zod'
import type { GlossaryEntry } from '../common/article.ts'
import { text } from '../common/text-schema.ts'

/** One glossary entry as written in `glossary.yaml`; what it reads is a `GlossaryEntry`. */
const glossaryEntrySchema = z
  .object({
    term: text,
    definition: text,
    variants: z.array(text).default([]),
  })
  .strict() satisfies z.ZodType<GlossaryEntry>

/** `glossary.yaml`: a list of entries. */
export const glossarySchema = z.array(glossaryEntrySchema)
