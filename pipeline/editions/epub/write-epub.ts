import type { EditionInput, EditionResult } from '../edition.ts'
import { makeEpubBook } from './book.ts'
import { renderCover } from './cover.ts'

/** Writes the EPUB edition: `writeEpub` in this thread, or the same in a worker thread. */
export type EpubWriter = (input: EditionInput) => Promise<EditionResult>

/**
 * The EPUB edition, CPU work only (no browser): the cover drawn from the
 * metadata by resvg (`cover.ts`), then the book made around it by
 * `makeEpubBook` (`book.ts`). Its input is plain data, so it runs in a worker
 * thread as well as here. Rebuilding the same input gives the same bytes.
 */
export async function writeEpub(input: EditionInput): Promise<EditionResult> {
  return makeEpubBook(input, renderCover(input.article.meta))
}
