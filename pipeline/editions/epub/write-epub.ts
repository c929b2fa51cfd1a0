import type { EditionInput, EditionResult } from '../edition.ts'
import { launchBrowser, type BrowserSession } from '../browser.ts'
import { makeEpubBook } from './book.ts'
import { renderCover } from './cover.ts'

/** Makes the book around its cover: `makeEpubBook` in this thread, or the same in a worker thread. */
export type EpubBookMaker = (input: EditionInput, cover: Uint8Array) => Promise<EditionResult>

/**
 * The EPUB edition: the cover rendered from `templates/cover.ejs` in Chromium
 * (`session`, or a browser started and closed here), the only part that needs
 * the browser and so this thread; then the book made around it by
 * `makeEpubBook` (`book.ts`), here or by `makeBook` (default: in this thread).
 * A caller that started rendering the cover already passes it as `cover`.
 * Rebuilding the same input gives the same bytes.
 */
export async function writeEpub(input: EditionInput, session?: BrowserSession, makeBook: EpubBookMaker = makeEpubBook, cover?: Promise<Uint8Array>): Promise<EditionResult> {
  const { meta } = input.article
  const png = cover ? await cover : session ? await renderCover(meta, input.templatesDir, session) : await withOwnBrowser((own) => renderCover(meta, input.templatesDir, own))
  return makeBook(input, png)
}

async function withOwnBrowser<T>(work: (session: BrowserSession) => Promise<T>): Promise<T> {
  const session = await launchBrowser({ jobs: 1 })
  try {
    return await work(session)
  } finally {
    await session.close()
  }
}
