import { inflateSync } from 'node:zlib'

/** A decoded PNG: width, height and 8-bit samples, `channels` per pixel, row after row. */
export interface Pixels {
  width: number
  height: number
  channels: number
  data: Uint8Array
}

/**
 * Decode an 8-bit, non-interlaced RGB or RGBA PNG (what resvg and Chromium
 * write): chunks read, IDAT inflated, each row's filter undone. Anything else
 * is refused rather than misread.
 */
export function decodePng(png: Uint8Array): Pixels {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (bytes.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('Unexpected bytes, expected a PNG signature')
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.subarray(at + 4, at + 8).toString('latin1')
    const body = bytes.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const [depth, colour, , , interlace] = body.subarray(8, 13)
      channels = colour === 6 ? 4 : colour === 2 ? 3 : 0
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`Unexpected PNG (depth ${depth}, colour type ${colour}, interlace ${interlace}), expected 8-bit RGB(A), not interlaced`)
    } else if (type === 'IDAT') idat.push(body)
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const data = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number
      const left = x >= channels ? (data[y * stride + x - channels] as number) : 0
      const up = y > 0 ? (data[(y - 1) * stride + x] as number) : 0
      const upLeft = y > 0 && x >= channels ? (data[(y - 1) * stride + x - channels] as number) : 0
      const predicted = filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : paeth(left, up, upLeft)
      data[y * stride + x] = (value + predicted) & 0xff
    }
  }
  return { width, height, channels, data }
}

function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft
  const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
  return a <= b && a <= c ? left : b <= c ? up : upLeft
}
