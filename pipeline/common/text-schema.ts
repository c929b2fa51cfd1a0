import * as z from './zod.ts'

/** Non-empty text, trimmed: the type of most front-matter and glossary fields. */
export const text = z.string().check(z.trim(), z.minLength(1, 'expected non-empty text'))
