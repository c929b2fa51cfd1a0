import type { GlossaryEntry } from '../common/article.ts'
import { text } from '../common/text-schema.ts'
import * as z from '../common/zod.ts'

/** One glossary entry as written in `glossary.yaml`; what it reads is a `GlossaryEntry`. */
const glossaryEntrySchema = z.strictObject({
  term: text,
  definition: text,
  variants: z._default(z.array(text), []),
}) satisfies z.ZodMiniType<GlossaryEntry>

/** `glossary.yaml`: a list of entries. */
export const glossarySchema = z.array(glossaryEntrySchema)
