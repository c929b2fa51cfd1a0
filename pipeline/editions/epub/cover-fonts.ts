import { existsSync } from 'node:fs'

/** Where Debian's font packages put the cover's fonts (the Makefile installs them). */
const notoDir = '/usr/share/fonts/truetype/noto'
const dejavuDir = '/usr/share/fonts/truetype/dejavu'

/** The cover's own fonts: Noto Serif and Noto Sans, DejaVu for symbols Noto lacks. */
const baseFonts = [
  { file: `${notoDir}/NotoSerif-Bold.ttf`, pkg: 'fonts-noto-core' },
  { file: `${notoDir}/NotoSerif-Regular.ttf`, pkg: 'fonts-noto-core' },
  { file: `${notoDir}/NotoSerif-Italic.ttf`, pkg: 'fonts-noto-core' },
  { file: `${notoDir}/NotoSans-Regular.ttf`, pkg: 'fonts-noto-core' },
  { file: `${dejavuDir}/DejaVuSerif.ttf`, pkg: 'fonts-dejavu-core' },
  { file: `${dejavuDir}/DejaVuSerif-Bold.ttf`, pkg: 'fonts-dejavu-core' },
  { file: `${dejavuDir}/DejaVuSans.ttf`, pkg: 'fonts-dejavu-core' },
] as const

/** Chinese, Japanese and Korean, loaded only for a cover that has such text (it is large: ~17 MB). */
const cjkFont = { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', pkg: 'fonts-wqy-zenhei' } as const

/** Han, kana, Hangul, Bopomofo, CJK punctuation and full-width forms. */
export const cjkPattern = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u

/** Font stacks of the cover's SVG: each family falls back to the next for a missing glyph. */
export const serifFamily = "'Noto Serif', 'WenQuanYi Zen Hei', 'DejaVu Serif', 'DejaVu Sans'"
export const sansFamily = "'Noto Sans', 'WenQuanYi Zen Hei', 'DejaVu Sans'"

/** resvg's font options for `text`: the font files named here and no system font, so every machine draws the same cover. */
export function coverFontOptions(text: string): { fontFiles: string[]; loadSystemFonts: false; defaultFontFamily: string } {
  const fonts = cjkPattern.test(text) ? [...baseFonts, cjkFont] : baseFonts
  for (const font of fonts) {
    if (!existsSync(font.file))
      throw new Error(`Unexpected missing font \`${font.file}\`, expected it for the EPUB cover: install Debian’s \`${font.pkg}\` package (\`apt-get install ${font.pkg}\`)`)
  }
  return { fontFiles: fonts.map((font) => font.file), loadSystemFonts: false, defaultFontFamily: 'Noto Serif' }
}
