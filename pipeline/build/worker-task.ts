import { parentPort } from 'node:worker_threads'
import type { Root } from 'hast'
import type { Point, Position } from 'unist'
import type { ArticleData } from '../common/article.ts'
import type { EditionFile, EditionInput } from '../editions/edition.ts'
import type { EditionResult } from '../editions/edition.ts'
import { runParseStage, type ParseRequest } from './parse-stage.ts'
import type { CoverInput } from '../editions/epub/write-epub.ts'

/**
 * What the main thread asks a worker: run the parse stage of a source (parse + HTML), or
 * write an EPUB (draw its cover, make the book). Plain data only.
 */
export type WorkerRequest = { kind: 'parse'; request: ParseRequest } | { kind: 'epub'; input: EditionInput; cover?: Uint8Array } | { kind: 'cover'; input: CoverInput }

/** A worker's answer to a `cover` request: the PNG, the error as text, or a crash. */
export interface SerializedCover {
  cover?: Uint8Array
  error?: string
  crash?: string
}

/** A worker's answer to an `epub` request: the book, the edition's error as text, or a crash. */
export interface SerializedEpub {
  result?: EditionResult
  error?: string
  crash?: string
}

/** A message's second place (the first of two duplicates), as plain data. */
export interface SerializedCause {
  reason: string
  place?: Point | Position
  ruleId?: string
  source?: string
}

/** A `Parsed` as plain data: VFile messages flattened, errors as text. */
export interface SerializedParsed {
  messages: Array<{ reason: string; place?: Point | Position; ruleId?: string; source?: string; fatal: boolean | null | undefined; cause?: SerializedCause }>
  tree?: Root
  article?: ArticleData
  htmlFiles?: EditionFile[]
  /** An unexpected failure of the worker's code, never a content problem: its message only. */
  crash?: string
  timings: Record<string, number>
}

parentPort?.on('message', async (message: WorkerRequest) => {
  if (message.kind === 'epub') {
    parentPort?.postMessage(await epub(message.input, message.cover))
    return
  }
  if (message.kind === 'cover') {
    parentPort?.postMessage(await cover(message.input))
    return
  }
  try {
    parentPort?.postMessage(serialize(await runParseStage(message.request)))
  } catch (error) {
    parentPort?.postMessage({ messages: [], timings: {}, crash: textOf(error) } satisfies SerializedParsed)
  }
})

/** Write an EPUB, cover included; a failure of the writer is the edition's error, reported on the source as in the main thread. */
async function epub(input: EditionInput, cover?: Uint8Array): Promise<SerializedEpub> {
  let writeEpub: typeof import('../editions/epub/write-epub.ts').writeEpub
  try {
    ;({ writeEpub } = await import('../editions/epub/write-epub.ts'))
  } catch (error) {
    return { crash: textOf(error) }
  }
  try {
    return { result: await writeEpub(input, cover) }
  } catch (error) {
    return { error: textOf(error) }
  }
}

/** Draw an EPUB's cover; a failure is the edition's error, as in `epub`. */
async function cover(input: CoverInput): Promise<SerializedCover> {
  let drawCover: typeof import('../editions/epub/write-epub.ts').drawCover
  try {
    ;({ drawCover } = await import('../editions/epub/write-epub.ts'))
  } catch (error) {
    return { crash: textOf(error) }
  }
  try {
    return { cover: await drawCover(input) }
  } catch (error) {
    return { error: textOf(error) }
  }
}

function textOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function serialize(parsed: Awaited<ReturnType<typeof runParseStage>>): SerializedParsed {
  return {
    messages: parsed.file.messages.map((message) => ({
      reason: message.reason,
      ...(message.place ? { place: message.place } : {}),
      ...(message.ruleId ? { ruleId: message.ruleId } : {}),
      ...(message.source ? { source: message.source } : {}),
      fatal: message.fatal,
      ...(message.cause ? { cause: serializeCause(message.cause) } : {}),
    })),
    timings: parsed.timings,
    ...(parsed.tree ? { tree: parsed.tree } : {}),
    ...(parsed.article ? { article: parsed.article } : {}),
    ...(parsed.htmlFiles ? { htmlFiles: parsed.htmlFiles } : {}),
  }
}

function serializeCause(cause: unknown): SerializedCause {
  if (typeof cause !== 'object' || cause === null) return { reason: String(cause) }
  const { reason, message, place, ruleId, source } = cause as { reason?: unknown; message?: unknown; place?: Point | Position; ruleId?: unknown; source?: unknown }
  return {
    reason: String(reason ?? message ?? cause),
    ...(place ? { place } : {}),
    ...(typeof ruleId === 'string' ? { ruleId } : {}),
    ...(typeof source === 'string' ? { source } : {}),
  }
}
