import { createReadStream } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo, isIP } from 'node:net'
import path from 'node:path'
import { eventsPath, injectClient } from './inject.ts'

/** Content types of what a build writes, and of what a source may bring along. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.xhtml': 'application/xhtml+xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
}

/**
 * Host names accepted in requests: `localhost` and IP literals (an e-reader
 * on the network names us by address). Any other name is refused: a page
 * elsewhere could point its own name at us (DNS rebinding) and read dist/.
 */
function acceptedHost(host: string): boolean {
  return host === 'localhost' || isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0
}

/** The default address: this machine only. */
export const defaultHost = '127.0.0.1'

export interface StaticServerOptions {
  /** Folder served; nothing outside it is ever read. */
  root: string
  /** Port to listen on, `0` for any free one. */
  port: number
  /** Address to listen on; default `127.0.0.1`. */
  host?: string
  /** Report text of the last build's errors, `''` when it had none. */
  errors: () => string
  /** Whether a build is running: a file missing meanwhile may be between two renames. */
  busy: () => boolean
}

export interface StaticServer {
  /** `http://<host>:<port>/`; `127.0.0.1` for a wildcard address (`0.0.0.0`, `::`). */
  url: string
  /** The port listened on. */
  port: number
  /** Send an event to every open page. */
  broadcast: (event: string, data: unknown) => void
  /** Stop listening and end every connection, event streams included. */
  close: () => Promise<void>
}

/** Serve `root` on `options.host` (127.0.0.1 by default), with the reload event stream at `eventsPath`. */
export async function startServer(options: StaticServerOptions): Promise<StaticServer> {
  const clients = new Set<ServerResponse>()
  const server = createServer((request, response) => {
    handle(request, response, options, clients).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, `Unexpected server error: ${(error as Error).message}\n`)
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? defaultHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: urlOf(options.host ?? defaultHost, port),
    port,
    broadcast(event, data) {
      const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
      for (const client of clients) client.write(frame)
    },
    async close() {
      for (const client of clients) client.end()
      clients.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}

async function handle(request: IncomingMessage, response: ServerResponse, options: StaticServerOptions, clients: Set<ServerResponse>): Promise<void> {
  const host = (request.headers.host ?? '127.0.0.1').replace(/:\d+$/, '').toLowerCase()
  if (!acceptedHost(host)) return send(response, 403, `Unexpected host \`${host}\`, expected an IP address or localhost\n`)
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD')
    return send(response, 405, `Unexpected method \`${request.method ?? ''}\`, expected GET or HEAD\n`)
  }
  const target = request.url ?? '/'
  const [pathname = '/', query = ''] = target.split(/\?(.*)/s, 2)
  if (pathname === eventsPath) return openEvents(request, response, clients)

  let found = await locate(options.root, pathname)
  // A source's folder is swapped in by two renames: a file missing during a build may be between them.
  for (let retry = 0; !found && retry < 4 && options.busy(); retry++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    found = await locate(options.root, pathname)
  }
  if (!found) return send(response, 404, 'Not found\n')
  if (found.redirect) {
    response.writeHead(301, { location: `${pathname}/${query ? `?${query}` : ''}`, 'cache-control': 'no-store' })
    response.end()
    return
  }
  const type = contentTypes[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream'
  const headers = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }
  if (type.startsWith('text/html')) {
    const html = injectClient(await readFile(found.file, 'utf8'), options.errors())
    response.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(html) })
    response.end(request.method === 'HEAD' ? undefined : html)
    return
  }
  response.writeHead(200, { ...headers, 'content-length': found.size })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  const stream = createReadStream(found.file)
  stream.on('error', () => response.destroy())
  stream.pipe(response)
}

/**
 * The file `pathname` names inside `root`, or undefined when it names
 * nothing there: a path that leaves `root` (`..`, encoded or not, or a
 * symbolic link pointing out) is treated as missing.
 */
async function locate(root: string, pathname: string): Promise<{ file: string; size: number; redirect?: true } | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined
  const base = path.resolve(root)
  let file = path.resolve(base, `.${decoded}`)
  if (!inside(base, file)) return undefined
  const info = await stat(file).catch(() => undefined)
  if (!info) return undefined
  if (info.isDirectory()) {
    if (!pathname.endsWith('/')) return { file, size: 0, redirect: true }
    file = path.join(file, 'index.html')
  }
  const real = await realpath(file).catch(() => undefined)
  const realBase = await realpath(base).catch(() => base)
  if (!real || !inside(realBase, real)) return undefined
  const fileInfo = await stat(real).catch(() => undefined)
  return fileInfo?.isFile() ? { file: real, size: fileInfo.size } : undefined
}

/** The URL of the server on `host`; a wildcard address is reached on this machine at 127.0.0.1. */
export function urlOf(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://127.0.0.1:${port}/`
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`
}

function inside(base: string, file: string): boolean {
  return file === base || file.startsWith(base + path.sep)
}

function openEvents(request: IncomingMessage, response: ServerResponse, clients: Set<ServerResponse>): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' })
  response.write('retry: 1000\n: connected\n\n')
  clients.add(response)
  request.on('close', () => clients.delete(response))
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}
