import path from 'node:path'
import { describe, expect } from 'vitest'
import { fixtureTests, fixturesDir } from '../helpers/fixtures.ts'

describe('rehype-images', () => {
  fixtureTests('rehype-images', {
    data: (file, dir) => ({
      assets: file.data.article?.assets.map((asset) => ({ source: path.relative(dir, asset.source), href: asset.href })),
      inputs: file.data.article?.inputs?.map((input) => path.relative(dir, input)),
    }),
    assert: {
      local: (result) => {
        const dir = path.join(fixturesDir, 'rehype-images', 'local')
        expect(result.file.data.article?.assets).toEqual([
          { source: path.join(dir, 'img', 'photo.png'), href: 'assets/img/photo.png' },
          { source: path.join(dir, 'img', 'chart.png'), href: 'assets/img/chart.png' },
        ])
      },
      remote: (result) => {
        expect(result.file.data.article?.assets).toEqual([])
        expect(result.html).not.toMatch(/<img/)
      },
      'non-ascii-names': (result) => {
        // `Фото 1.png` and `Фаза 1.png` both become `img/_1.png` but for the hash of the original name.
        const hrefs = result.file.data.article?.assets.map((asset) => asset.href) ?? []
        expect(hrefs).toHaveLength(3)
        expect(new Set(hrefs).size).toBe(3)
        for (const href of hrefs) expect(href).toMatch(/^[\x21-\x7e]+$/)
      },
      'outside-folder': (result) => {
        expect(result.file.data.article?.assets).toEqual([])
        expect(result.html).not.toMatch(/<img/)
      },
    },
  })
})
