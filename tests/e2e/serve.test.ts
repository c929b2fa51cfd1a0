import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../helpers/corpus.ts'

/**
 * `offprint serve` for real: the CLI as a child process, read with `fetch`
 * and a raw `http.request`, the reload stream read as Server-Sent Events.
 */

const bin = path.join(projectRoot, 'pipeline', 'bin.js')
const article = (marker: string, date = '2024-01-02'): string =>
  `---\ntitle: A served article\nauthor: A. Writer\ndate: ${date}\nlang: en\n---\n\n# Heading\n\nThe text says ${marker}.\n`

let dir: string
let sourceFile: string
let child: ChildProcess | undefined
let exited: Promise<number | null>
let url: string
let stdout = ''
let stderr = ''

/** Resolve when `test()` holds, polling; fail with `what` (and the server's output) after `ms`. */
async function until<T>(what: string, test: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await test()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The reload stream: every event received so far, and a way to wait for the next. */
async function openEvents(): Promise<{ events: string[]; next: (count: number) => Promise<string>; close: () => void }> {
  const controller = new AbortController()
  const response = await fetch(new URL('/__offprint/events', url), { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]) })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events: string[] = []
  let connected = false
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader()
  if (!reader) throw new Error('Unexpected event stream without a body')
  let buffer = ''
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (frame.includes(': connected')) connected = true
          const name = /^event: (.+)$/m.exec(frame)?.[1]
          if (name) events.push(`${name} ${/^data: (.*)$/m.exec(frame)?.[1] ?? ''}`)
        }
      }
    } catch {
      // Aborted by close().
    }
  })()
  await until('the event stream to open', () => connected || undefined)
  return {
    events,
    next: (count) => until(`reload event #${count}`, () => events[count - 1]),
    close: () => controller.abort(),
  }
}

async function page(pathname: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(new URL(pathname, url), { signal: AbortSignal.timeout(10_000) })
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') }
}

/** GET with the path exactly as given: `fetch` and `URL` would resolve the dots first. */
function rawGet(pathname: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path: pathname, method: 'GET', timeout: 5_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`Timed out on ${pathname}`)))
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-serve-'))
  await mkdir(path.join(dir, 'source'))
  sourceFile = path.join(dir, 'source', 'served.md')
  await writeFile(sourceFile, article('FIRST-VERSION'))
  const server = spawn(process.execPath, [bin, 'serve', path.join(dir, 'source'), '--out', path.join(dir, 'dist'), '--port', '0', '--editions', 'html'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = server
  exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)))
  server.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  url = await until('the URL on stdout', () => /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[0], 60_000)
})

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref())
    if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL')
  }
  await rm(dir, { recursive: true, force: true })
})

describe('offprint serve', () => {
  it('serves the built site on 127.0.0.1 with the reload client in pages only', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const index = await page('/')
    expect(index.status).toBe(200)
    expect(index.type).toBe('text/html; charset=utf-8')
    expect(index.text).toContain('served/index.html')
    const article = await page('/served/')
    expect(article.status).toBe(200)
    expect(article.text).toContain('FIRST-VERSION')
    expect(article.text).toContain('/__offprint/events')
    expect(article.text).not.toContain('offprint-error-overlay')
    // The file on disk stays as the build wrote it.
    expect(await readFile(path.join(dir, 'dist', 'served', 'index.html'), 'utf8')).not.toContain('__offprint')
    const entry = await page('/served/entry.json')
    expect(entry.type).toBe('application/json; charset=utf-8')
    expect((await page('/missing.html')).status).toBe(404)
  })

  it('serves PDF and EPUB files with their content types, byte for byte', async () => {
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e, 0x00, 0xff])
    await writeFile(path.join(dir, 'dist', 'probe.pdf'), bytes)
    await writeFile(path.join(dir, 'dist', 'probe.epub'), bytes)
    for (const [name, type] of [
      ['probe.pdf', 'application/pdf'],
      ['probe.epub', 'application/epub+zip'],
    ]) {
      const response = await fetch(new URL(`/${name}`, url), { signal: AbortSignal.timeout(10_000) })
      expect(response.headers.get('content-type')).toBe(type)
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes)
    }
  })

  it('redirects a folder without its slash so relative links work', async () => {
    const response = await fetch(new URL('/served', url), { redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    expect(response.status).toBe(301)
    expect(response.headers.get('location')).toBe('/served/')
  })

  it('never serves a file outside the output folder', async () => {
    for (const attempt of [
      '/../../etc/passwd',
      '/../../../../../../etc/passwd',
      '/served/../../../etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/served/%2e%2e%2f%2e%2e%2fsource%2fserved.md',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const response = await rawGet(attempt)
      expect(response.status, attempt).toBe(404)
      expect(response.body, attempt).not.toMatch(/root:|FIRST-VERSION/)
    }
  })

  it('rebuilds after an edit and tells the open page to reload', async () => {
    const stream = await openEvents()
    try {
      await writeFile(sourceFile, article('SECOND-VERSION'))
      expect(await stream.next(1)).toMatch(/^reload /)
      const served = await until('the new text to be served', async () => {
        const { text } = await page('/served/')
        return text.includes('SECOND-VERSION') ? text : undefined
      })
      expect(served).not.toContain('FIRST-VERSION')
    } finally {
      stream.close()
    }
  })

  it('shows a broken edit over the page and in the terminal, keeping the previous good output', async () => {
    const stream = await openEvents()
    try {
      // Line 4, column 7: `date: yesterday` is not a date.
      await writeFile(sourceFile, article('BROKEN-VERSION', 'yesterday'))
      expect(await stream.next(1)).toMatch(/^reload /)
      const broken = await until('the error overlay', async () => {
        const { text } = await page('/served/')
        return text.includes('offprint-error-overlay') ? text : undefined
      })
      expect(broken).toMatch(/4:7\s+error\s+Unexpected front matter field `date`[^<]*frontmatter-field/)
      expect(broken).toContain('served.md')
      expect(broken).toContain('SECOND-VERSION')
      expect(broken).not.toContain('BROKEN-VERSION')
      // On every served page, the index included.
      expect((await page('/')).text).toContain('offprint-error-overlay')
      expect(stderr).toMatch(/4:7\s+error\s+.*frontmatter-field/)

      await writeFile(sourceFile, article('FIXED-VERSION'))
      expect(await stream.next(2)).toMatch(/^reload /)
      const fixed = await until('the fixed text', async () => {
        const { text } = await page('/served/')
        return text.includes('FIXED-VERSION') ? text : undefined
      })
      expect(fixed).not.toContain('offprint-error-overlay')
    } finally {
      stream.close()
    }
  })

  it('stops on SIGTERM with exit code 0', async () => {
    child?.kill('SIGTERM')
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref())
    expect(await Promise.race([exited, timeout])).toBe(0)
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})

/** `serve --host`: a second server, on 127.0.0.2 (loopback, but not the default) and on 0.0.0.0; every request goes to loopback only. */
describe('offprint serve --host', () => {
  const started: Array<{ child: ChildProcess; exited: Promise<number | null> }> = []
  let hostDir: string

  /** Start `serve --host host` on a built catalog; resolve its output once the URL is printed. */
  async function serveOn(host: string, editions = 'html'): Promise<{ out: () => string; err: () => string; port: number }> {
    let out = ''
    let err = ''
    const server = spawn(
      process.execPath,
      [bin, 'serve', path.join(hostDir, 'source'), '--out', path.join(hostDir, 'dist'), '--port', '0', '--host', host, '--editions', editions],
      {
        cwd: hostDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    started.push({ child: server, exited: new Promise((resolve) => server.once('exit', (code) => resolve(code))) })
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    server.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const deadline = Date.now() + 120_000
    for (;;) {
      const port = /serving \S+ at http:\/\/[^/]+:(\d+)\//.exec(out)?.[1]
      if (port && /visible on the network/.test(err)) return { out: () => out, err: () => err, port: Number(port) }
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`Timed out waiting for serve --host ${host}\nstdout:\n${out}\nstderr:\n${err}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async function stop(): Promise<void> {
    for (const { child: server, exited: done } of started.splice(0)) {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM')
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref())
      if ((await Promise.race([done, timeout])) === 'timeout') server.kill('SIGKILL')
    }
  }

  function rawRequest(host: string, port: number, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request({ host, port, path: pathname, method: 'GET', timeout: 10_000, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      })
      req.on('timeout', () => req.destroy(new Error(`Timed out on ${pathname}`)))
      req.on('error', reject)
      req.end()
    })
  }

  beforeAll(async () => {
    hostDir = await mkdtemp(path.join(tmpdir(), 'offprint-serve-host-'))
    await mkdir(path.join(hostDir, 'source'))
    await writeFile(path.join(hostDir, 'source', 'served.md'), article('HOST-VERSION'))
  })

  afterAll(async () => {
    await stop()
    await rm(hostDir, { recursive: true, force: true })
  })

  it('on 127.0.0.2 prints the catalog URL and a warning, serves the catalog and an EPUB through its link, and still refuses paths outside dist/', async () => {
    const server = await serveOn('127.0.0.2', 'html,epub')
    const catalog = `http://127.0.0.2:${server.port}/opds.xml`
    expect(server.out()).toContain(`offprint: on the e-reader, open the catalog at ${catalog}`)
    expect(server.err().match(/warning: listening on 127\.0\.0\.2, so \S+ is now visible on the network/g)).toHaveLength(1)
    const response = await fetch(catalog, { signal: AbortSignal.timeout(10_000) })
    expect(response.status).toBe(200)
    const xml = await response.text()
    const epubHref = /<link rel="http:\/\/opds-spec.org\/acquisition" href="([^"]+)" type="application\/epub\+zip" length="(\d+)"/.exec(xml)
    if (!epubHref?.[1]) throw new Error(`Unexpected catalog without an EPUB link:\n${xml}`)
    const epub = await fetch(new URL(epubHref[1], catalog), { signal: AbortSignal.timeout(10_000) })
    expect(epub.headers.get('content-type')).toBe('application/epub+zip')
    const bytes = Buffer.from(await epub.arrayBuffer())
    expect(bytes.equals(await readFile(path.join(hostDir, 'dist', decodeURIComponent(epubHref[1]))))).toBe(true)
    expect(bytes.length).toBe(Number(epubHref[2]))
    for (const attempt of ['/../../etc/passwd', '/served/%2e%2e%2f%2e%2e%2fsource%2fserved.md', '/..%2f..%2f..%2fetc%2fpasswd']) {
      const refused = await rawRequest('127.0.0.2', server.port, attempt)
      expect(refused.status, attempt).toBe(404)
      expect(refused.body.toString(), attempt).not.toMatch(/root:|HOST-VERSION/)
    }
    // A host name other than localhost (DNS rebinding) is still refused; an address is not.
    expect((await rawRequest('127.0.0.2', server.port, '/opds.xml', { host: 'attacker.example' })).status).toBe(403)
    expect((await rawRequest('127.0.0.2', server.port, '/opds.xml', { host: `192.168.1.20:${server.port}` })).status).toBe(200)
    await stop()
  }, 180_000)

  it('on 0.0.0.0 prints the URLs for the e-reader and the warning; checked from 127.0.0.1 only', async () => {
    const server = await serveOn('0.0.0.0')
    expect(server.out()).toContain(`at http://127.0.0.1:${server.port}/`)
    expect(server.out()).toMatch(new RegExp(`on the e-reader, open the catalog at http://[^/]+:${server.port}/opds\\.xml`))
    expect(server.err()).toMatch(/warning: listening on 0\.0\.0\.0, so \S+ is now visible on the network; pass --host 127\.0\.0\.1/)
    expect((await rawRequest('127.0.0.1', server.port, '/opds.xml')).status).toBe(200)
    expect((await rawRequest('127.0.0.1', server.port, '/../../etc/passwd')).status).toBe(404)
    await stop()
  }, 180_000)

  it('prints no warning on the default address', () => {
    expect(stdout).not.toMatch(/e-reader/)
    expect(stderr).not.toMatch(/visible on the network/)
  })
})
