import { Resvg } from '@resvg/resvg-js'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { opaquePng } from '../../../pipeline/editions/epub/cover-png.ts'
import { decodePng } from '../../helpers/png.ts'

/** An opaque picture with flat areas, a gradient and thin strokes, drawn by resvg. */
const drawing = `<svg xmlns="http://www.w3.org/2000/svg" width="97" height="61">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#0a3d62"/><stop offset="1" stop-color="#f6b93b"/></linearGradient></defs>
  <rect width="97" height="61" fill="#fffdf7"/><rect y="20" width="97" height="20" fill="url(#g)"/>
  <circle cx="30" cy="30" r="17" fill="none" stroke="#c0392b" stroke-width="1.3"/></svg>`

/** The PNG's chunks, each with whether its CRC is right. */
function chunks(png: Uint8Array): Array<{ type: string; crcOk: boolean }> {
  const bytes = Buffer.from(png)
  const found: Array<{ type: string; crcOk: boolean }> = []
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at)
    const typeAndData = bytes.subarray(at + 4, at + 8 + length)
    found.push({ type: typeAndData.subarray(0, 4).toString('latin1'), crcOk: crc32(typeAndData) === bytes.readUInt32BE(at + 8 + length) })
    at += 12 + length
  }
  return found
}

describe('opaquePng', () => {
  it("holds the very pixels resvg's own PNG holds, as RGB, in well-formed chunks", () => {
    const image = new Resvg(drawing).render()
    const png = opaquePng(image.pixels, image.width, image.height)
    expect(png).toBeDefined()
    const ours = decodePng(png as Uint8Array)
    const theirs = decodePng(image.asPng())
    expect([ours.width, ours.height, ours.channels]).toEqual([97, 61, 3])
    const rgb = theirs.data.filter((_, index) => theirs.channels === 3 || index % 4 !== 3)
    expect(Buffer.from(ours.data).equals(Buffer.from(rgb))).toBe(true)
    expect(chunks(png as Uint8Array)).toEqual(['IHDR', 'IDAT', 'IEND'].map((type) => ({ type, crcOk: true })))
  })

  it('makes the same file from pixels not aligned to 4 bytes (an odd offset)', () => {
    const image = new Resvg(drawing).render()
    const shifted = Buffer.alloc(image.pixels.length + 1).subarray(1)
    shifted.set(image.pixels)
    const png = opaquePng(shifted, image.width, image.height)
    expect(png).toBeDefined()
    expect(Buffer.from(png as Uint8Array).equals(Buffer.from(opaquePng(image.pixels, image.width, image.height) as Uint8Array))).toBe(true)
    shifted[3] = 128
    expect(opaquePng(shifted, image.width, image.height)).toBeUndefined()
  })

  it('declines a picture with a pixel that is not opaque', () => {
    const image = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#000" fill-opacity="0.5"/></svg>').render()
    expect(opaquePng(image.pixels, image.width, image.height)).toBeUndefined()
  })
})
