import { parentPort } from 'node:worker_threads'
import type { Root } from 'hast'
import type { Point, Position } from 'unist'
import type { ArticleData } from './article.ts'
import type { EditionFile } from './editions/edition.ts'
import { prepareSource, type PrepareRequest } from './prepare-source.ts'

/** A message's second place (the first of two duplicates), as plain data. */
export interface SerializedCause {
  reason: string
  place?: Point | Position
  ruleId?: string
  source?: string
}

/** A `Prepared` as plain data: VFile messages flattened, errors as text. */
export interface SerializedPrepared {
  messages: Array<{ reason: string; place?: Point | Position; ruleId?: string; source?: string; fatal: boolean | null | undefined; cause?: SerializedCause }>
  tree?: Root
  article?: ArticleData
  htmlFiles?: EditionFile[]
  htmlError?: string
  /** An unexpected failure of the worker's code, never a content problem: its message only. */
  crash?: string
  timings: Record<string, number>
}

parentPort?.on('message', async (request: PrepareRequest) => {
  try {
    parentPort?.postMessage(serialize(await prepareSource(request)))
  } catch (error) {
    parentPort?.postMessage({ messages: [], timings: {}, crash: error instanceof Error ? error.message : String(error) } satisfies SerializedPrepared)
  }
})

function serialize(prepared: Awaited<ReturnType<typeof prepareSource>>): SerializedPrepared {
  return {
    messages: prepared.file.messages.map((message) => ({
      reason: message.reason,
      ...(message.place ? { place: message.place } : {}),
      ...(message.ruleId ? { ruleId: message.ruleId } : {}),
      ...(message.source ? { source: message.source } : {}),
      fatal: message.fatal,
      ...(message.cause ? { cause: serializeCause(message.cause) } : {}),
    })),
    timings: prepared.timings,
    ...(prepared.tree ? { tree: prepared.tree } : {}),
    ...(prepared.article ? { article: prepared.article } : {}),
    ...(prepared.htmlFiles ? { htmlFiles: prepared.htmlFiles } : {}),
    ...(prepared.htmlError ? { htmlError: prepared.htmlError.message } : {}),
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
