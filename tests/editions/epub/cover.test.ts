import { describe, expect, it } from 'vitest'
import type { Element, Root } from 'xast'
import { fromXml } from 'xast-util-from-xml'
import type { ArticleMeta } from '../../../pipeline/common/article.ts'
import { coverLayout, renderCover } from '../../../pipeline/editions/epub/cover.ts'
import { coverDesign } from '../../../pipeline/editions/epub/cover-svg.ts'
import { decodePng, type Pixels } from '../../helpers/png.ts'

const meta = (fields: Partial<ArticleMeta> & Pick<ArticleMeta, 'title' | 'lang'>): ArticleMeta => ({ authors: [], keywords: [], ...fields }) as ArticleMeta

const kazakh = meta({
  title:
    'Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаевтың Алматы қаласына жұмыс сапары: дипломатия, қаңтар оқиғалары, саяси реформалар, әйелдердің қоғамдағы рөлі, ғылым, өнер және болашаққа деген үміт туралы ұзақ әңгіме',
  subtitle: 'Өте ұзақ субтитр: Ресей, Қытай және Орталық Азия елдерімен қарым-қатынас, ұлттық құндылықтар мен үміт',
  authors: ['Әсел Сатыбалдина', 'Ғалым Құлмұхамедов', 'Үміт Іңкәрқызы'],
  publisher: 'Қазақпарат халықаралық ақпарат агенттігі',
  date: '2022-11-16',
  lang: 'kk',
})
const russian = meta({
  title: `Превысокомногорассмотрительствующийпревысокомногорассмотрительствующий ${'Очень длинное название статьи о визите Президента в Алматы, '.repeat(30)}`,
  authors: ['Анна Ахматова'],
  publisher: 'Издательство с очень длинным названием для проверки переноса строк',
  date: '2022-11-16',
  lang: 'ru',
})
const chinese = meta({
  title: '托卡耶夫总统在阿拉木图：外交、一月事件、政治改革以及妇女在社会中的作用。这是一个非常长的中文标题，用来测试换行是否正确，并且不会超出封面的边界。',
  authors: ['阿塞尔·萨图巴尔季娜'],
  publisher: '哈萨克国际通讯社',
  date: '2022-11-16',
  lang: 'zh',
})
const english = meta({
  title: 'Tokayev in Almaty: diplomacy, the January events, reforms and women’s role',
  authors: ['Assel Satubaldina'],
  publisher: 'Kazinform',
  date: '2022-11-16',
  lang: 'en',
})

/** Pixels in the rectangle (device pixels) that are not the paper's colour. */
function inkIn(pixels: Pixels, left: number, top: number, right: number, bottom: number): number {
  const paper = [0xf4, 0xef, 0xe6]
  let ink = 0
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const at = (y * pixels.width + x) * pixels.channels
      if (paper.some((value, channel) => pixels.data[at + channel] !== value)) ink++
    }
  }
  return ink
}

/** The text of every `<text>` of the cover's SVG, in order. */
function svgLines(svg: string): string[] {
  const lines: string[] = []
  const walk = (node: Root | Element): void => {
    for (const child of node.children) {
      if (child.type !== 'element') continue
      if (child.name === 'text') lines.push(child.children.map((text) => (text.type === 'text' ? text.value : '')).join(''))
      else walk(child)
    }
  }
  walk(fromXml(svg))
  return lines
}

const squeeze = (text: string): string => text.replace(/\s+/g, '')

describe('EPUB cover (SVG drawn by resvg)', () => {
  it('is an opaque RGB PNG of 1600 × 2560, the same bytes on every render', () => {
    const first = renderCover(english)
    const second = renderCover(structuredClone(english))
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true)
    const pixels = decodePng(first)
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([1600, 2560, 3])
  })

  it.each([
    [
      'English, with a logo',
      english,
      {
        logo: `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><circle cx="25" cy="25" r="20" fill="#36c"/></svg>').toString('base64')}`,
      },
    ],
    ['Kazakh', kazakh, {}],
  ])('draws the very pixels resvg draws of the whole cover (%s), though only its rows with ink', (_, book, brand) => {
    const ours = decodePng(renderCover(book, brand))
    const whole = coverLayout(book, brand).resvg.render()
    const rgb = Buffer.from(whole.pixels.filter((_, index) => index % 4 !== 3))
    expect(Buffer.from(ours.data).equals(rgb)).toBe(true)
    // Rows of paper alone (between the blocks, under the foot) were not drawn.
    let drawn = 0
    let reached = 0
    for (const band of [...coverLayout(book, brand).ink].sort((a, b) => a.top - b.top)) {
      drawn += Math.max(0, band.bottom - Math.max(band.top, reached))
      reached = Math.max(reached, band.bottom)
    }
    expect(drawn).toBeLessThan(coverDesign.height * 0.8)
  })

  it.each([
    ['English', english],
    ['Kazakh', kazakh],
    ['Russian, with a word longer than a line and a title too long for the cover', russian],
    ['Chinese', chinese],
  ])(
    'keeps a long %s title inside the margins, its text all there (or cut with an ellipsis)',
    (_, book) => {
      const { svg, lines } = coverLayout(book)
      const pixels = decodePng(renderCover(book))
      const s = coverDesign.scale
      const band = coverDesign.band * s
      // No ink left or right of the text's box below the band, nor under its foot.
      expect(inkIn(pixels, 0, band, coverDesign.left * s, pixels.height)).toBe(0)
      expect(inkIn(pixels, coverDesign.right * s, band, pixels.width, pixels.height)).toBe(0)
      expect(inkIn(pixels, 0, coverDesign.bottom * s, pixels.width, pixels.height)).toBe(0)
      // The title is drawn: ink in the text's box under the rule.
      expect(inkIn(pixels, coverDesign.left * s, (coverDesign.top + 60) * s, coverDesign.right * s, (coverDesign.top + 200) * s)).toBeGreaterThan(1000)
      // The SVG's text nodes are the lines laid out; each block's lines give back its text, or a cut start of it.
      expect(svgLines(svg)).toEqual(lines.map((line) => line.text))
      const blocks = new Map<string, string>()
      for (const line of lines) {
        const key = JSON.stringify([line.style, line.size])
        blocks.set(key, (blocks.get(key) ?? '') + line.text)
      }
      const shown = [...blocks.values()].map(squeeze)
      const fields = [book.title, book.subtitle, book.authors.join(', '), book.publisher?.toLocaleUpperCase(book.lang)].filter((field) => field !== undefined && field !== '')
      fields.forEach((field, i) => {
        const text = shown[i] as string
        if (text.endsWith('…')) expect(squeeze(field as string).startsWith(text.slice(0, -1))).toBe(true)
        else expect(text).toBe(squeeze(field as string))
      })
      // The title was broken into lines, not squeezed onto one; a title too long for the cover is cut late, not early.
      expect(lines.filter((line) => line.style.weight === 700).length).toBeGreaterThan(3)
      expect((shown[0] as string).length).toBeGreaterThanOrEqual(Math.min(squeeze(book.title).length, 600))
    },
    60_000,
  )

  it('breaks a Kazakh title between words, never inside one that fits', () => {
    const { lines } = coverLayout(kazakh)
    const words = new Set(kazakh.title.split(/\s+/))
    const titleLines = lines.filter((line) => line.style.weight === 700)
    for (const line of titleLines) for (const word of line.text.split(' ')) expect(words.has(word)).toBe(true)
  })
})
