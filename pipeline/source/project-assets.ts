import { createHash } from 'node:crypto'
import { readdirSync, realpathSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { imageProblem, mediaTypeOf } from './image-check.ts'
import type { fontFaces } from './project-schema.ts'
import { isInsideFolder } from '../common/inside-folder.ts'

/** The site's logo, checked: a PNG, JPEG or SVG inside the project. */
export interface BrandLogo {
  /** Its real path. */
  path: string
  mediaType: 'image/png' | 'image/jpeg' | 'image/svg+xml'
  /** `png`, `jpg` or `svg`: the extension of its copies. */
  extension: string
  /** Its alternative text: the site's title. */
  alt: string
  /** SHA-256 of its bytes, for the cache keys. */
  digest: string
}

/** A face of one of the theme's fonts. */
export type FaceName = keyof typeof fontFaces

/** One font file of the theme, checked. */
export interface BrandFont {
  path: string
  face: FaceName
  /** CSS `format()`. */
  format: 'woff2' | 'woff' | 'truetype' | 'opentype'
  /** The EPUB manifest's media type. */
  mediaType: string
  extension: string
  digest: string
}

/** What the project's brand adds to the editions beyond CSS: its logo, fonts and accent. Plain data: it crosses to worker threads. */
export interface Brand {
  logo?: BrandLogo
  /** `theme.accent`, for the EPUB's cover. */
  accent?: string
  fonts?: { body?: BrandFont[]; mono?: BrandFont[] }
}

/** The real path of `named` under `folder`, or why it cannot be used. */
export function insideProject(folder: string, named: string, kind: 'file' | 'folder' = 'file'): string | { reason: string } {
  const target = path.resolve(folder, named)
  let real: string
  let realFolder: string
  try {
    real = realpathSync.native(target)
    realFolder = realpathSync.native(folder)
  } catch {
    return { reason: 'that does not exist' }
  }
  if (!isInsideFolder(real, realFolder)) return { reason: 'outside the project' }
  const stats = statSync(real)
  if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) return { reason: `that is not a ${kind}` }
  return real
}

const logoTypes: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' }

/** The logo at `real` (inside the project), or why it cannot be one, as a phrase. */
export async function checkLogo(real: string, named: string, alt: string): Promise<BrandLogo | string> {
  const bytes = new Uint8Array(await readFile(real))
  const mediaType = mediaTypeOf(bytes)
  if (mediaType === undefined || !(mediaType in logoTypes)) return 'that is not a PNG, JPEG or SVG image'
  const problem = imageProblem(bytes, named)
  if (problem) return `that ${problem}`
  return { path: real, mediaType: mediaType as BrandLogo['mediaType'], extension: logoTypes[mediaType] as string, alt, digest: digestOf(bytes) }
}

/** Font formats by their first four bytes. */
const fontSignatures: Array<[string, Pick<BrandFont, 'format' | 'mediaType' | 'extension'>]> = [
  ['wOF2', { format: 'woff2', mediaType: 'font/woff2', extension: 'woff2' }],
  ['wOFF', { format: 'woff', mediaType: 'font/woff', extension: 'woff' }],
  ['\x00\x01\x00\x00', { format: 'truetype', mediaType: 'font/ttf', extension: 'ttf' }],
  ['true', { format: 'truetype', mediaType: 'font/ttf', extension: 'ttf' }],
  ['OTTO', { format: 'opentype', mediaType: 'font/otf', extension: 'otf' }],
]

/** The font at `real` (inside the project), or why it cannot be one, as a phrase. */
export async function checkFont(real: string, face: FaceName): Promise<BrandFont | string> {
  const bytes = new Uint8Array(await readFile(real))
  const head = String.fromCharCode(...bytes.subarray(0, 4))
  const found = fontSignatures.find(([signature]) => head === signature)
  if (!found || bytes.length < 64) return 'that is not a WOFF2, WOFF, TrueType or OpenType font'
  return { path: real, face, ...found[1], digest: digestOf(bytes) }
}

/** The files of a `templates` folder (its top level only), sorted. */
export function templateFiles(real: string): string[] {
  return readdirSync(real, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort()
}

function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}
