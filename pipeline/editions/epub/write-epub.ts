import type { EditionInput, EditionResult } from '../edition.ts'
import { makeEpubBook } from './book.ts'
import { renderCover } from './cover.ts'
import type { CoverBrand } from './cover-svg.ts'
import type { Brand } from '../../source/project-assets.ts'
import { readFile } from 'node:fs/promises'

/** Writes the EPUB edition: `writeEpub` in this thread, or the same in a worker thread; with its cover when already drawn. */
export type EpubWriter = (input: EditionInput, cover?: Uint8Array) => Promise<EditionResult>

/** What the cover is drawn from: the metadata and the brand, nothing of the text. */
export type CoverInput = Pick<EditionInput, 'article' | 'brand'>

/**
 * The EPUB edition, CPU work only (no browser): the cover drawn from the
 * metadata by resvg (`cover.ts`), then the book made around it by
 * `makeEpubBook` (`book.ts`). Its input is plain data, so it runs in a worker
 * thread as well as here. Rebuilding the same input gives the same bytes.
 */
export async function writeEpub(input: EditionInput, cover?: Uint8Array): Promise<EditionResult> {
  return makeEpubBook(input, cover ?? (await drawCover(input)))
}

/** The cover as PNG, from the metadata and the brand only, so that it can be drawn before the book's pages are known. */
export async function drawCover(input: CoverInput): Promise<Uint8Array> {
  return renderCover(input.article.meta, await coverBrand(input.brand))
}

/** The brand as the cover draws it: the logo as a `data:` URI, the accent when resvg reads it (a hex colour). */
async function coverBrand(brand: Brand | undefined): Promise<CoverBrand> {
  if (!brand) return {}
  const accent = brand.accent !== undefined && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(brand.accent) ? brand.accent : undefined
  const logo = brand.logo && `data:${brand.logo.mediaType};base64,${Buffer.from(await readFile(brand.logo.path)).toString('base64')}`
  return { ...(accent ? { accent } : {}), ...(logo ? { logo } : {}) }
}
