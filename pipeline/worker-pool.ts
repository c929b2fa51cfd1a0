import { Worker } from 'node:worker_threads'
import { VFile } from 'vfile'
import type { Prepared, PrepareRequest } from './prepare-source.ts'
import type { SerializedPrepared } from './prepare-worker-task.ts'

/** A pool of worker threads that prepare sources (parse + HTML) in parallel. */
export interface PreparePool {
  prepare: (request: PrepareRequest) => Promise<Prepared>
  close: () => Promise<void>
}

/**
 * Start `size` workers. Each runs `prepare-worker.js`, which registers tsx
 * and loads `prepare-worker-task.ts`. Requests queue when all are busy.
 */
export function createPreparePool(size: number): PreparePool {
  const idle: Worker[] = []
  const waiting: Array<(worker: Worker) => void> = []
  const workers = Array.from({ length: size }, () => new Worker(new URL('./prepare-worker.js', import.meta.url)))
  idle.push(...workers)
  const acquire = (): Promise<Worker> => {
    const worker = idle.pop()
    return worker ? Promise.resolve(worker) : new Promise((resolve) => waiting.push(resolve))
  }
  const release = (worker: Worker): void => {
    const next = waiting.shift()
    if (next) next(worker)
    else idle.push(worker)
  }
  return {
    async prepare(request) {
      const worker = await acquire()
      try {
        const result = await new Promise<SerializedPrepared>((resolve, reject) => {
          const onMessage = (message: SerializedPrepared) => {
            worker.off('error', onError)
            resolve(message)
          }
          const onError = (error: Error) => {
            worker.off('message', onMessage)
            reject(error)
          }
          worker.once('message', onMessage)
          worker.once('error', onError)
          worker.postMessage(request)
        })
        if (result.crash !== undefined) throw new Error(result.crash)
        return rehydrate(request.sourcePath, result)
      } finally {
        release(worker)
      }
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}

/** Turn a worker's plain answer back into a `Prepared` with a real VFile. */
function rehydrate(sourcePath: string, result: SerializedPrepared): Prepared {
  const file = new VFile({ path: sourcePath })
  for (const message of result.messages) {
    const made = file.message(message.reason, {
      ...(message.place ? { place: message.place } : {}),
      ...(message.ruleId ? { ruleId: message.ruleId } : {}),
      source: message.source ?? 'offprint',
      ...(message.cause ? { cause: new Error(message.cause) } : {}),
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
    ...(result.htmlError !== undefined ? { htmlError: new Error(result.htmlError) } : {}),
  }
}
