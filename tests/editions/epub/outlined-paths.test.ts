import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { coverFontOptions } from '../../../pipeline/editions/epub/cover-fonts.ts'
import { readOutlined } from '../../../pipeline/editions/epub/outlined-paths.ts'

describe('readOutlined', () => {
  it('reads each path of what resvg writes, with its fill and the ids of its groups', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
      <rect width="200" height="100" fill="#f4efe6"/>
      <g id="line-0"><text x="10" y="40" font-size="30" font-family="Noto Serif"><tspan fill="#000001">A</tspan><tspan fill="#000002">b</tspan></text></g>
      <g id="line-1"><g><text x="10" y="80" font-size="30" font-family="Noto Serif" fill="#000003">c</text></g></g>
    </svg>`
    const outlined = new Resvg(svg, { font: coverFontOptions('Abc') }).toString()
    const { paths, groups } = readOutlined(outlined)
    expect(groups.filter((id) => id.startsWith('line-'))).toEqual(['line-0', 'line-1'])
    expect(paths[0]).toEqual({ d: 'M 0 0 L 200 0 L 200 100 L 0 100 Z', fill: '#f4efe6', groups: [] })
    const glyphs = paths.slice(1)
    expect(glyphs.map((path) => [path.fill, path.groups.includes('line-0') ? 0 : path.groups.includes('line-1') ? 1 : undefined])).toEqual([
      ['#000001', 0],
      ['#000002', 0],
      ['#000003', 1],
    ])
    for (const path of glyphs) expect(path.d).toMatch(/^M [\d.]+ [\d.]+ /)
  })

  it('keeps group nesting apart: closing tags, self-closing groups and paths outside any group', () => {
    const { paths, groups } = readOutlined('<svg><g id="a"><g id="empty"/><g><path d="M 1 1"/></g><path fill="#ffffff" d="M 2 2"/></g><path d="M 3 3"/></svg>')
    expect(groups).toEqual(['a', 'empty'])
    expect(paths).toEqual([
      { d: 'M 1 1', fill: undefined, groups: ['a'] },
      { d: 'M 2 2', fill: '#ffffff', groups: ['a'] },
      { d: 'M 3 3', fill: undefined, groups: [] },
    ])
  })
})
