import path from 'node:path'
import type { Element, Root, RootContent } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'

type ImageType = 'PNG' | 'JPEG' | 'GIF' | 'WebP' | 'SVG'

const mediaTypes: Record<ImageType, string> = { PNG: 'image/png', JPEG: 'image/jpeg', GIF: 'image/gif', WebP: 'image/webp', SVG: 'image/svg+xml' }

/** The media type of an image, from its first bytes (the one sniffer every edition uses); undefined when not an image offprint knows. */
export function mediaTypeOf(bytes: Uint8Array): string | undefined {
  const found = sniff(bytes)
  return found && mediaTypes[found]
}

const typeOfExtension: Record<string, ImageType> = {
  '.png': 'PNG',
  '.apng': 'PNG',
  '.jpg': 'JPEG',
  '.jpeg': 'JPEG',
  '.jpe': 'JPEG',
  '.jfif': 'JPEG',
  '.gif': 'GIF',
  '.webp': 'WebP',
  '.svg': 'SVG',
}

/**
 * Why the bytes of image `name` must not be shipped, as a phrase ("is a
 * truncated PNG"), or `undefined` when they are a whole PNG, JPEG, GIF, WebP,
 * or an SVG with no script, entity or outside reference.
 */
export function imageProblem(bytes: Uint8Array, name: string): string | undefined {
  const named = typeOfExtension[path.extname(name).toLowerCase()]
  const found = sniff(bytes)
  if (!found) return named ? `is not ${withArticle(named)} image` : 'is not a PNG, JPEG, GIF, WebP or SVG image'
  if (named && found !== named) return `is ${withArticle(found)} file, not ${withArticle(named)} as its name says`
  if (found === 'SVG') return svgProblem(new TextDecoder().decode(bytes))
  return intact[found](bytes) ? undefined : `is a truncated or corrupt ${found}`
}

const withArticle = (type: ImageType): string => `${type === 'SVG' ? 'an' : 'a'} ${type}`

function sniff(bytes: Uint8Array): ImageType | undefined {
  const starts = (text: string, at = 0) => [...text].every((char, index) => bytes[at + index] === char.charCodeAt(0))
  if (starts('\x89PNG\r\n\x1a\n')) return 'PNG'
  if (starts('\xff\xd8\xff')) return 'JPEG'
  if (starts('GIF87a') || starts('GIF89a')) return 'GIF'
  if (starts('RIFF') && starts('WEBP', 8)) return 'WebP'
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (head.startsWith('<') && /<svg[\s>/]/i.test(head)) return 'SVG'
  return undefined
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to))

const intact: Record<Exclude<ImageType, 'SVG'>, (bytes: Uint8Array) => boolean> = {
  /** Chunks from `IHDR` to `IEND`, each whole (checksums are not checked). */
  PNG(bytes) {
    const data = view(bytes)
    for (let at = 8; at + 12 <= bytes.length; ) {
      const type = ascii(bytes, at + 4, at + 8)
      if (at === 8 && type !== 'IHDR') return false
      const next = at + 12 + data.getUint32(at)
      if (next > bytes.length) return false
      if (type === 'IEND') return true
      at = next
    }
    return false
  },
  /** Start and end of image markers; the zero padding some cameras add is allowed. */
  JPEG(bytes) {
    let end = bytes.length
    while (end > 4 && bytes[end - 1] === 0) end--
    return end > 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9
  },
  /** The trailer byte. */
  GIF: (bytes) => bytes.length > 13 && bytes[bytes.length - 1] === 0x3b,
  /** As long as its RIFF header says, with a VP8 chunk. */
  WebP(bytes) {
    if (bytes.length < 20) return false
    return bytes.length >= view(bytes).getUint32(4, true) + 8 && /^VP8[ LX]$/.test(ascii(bytes, 12, 16))
  },
}

/** Raster images embedded as data (they cannot hold a script or fetch anything). */
const embeddedRaster = /^data:image\/(?:png|jpeg|gif|webp)[;,]/i
const activeElements = new Set(['script', 'handler', 'foreignobject', 'iframe', 'object', 'embed'])

/**
 * Why an SVG must not be shipped. Parsed as the HTML parser parses inline SVG;
 * element and attribute names are compared without their prefix, so
 * `svg:script` counts as a script.
 */
function svgProblem(text: string): string | undefined {
  // Even the standard SVG 1.1 DOCTYPE: epubcheck loads its DTD and refuses the external entities in it.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return 'is an SVG with a DOCTYPE or entities (which can read files; remove the `<!DOCTYPE …>`)'
  if (/<\?xml-stylesheet/i.test(text)) return 'is an SVG with an outside stylesheet'
  const tree = fromHtml(text, { fragment: true })
  if (!tree.children.some((node: RootContent) => node.type === 'element' && node.tagName.toLowerCase() === 'svg')) return 'is not an SVG image'
  let problem: string | undefined
  visit(tree as Root, 'element', (node: Element) => {
    problem ??= elementProblem(node)
    return problem ? false : undefined
  })
  return problem
}

function elementProblem(node: Element): string | undefined {
  const name = localName(node.tagName)
  if (activeElements.has(name)) return `is an SVG with a \`<${node.tagName}>\` element`
  if (name === 'style' && outsideUrl(toString(node))) return `is an SVG with an outside reference in its style (\`${outsideUrl(toString(node))}\`)`
  for (const [key, value] of Object.entries(node.properties)) {
    const attribute = localName(key)
    const text = Array.isArray(value) ? value.join(' ') : String(value)
    if (attribute.startsWith('on')) return `is an SVG with an event handler (\`${key}\`)`
    if (/^\s*(?:javascript|vbscript):/i.test(text)) return `is an SVG with a script address (\`${text.slice(0, 60)}\`)`
    if (attribute.endsWith('href') && !text.startsWith('#') && !embeddedRaster.test(text)) return `is an SVG with an outside reference (\`${text.slice(0, 100)}\`)`
    if (attribute === 'style' && outsideUrl(text)) return `is an SVG with an outside reference in a style (\`${outsideUrl(text)}\`)`
  }
  return undefined
}

function localName(name: string): string {
  return (name.split(':').pop() ?? name).toLowerCase()
}

/** The first `@import` or `url(…)` of CSS that is not a fragment or an embedded raster. */
function outsideUrl(css: string): string | undefined {
  if (/@import/i.test(css)) return '@import'
  for (const match of css.matchAll(/url\(\s*['"]?\s*([^'")]*)/gi)) {
    const target = match[1] ?? ''
    if (!target.startsWith('#') && !embeddedRaster.test(target)) return target.slice(0, 100)
  }
  return undefined
}
