import { z } from 'zod'

/** Non-empty text, trimmed: the type of most front-matter and glossary fields. */
export const text = z.string().trim().min(1, 'expected non-empty text')
