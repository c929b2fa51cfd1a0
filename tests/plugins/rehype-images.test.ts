import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processSource } from '../../pipeline/source/processor.ts'
import { fixtureTests, fixturesDir } from '../helpers/fixtures.ts'

describe('rehype-images', () => {
  fixtureTests('rehype-images', {
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
      'outside-folder': (result) => {
        expect(result.file.data.article?.assets).toEqual([])
        expect(result.html).not.toMatch(/<img/)
      },
    },
  })

  describe('outside fixtures (the fix’s exact names are not yet decided)', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'offprint-images-'))
    })
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true })
    })

    it('gives two different images two different asset paths (`Фото 1.png` and `Фаза 1.png`)', async () => {
      const input = path.join(dir, 'collision.md')
      await writeFile(input, '---\nlang: en\n---\n\n![A](img/Фото%201.png) ![B](img/Фаза%201.png)\n')
      const { file } = await processSource(input)
      const assets = file.data.article?.assets ?? []
      expect(assets).toHaveLength(2)
      expect(new Set(assets.map((asset) => asset.href)).size).toBe(2)
    })
  })
})
