import { Resvg } from '@resvg/resvg-js'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { bandedPng } from '../../../pipeline/editions/epub/cover-png.ts'
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

/** `drawing` through `bandedPng`, at `scale`, drawing the rows of `bands` (user units). */
function banded(bands: Array<[number, number]>, scale = 1, svg = drawing): Uint8Array | undefined {
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale } })
  return bandedPng({ resvg, width: resvg.width, height: resvg.height, scale, paper: '#fffdf7', bands: bands.map(([top, bottom]) => ({ top, bottom })) })
}

/** The RGB bytes of resvg's own PNG of `svg` at `scale`. */
function resvgRgb(scale = 1, svg = drawing): Buffer {
  const theirs = decodePng(new Resvg(svg, { fitTo: { mode: 'zoom', value: scale } }).render().asPng())
  return Buffer.from(theirs.data.filter((_, index) => theirs.channels === 3 || index % 4 !== 3))
}

describe('bandedPng', () => {
  it("holds the very pixels resvg's own PNG holds, as RGB, in well-formed chunks", () => {
    const png = banded([[0, 61]])
    expect(png).toBeDefined()
    const ours = decodePng(png as Uint8Array)
    expect([ours.width, ours.height, ours.channels]).toEqual([97, 61, 3])
    expect(Buffer.from(ours.data).equals(resvgRgb())).toBe(true)
    expect(chunks(png as Uint8Array)).toEqual(['IHDR', 'IDAT', 'IEND'].map((type) => ({ type, crcOk: true })))
  })

  it('draws only the bands, zoomed, and the paper elsewhere: bands around all the ink give the whole picture', () => {
    // The gradient (rows 20–40) and the circle (13–47, its stroke's edges a row more), in two bands that are joined.
    const whole = banded(
      [
        [12, 30],
        [28, 48.5],
      ],
      2,
    )
    expect(Buffer.from(decodePng(whole as Uint8Array).data).equals(resvgRgb(2))).toBe(true)
    // A band of the gradient alone (rows 19–41): the circle's top and bottom, outside it, are left as paper.
    const cut = Buffer.from(decodePng(banded([[19, 41]], 2) as Uint8Array).data)
    const rgb = resvgRgb(2)
    const row = 97 * 2 * 3
    const paper = (bytes: Buffer): boolean => bytes.every((value, index) => value === [0xff, 0xfd, 0xf7][index % 3])
    expect(paper(cut.subarray(0, 38 * row)) && paper(cut.subarray(82 * row))).toBe(true)
    expect(paper(rgb.subarray(0, 38 * row)) || paper(rgb.subarray(82 * row))).toBe(false)
    // The band is drawn (a crop through a shape shades its pixels a little otherwise: bands enclose whole shapes).
    expect(paper(cut.subarray(50 * row, 70 * row))).toBe(false)
  })

  it('declines a picture with a pixel that is not opaque', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#000" fill-opacity="0.5"/></svg>'
    expect(banded([[0, 8]], 1, svg)).toBeUndefined()
    // Not where nothing is drawn.
    expect(banded([], 1, svg)).toBeDefined()
    // Declined, the tree shows the whole picture again, for resvg's own encoder.
    const resvg = new Resvg(svg)
    expect(bandedPng({ resvg, width: 8, height: 8, scale: 1, paper: '#fffdf7', bands: [{ top: 2, bottom: 4 }] })).toBeUndefined()
    expect([resvg.render().width, resvg.render().height]).toEqual([8, 8])
  })
})
