import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { imageProblem } from '../../pipeline/source/image-check.ts'
import { projectRoot } from '../helpers/corpus.ts'

/** Real images made by Chromium (`canvas.toDataURL`) and a minimal GIF, 4×4 or 1×1 pixels. */
const image = (name: string): Uint8Array => readFileSync(path.join(projectRoot, 'tests', 'fixtures', 'image-check', name))
const svg = (body: string): Uint8Array =>
  new TextEncoder().encode(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">${body}</svg>\n`)

describe('imageProblem', () => {
  it('accepts whole images of the type their name says', () => {
    for (const name of ['dot.png', 'dot.jpg', 'dot.gif', 'dot.webp']) expect(imageProblem(image(name), name), name).toBeUndefined()
    expect(imageProblem(image('dot.jpg'), 'photo.JPEG')).toBeUndefined()
    expect(imageProblem(image('dot.png'), 'no-extension')).toBeUndefined()
  })

  it('refuses truncated images', () => {
    for (const name of ['dot.png', 'dot.jpg', 'dot.gif', 'dot.webp']) {
      const bytes = image(name)
      expect(imageProblem(bytes.subarray(0, bytes.length - 5), name), name).toMatch(/^is a truncated or corrupt (PNG|JPEG|GIF|WebP)$/)
      expect(imageProblem(bytes.subarray(0, 20), name), name).toMatch(/truncated or corrupt|is not a/)
    }
  })

  it('refuses a file that is not the type its name says, or no image at all', () => {
    expect(imageProblem(image('dot.gif'), 'photo.jpg')).toBe('is a GIF file, not a JPEG as its name says')
    expect(imageProblem(new TextEncoder().encode('plain text'), 'photo.png')).toBe('is not a PNG image')
    expect(imageProblem(new TextEncoder().encode('root:x:0:0:root:/root:/bin/bash\n'), 'secret')).toBe('is not a PNG, JPEG, GIF, WebP or SVG image')
    expect(imageProblem(new Uint8Array(), 'empty.png')).toBe('is not a PNG image')
  })

  it('accepts a plain SVG with internal references and embedded rasters', () => {
    const body =
      '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5" style="fill: url(#g)"/><use xlink:href="#g"/><use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><text>Hello</text>'
    expect(imageProblem(svg(body), 'drawing.svg')).toBeUndefined()
  })

  it('refuses an SVG with a DOCTYPE, entities, scripts, handlers, foreign objects or outside references', () => {
    const cases: Array<[string, RegExp]> = [
      ['<script>alert(1)</script>', /`<script>` element/],
      ['<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>', /`<svg:script>` element/],
      ['<foreignObject><div>x</div></foreignObject>', /`<foreignObject>` element/],
      ['<rect onclick="alert(1)"/>', /event handler/],
      ['<a href="javascript:alert(1)"><text>x</text></a>', /script address/],
      ['<a href="&#106;avascript:alert(1)"><text>x</text></a>', /script address/],
      ['<image xlink:href="https://example.com/track.png"/>', /outside reference \(`https:\/\/example.com\/track.png`\)/],
      ['<image href="../../etc/passwd"/>', /outside reference/],
      ['<use href="other.svg#icon"/>', /outside reference/],
      ['<image href="data:image/svg+xml;base64,PHN2Zz4="/>', /outside reference/],
      ['<style>@import url(https://example.com/a.css);</style>', /outside reference in its style/],
      ['<rect style="fill: url(https://example.com/p.svg#x)"/>', /outside reference in a style/],
    ]
    for (const [body, problem] of cases) expect(imageProblem(svg(body), 'drawing.svg'), body).toMatch(problem)
    expect(imageProblem(readFileSync(path.join(projectRoot, 'tests', 'fixtures', 'bad', 'active', 'svg-image', 'evil.svg')), 'evil.svg')).toMatch(/DOCTYPE/)
    expect(
      imageProblem(
        new TextEncoder().encode('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'a.svg',
      ),
    ).toMatch(/DOCTYPE/)
    expect(imageProblem(new TextEncoder().encode('<html><body>not svg</body></html>'), 'a.svg')).toBe('is not an SVG image')
  })
})
