import { Worker } from 'node:worker_threads'
import { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { reportFailure } from '../source/failure.ts'
import type { EditionInput } from '../editions/edition.ts'
import type { EditionResult } from '../editions/edition.ts'
import type { ParseRequest, Parsed } from './parse-stage.ts'
import type { SerializedCover, SerializedEpub, SerializedParsed, WorkerRequest } from './worker-task.ts'
import type { CoverInput } from '../editions/epub/write-epub.ts'
import { messageSource } from '../common/rules.ts'

/** A pool of worker threads that run the parse stage of sources (parse + HTML) and write EPUBs, in parallel. */
export interface WorkerPool {
  parse: (request: ParseRequest) => Promise<Parsed>
  /**
   * `writeEpub` (editions/epub/write-epub.ts: the cover drawn, the book made)
   * in a worker. Rejects, as it would in this thread, when the writer fails,
   * the worker crashes or passes the time limit: the build turns that into a
   * fatal message on the source.
   */
  writeEpub: (input: EditionInput, cover?: Uint8Array) => Promise<EditionResult>
  /** An EPUB's cover (`drawCover`) in a worker, to pass to `writeEpub` later; rejects as `writeEpub` does. */
  drawCover: (input: CoverInput) => Promise<Uint8Array>
  close: () => Promise<void>
}

/** Limits of one source's preparation in a worker. */
export interface PoolLimits {
  /** Time to read, parse, enrich and write the HTML of one source; then the worker is stopped. */
  parseMs: number
  /** Time to write one EPUB (cover and book); then the worker is stopped. Default: `parseMs`. */
  epubMs?: number
  /** Heap of each worker, in megabytes; Node's default when absent. */
  heapMb?: number
}

export const defaultPoolLimits: PoolLimits = { parseMs: 300_000 }

type Outcome<Answer> = { answer: Answer } | { error: unknown } | { timeout: true }

/**
 * Start `size` workers. Each runs `worker.js`, which registers tsx
 * and loads `worker-task.ts`. Requests queue when all are busy. A
 * worker that crashes, runs out of memory or passes the time limit is stopped
 * and replaced, and its source gets a fatal message (an EPUB request rejects;
 * the build reports that on the source as a fatal message); the build goes on.
 */
export function createWorkerPool(size: number, limits: PoolLimits = defaultPoolLimits): WorkerPool {
  const dead = new WeakSet<Worker>()
  const spawn = (): Worker => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), limits.heapMb ? { resourceLimits: { maxOldGenerationSizeMb: limits.heapMb } } : {})
    // A worker failing between requests must not take the build down; it is replaced when next used.
    worker.on('error', () => dead.add(worker)).on('exit', () => dead.add(worker))
    return worker
  }
  const workers = new Set(Array.from({ length: size }, spawn))
  const idle = [...workers]
  const waiting: Array<(worker: Worker) => void> = []
  const acquire = (): Promise<Worker> => {
    const worker = idle.pop()
    return worker ? Promise.resolve(worker) : new Promise((resolve) => waiting.push(resolve))
  }
  const release = (worker: Worker): void => {
    const next = waiting.shift()
    if (next) next(worker)
    else idle.push(worker)
  }
  const replace = (worker: Worker): Worker => {
    workers.delete(worker)
    worker.terminate().catch(() => undefined)
    const fresh = spawn()
    workers.add(fresh)
    return fresh
  }
  /** Run one request on a free worker; a worker that crashed or is stuck is replaced. */
  const send = async <Answer extends { crash?: string }>(request: WorkerRequest, limitMs: number): Promise<Outcome<Answer>> => {
    let worker = await acquire()
    if (dead.has(worker)) worker = replace(worker)
    const outcome = await run<Answer>(worker, request, limitMs)
    // A crashed worker may hold broken state; a stuck one is still busy.
    release('answer' in outcome && outcome.answer.crash === undefined ? worker : replace(worker))
    return outcome
  }
  return {
    async parse(request) {
      const outcome = await send<SerializedParsed>({ kind: 'parse', request }, limits.parseMs)
      if ('answer' in outcome && outcome.answer.crash === undefined) return rehydrate(request.sourcePath, outcome.answer)
      const file = new VFile({ path: request.sourcePath })
      if ('timeout' in outcome) {
        const message = file.message(`Unexpected time over ${Math.round(limits.parseMs / 1000)} s to parse the source and write its HTML, expected less; simplify or split it`, {
          place: { line: 1, column: 1 },
          ruleId: 'timeout',
          source: messageSource,
        })
        message.fatal = true
      } else reportFailure(file, 'answer' in outcome ? outcome.answer.crash : outcome.error)
      return { file, timings: {} }
    },
    async writeEpub(input, cover) {
      const limitMs = limits.epubMs ?? limits.parseMs
      const outcome = await send<SerializedEpub>({ kind: 'epub', input, ...(cover ? { cover } : {}) }, limitMs)
      if ('timeout' in outcome) throw new Error(`Unexpected time over ${Math.round(limitMs / 1000)} s to write the EPUB, expected less; simplify or split the source`)
      if ('error' in outcome) throw new Error(`Unexpected stop of the worker writing the EPUB (${errorText(outcome.error)}), expected an answer`)
      const { result, error, crash } = outcome.answer
      if (result) return result
      throw new Error(error ?? `Unexpected crash of the worker writing the EPUB (${crash}), expected an answer`)
    },
    async drawCover(input) {
      const limitMs = limits.epubMs ?? limits.parseMs
      // Only what the cover is drawn from crosses to the worker, not the tree.
      const outcome = await send<SerializedCover>({ kind: 'cover', input: { article: input.article, ...(input.brand ? { brand: input.brand } : {}) } }, limitMs)
      if ('timeout' in outcome) throw new Error(`Unexpected time over ${Math.round(limitMs / 1000)} s to draw the EPUB's cover, expected less`)
      if ('error' in outcome) throw new Error(`Unexpected stop of the worker drawing the EPUB's cover (${errorText(outcome.error)}), expected an answer`)
      const { cover, error, crash } = outcome.answer
      if (cover) return cover
      throw new Error(error ?? `Unexpected crash of the worker drawing the EPUB's cover (${crash}), expected an answer`)
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.terminate()))
    },
  }
}

/** Send one request; settles with the answer, the worker's failure, or the time limit, never rejects. */
function run<Answer>(worker: Worker, request: WorkerRequest, limitMs: number): Promise<Outcome<Answer>> {
  return new Promise((resolve) => {
    const settle = (outcome: Outcome<Answer>): void => {
      clearTimeout(timer)
      worker.off('message', onMessage).off('error', onError).off('exit', onExit)
      resolve(outcome)
    }
    const onMessage = (answer: Answer): void => settle({ answer })
    const onError = (error: unknown): void => settle({ error })
    const onExit = (code: number): void => settle({ error: new Error(`worker stopped with exit code ${code}`) })
    const timer = setTimeout(() => settle({ timeout: true }), limitMs)
    worker.on('message', onMessage).on('error', onError).on('exit', onExit)
    worker.postMessage(request)
  })
}

/** An error's message only: the report never shows a stack. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Turn a worker's plain answer back into a `Parsed` with a real VFile; causes become messages again, printed as places. */
function rehydrate(sourcePath: string, result: SerializedParsed): Parsed {
  const file = new VFile({ path: sourcePath })
  for (const message of result.messages) {
    const cause = message.cause
      ? new VFileMessage(message.cause.reason, {
          ...(message.cause.place ? { place: message.cause.place } : {}),
          ...(message.cause.ruleId ? { ruleId: message.cause.ruleId } : {}),
          source: message.cause.source ?? messageSource,
        })
      : undefined
    const made = file.message(message.reason, {
      ...(message.place ? { place: message.place } : {}),
      ...(message.ruleId ? { ruleId: message.ruleId } : {}),
      source: message.source ?? messageSource,
      ...(cause ? { cause } : {}),
    })
    made.fatal = message.fatal
  }
  if (result.article) file.data.article = result.article
  return {
    file,
    timings: result.timings,
    ...(result.tree ? { tree: result.tree } : {}),
    ...(result.article ? { article: result.article } : {}),
    ...(result.htmlFiles ? { htmlFiles: result.htmlFiles } : {}),
  }
}
