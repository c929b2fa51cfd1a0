import path from 'node:path'
import type { Root } from 'hast'
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { templatesDir } from '../../pipeline/build/build.ts'
import { runParseStage } from '../../pipeline/build/parse-stage.ts'
import { writeEditions } from '../../pipeline/build/write-editions.ts'
import type { EditionInput } from '../../pipeline/editions/edition.ts'
import { writeEpub } from '../../pipeline/editions/epub/write-epub.ts'
import { projectRoot } from '../helpers/corpus.ts'

const sourcePath = path.join(projectRoot, 'source', 'tokayev-almaty-visit-2022.md')

/** The article parsed, as the build hands it to `writeEditions`. */
async function articleInput(): Promise<EditionInput> {
  const parsed = await runParseStage({ sourcePath, glossary: [], paper: 'A4', slug: 'doc', templatesDir, check: true, html: false, editions: [] })
  if (!parsed.tree || !parsed.article) throw new Error(`Unexpected parse failure: ${String(parsed.file.messages[0])}`)
  return { tree: parsed.tree, article: parsed.article, sourcePath, sourceDir: path.dirname(sourcePath), templatesDir, epoch: 0 }
}

/** Write the EPUB alone through `writeEditions`, and tell which tree its writer got. */
async function treeGiven(input: EditionInput, treeReadAfter?: boolean): Promise<Root> {
  let given: Root | undefined
  const file = new VFile({ path: sourcePath })
  const written = await writeEditions(
    ['epub'],
    input,
    {
      editions: ['epub'],
      ...(treeReadAfter === undefined ? {} : { treeReadAfter }),
      writeEpub: (own, cover) => {
        given = own.tree
        return writeEpub(own, cover)
      },
    },
    file,
  )
  expect(file.messages.filter((message) => message.fatal)).toEqual([])
  expect(written.files.map((written) => written.path)).toContain('doc.epub')
  if (!given) throw new Error('Unexpected EPUB writer never called')
  return given
}

describe('writeEditions', () => {
  it('gives the writer a copy of the tree, which the caller still reads, unless told the caller reads it no more', async () => {
    const input = await articleInput()
    const before = structuredClone(input.tree)
    const copy = await treeGiven(input)
    expect(copy).not.toBe(input.tree)
    expect(input.tree).toEqual(before)
    expect(await treeGiven(input, false)).toBe(input.tree)
  }, 60_000)
})
