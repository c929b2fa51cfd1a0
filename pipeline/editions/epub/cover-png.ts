import type { Resvg } from '@resvg/resvg-js'
import { crc32, deflateSync } from 'node:zlib'

/** Whether this machine stores a 32-bit word's lowest byte first (every platform Node runs on but a few). */
const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** How far right each channel of a pixel's 32-bit word is shifted to its byte. */
const [red, green, blue] = littleEndian ? [0, 8, 16] : [24, 16, 8]

/** A pixel's alpha bits, as the signed 32-bit number `&` gives. */
const opaque = littleEndian ? 0xff000000 | 0 : 0xff

/** The eight bytes every PNG file starts with. */
const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)

/** Rows of a picture, in its SVG's user units: from `top` to `bottom`. */
export interface RowBand {
  top: number
  bottom: number
}

/** What `bandedPng` draws: resvg's tree, zoomed `scale` times, on a flat colour. */
export interface BandedPicture {
  resvg: Resvg
  /** Width and height of the SVG, in user units. */
  width: number
  height: number
  /** Device pixels per user unit (resvg's `fitTo` zoom). */
  scale: number
  /** The colour under everything, `#rrggbb`: every row outside `bands` is this colour alone. */
  paper: string
  /** Where anything but the paper is drawn; drawn with resvg, each band a crop of the tree. */
  bands: readonly RowBand[]
}

/**
 * An opaque picture as a PNG file: 8-bit RGB, every row unfiltered, the
 * rows compressed by zlib at level 3, the last of its fast levels (level 4
 * starts lazy matching, which doubles the time). resvg draws only the rows in
 * `bands` (the cover's text, band, rule and logo: 900 of its 2,560 rows for
 * the article); every other row is the paper, copied. Drawing the whole
 * cover took 200 ms of a fresh worker (resvg's 16 MB canvas, its copy, and
 * their conversion), bands 120 ms. Returns undefined when a drawn pixel is
 * not opaque: resvg's pixels then hold premultiplied alpha, which its own
 * `asPng` knows how to write; the tree then shows the whole picture again.
 * Otherwise it is left cropped to the last band.
 */
export function bandedPng(picture: BandedPicture): Uint8Array | undefined {
  const { resvg, scale, paper } = picture
  const width = Math.round(picture.width * scale)
  const height = Math.round(picture.height * scale)
  const stride = width * 3 + 1
  // Every row the paper's colour, with its filter type (None): one native fill.
  const row = Buffer.alloc(stride)
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(paper.slice(at, at + 2), 16))
  for (let x = 1; x < stride; x += 3) row.set([r as number, g as number, b as number], x)
  const rows = Buffer.allocUnsafe(stride * height).fill(row)
  /** Show only the rows from `top` to `bottom` of the tree; false when it has nothing to crop by. */
  const crop = (top: number, bottom: number): boolean => {
    const box = resvg.getBBox()
    if (!box) return false
    box.x = 0
    box.y = top
    box.width = picture.width
    box.height = bottom - top
    resvg.cropByBBox(box)
    return true
  }
  for (const band of mergedBands(picture.bands, picture.height, scale)) {
    if (!crop(band.top, band.bottom)) return undefined
    const image = resvg.render()
    const drawn = image.width === width && rgbRows(image.pixels, width, Math.min(image.height, height - band.top * scale), rows, band.top * scale * stride)
    if (!drawn) {
      // Declined: the whole tree shown again, for resvg to draw and write itself.
      crop(0, picture.height)
      return undefined
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bits per sample
  header[9] = 2 // colour type RGB; compression, filter and interlace methods 0
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 3 })), chunk('IEND', Buffer.alloc(0))])
}

/**
 * `bands` in order, joined where they touch or overlap, each widened to whole
 * device pixels and kept inside the picture's `height`; bands that would start
 * within 16 device pixels of the last end are joined too (one render fewer).
 */
function mergedBands(bands: readonly RowBand[], height: number, scale: number): RowBand[] {
  const merged: RowBand[] = []
  const gap = 16 / scale
  for (const band of [...bands].sort((a, b) => a.top - b.top)) {
    const top = Math.max(0, Math.floor(band.top * scale) / scale)
    const bottom = Math.min(height, Math.ceil(band.bottom * scale) / scale)
    if (bottom <= top) continue
    const last = merged.at(-1)
    if (last && top <= last.bottom + gap) last.bottom = Math.max(last.bottom, bottom)
    else merged.push({ top, bottom })
  }
  return merged
}

/** Write RGBA `pixels` (`height` rows of `width`) as RGB rows after their filter byte into `rows` from `offset`; false when a pixel is not opaque. */
function rgbRows(rgba: Uint8Array, width: number, height: number, rows: Buffer, offset: number): boolean {
  // Each pixel read as one 32-bit word (56 → 44 ms for the whole cover, warm): from a copy when the bytes are not aligned to 4.
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : new Uint8Array(rgba)
  const pixels = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height)
  let out = offset
  let from = 0
  for (let y = 0; y < height; y++) {
    rows[out++] = 0 // filter type None
    for (let x = 0; x < width; x++, from++, out += 3) {
      const pixel = pixels[from] as number
      if ((pixel & opaque) !== opaque) return false
      rows[out] = (pixel >>> red) & 0xff
      rows[out + 1] = (pixel >>> green) & 0xff
      rows[out + 2] = (pixel >>> blue) & 0xff
    }
  }
  return true
}

/** A PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0)
  return Buffer.concat([head, data, tail])
}
