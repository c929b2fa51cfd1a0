import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processSource } from '../../pipeline/source/processor.ts'
import { fixtureTests } from '../helpers/fixtures.ts'

describe('remark-footnote-check', () => {
  fixtureTests('remark-footnote-check', {
  })

  describe('outside fixtures', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'offprint-footnote-check-'))
    })
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true })
    })

    // GFM labels cannot hold whitespace, so `[^my note]` is plain text: the
    // author meant a note and must be told why none was made.
    it('warns about a reference whose label has a space', async () => {
      const input = path.join(dir, 'space.md')
      await writeFile(input, '---\nlang: en\n---\n\nA label with a space[^my note] here.\n\n[^my note]: The note.\n')
      const { file } = await processSource(input)
      expect(file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toContain('5:21 footnote-undefined')
    })
  })
})
