import { describe, expect, it } from 'vitest'
import { markArtifacts, operations, type PageBands } from '../../../../pipeline/editions/pdf/tagging/artifacts.ts'

/** `markArtifacts` on a content stream written with one operation per line, or `unchanged`. */
function mark(lines: readonly string[], page?: PageBands): string[] | 'unchanged' {
  const source = lines.join('\n')
  const marked = markArtifacts(source, operations(source), page)
  return marked ? Buffer.from(marked).toString('latin1').split('\n').filter(Boolean) : 'unchanged'
}

describe('markArtifacts', () => {
  it('wraps a text object drawn outside marked content (a page number), and leaves tagged text alone', () => {
    expect(mark(['BT', '/F4 12 Tf', '<0014> Tj', 'ET', '/P <</MCID 0 >>BDC', 'BT', '<0024> Tj', 'ET', 'EMC'])).toEqual([
      '/Artifact BMC',
      'BT',
      '/F4 12 Tf',
      '<0014> Tj',
      'ET',
      'EMC',
      '/P <</MCID 0 >>BDC',
      'BT',
      '<0024> Tj',
      'ET',
      'EMC',
    ])
  })

  it('leaves a stream whose drawing is all tagged, and a clipping path that paints nothing', () => {
    expect(mark(['q', '0 0 10 10 re', 'W* n', '/P <</MCID 0 >>BDC', '0 0 5 5 re', 'f', 'EMC', 'Q'])).toBe('unchanged')
  })

  it('never splits a path from its painting operator, and closes the artifact before tagged content', () => {
    expect(mark(['0 0 m', '10 0 l', 'S', '/Span <</MCID 1 >>BDC', '(a) Tj', 'EMC', '1 1 5 5 re', 'f'])).toEqual([
      '/Artifact BMC',
      '0 0 m',
      '10 0 l',
      'S',
      'EMC',
      '/Span <</MCID 1 >>BDC',
      '(a) Tj',
      'EMC',
      '/Artifact BMC',
      '1 1 5 5 re',
      'f',
      'EMC',
    ])
  })

  it('keeps an artifact inside a text object that holds marked content', () => {
    expect(mark(['BT', '<0001> Tj', '/P <</MCID 2 >>BDC', '<0002> Tj', 'EMC', '<0003> Tj', 'ET'])).toEqual([
      'BT',
      '/Artifact BMC',
      '<0001> Tj',
      'EMC',
      '/P <</MCID 2 >>BDC',
      '<0002> Tj',
      'EMC',
      '/Artifact BMC',
      '<0003> Tj',
      'EMC',
      'ET',
    ])
  })

  it('reads strings, names and inline images as operands, not operators', () => {
    expect(mark(['/P <</MCID 3 >>BDC', 'BT', '(BDC \\) EMC ET) Tj', 'ET', 'EMC', 'BI /W 1 /H 1 ID', 'xEI ', 'EI', '/Im1 Do'])).toEqual([
      '/P <</MCID 3 >>BDC',
      'BT',
      '(BDC \\) EMC ET) Tj',
      'ET',
      'EMC',
      '/Artifact BMC',
      'BI /W 1 /H 1 ID',
      'xEI ',
      'EI',
      '/Im1 Do',
      'EMC',
    ])
  })

  it('types text in the top and bottom margins as pagination artifacts (running heads, page numbers), through the CTM', () => {
    const a4 = { height: 841.92, top: 62.4, bottom: 68 }
    const text = (y: number) => ['BT', `1 0 0 -1 75 ${y} Tm`, '<0014> Tj', 'ET']
    expect(mark(['q', '.75 0 0 -.75 0 841.92 cm', ...text(1062), ...text(40), ...text(500), 'Q', ...text(20)], a4)).toEqual([
      'q',
      '.75 0 0 -.75 0 841.92 cm',
      '/Artifact <</Type /Pagination /Subtype /Footer>> BDC',
      ...text(1062),
      'EMC',
      '/Artifact <</Type /Pagination /Subtype /Header>> BDC',
      ...text(40),
      'EMC',
      '/Artifact BMC',
      ...text(500),
      'Q',
      'EMC',
      '/Artifact <</Type /Pagination /Subtype /Footer>> BDC',
      ...text(20),
      'EMC',
    ])
  })
})
