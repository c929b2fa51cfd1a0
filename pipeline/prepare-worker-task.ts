import { parentPort } from 'node:worker_threads'
import type { Root } from 'hast'
import type { Point, Position } from 'unist'
import type { ArticleData } from './article.ts'
import type { EditionFile } from './editions/edition.ts'
import { prepareSource, type PrepareRequest } from './prepare-source.ts'

/** A `Prepared` as plain data: VFile messages flattened, errors as text. */
export interface SerializedPrepared {
  messages: Array<{ reason: string; place?: Point | Position; ruleId?: string; source?: string; fatal: boolean | null | undefined; cause?: string }>
  tree?: Root
  article?: ArticleData
  htmlFiles?: EditionFile[]
  htmlError?: string
  /** An unexpected failure of the worker's code, never a content problem. */
  crash?: string
  timings: Record<string, number>
}

parentPort?.on('message', async (request: PrepareRequest) => {
  let prepared: Awaited<ReturnType<typeof prepareSource>>
  try {
    prepared = await prepareSource(request)
  } catch (error) {
    parentPort?.postMessage({ messages: [], timings: {}, crash: (error as Error).stack ?? String(error) } satisfies SerializedPrepared)
    return
  }
  const answer: SerializedPrepared = {
    messages: prepared.file.messages.map((message) => ({
      reason: message.reason,
      ...(message.place ? { place: message.place } : {}),
      ...(message.ruleId ? { ruleId: message.ruleId } : {}),
      ...(message.source ? { source: message.source } : {}),
      fatal: message.fatal,
      ...(message.cause ? { cause: String((message.cause as Error).message ?? message.cause) } : {}),
    })),
    timings: prepared.timings,
    ...(prepared.tree ? { tree: prepared.tree } : {}),
    ...(prepared.article ? { article: prepared.article } : {}),
    ...(prepared.htmlFiles ? { htmlFiles: prepared.htmlFiles } : {}),
    ...(prepared.htmlError ? { htmlError: prepared.htmlError.message } : {}),
  }
  parentPort?.postMessage(answer)
})
