import { parentPort } from 'node:worker_threads'
import type { Root } from 'hast'
import type { Point, Position } from 'unist'
import type { ArticleData } from '../common/article.ts'
import type { EditionFile, EditionInput } from '../editions/edition.ts'
import type { EditionResult } from '../editions/edition.ts'
import { runParseStage, type ParseRequest } from './parse-stage.ts'

/**
 * What the main thread asks a worker: run the parse stage of a source (parse + HTML), or
 * package an EPUB around the cover the main thread rendered. Plain data only.
 */
export type WorkerRequest = { kind: 'parse'; request: ParseRequest } | { kind: 'epub'; input: EditionInput; cover: Uint8Array }

/** A worker's answer to an `epub` request: the book, its packaging's error as text, or a crash. */
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
  try {
    parentPort?.postMessage(serialize(await runParseStage(message.request)))
  } catch (error) {
    parentPort?.postMessage({ messages: [], timings: {}, crash: textOf(error) } satisfies SerializedParsed)
  }
})

/** Package an EPUB; a failure of the packaging is the edition's error, reported on the source as in the main thread. */
async function epub(input: EditionInput, cover: Uint8Array): Promise<SerializedEpub> {
  let makeEpubBook: typeof import('../editions/epub/book.ts').makeEpubBook
  try {
    ;({ makeEpubBook } = await import('../editions/epub/book.ts'))
  } catch (error) {
    return { crash: textOf(error) }
  }
  try {
    return { result: await makeEpubBook(input, cover) }
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
