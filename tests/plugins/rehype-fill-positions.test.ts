import { readFile } from 'node:fs/promises'
import path from 'node:path'
import rehypeRaw from 'rehype-raw'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { describe, expect } from 'vitest'
import { fixtureTests, type FixtureResult } from '../helpers/fixtures.ts'

/** Elements of the case's tree without a full place BEFORE the plugin runs (the runner's base chain alone). */
async function unplacedBefore(result: FixtureResult): Promise<string[]> {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' }).use(rehypeRaw)
  const tree = await processor.run(processor.parse(await readFile(path.join(result.dir, 'input.md'), 'utf8')))
  const unplaced: string[] = []
  visit(tree, 'element', (node) => {
    if (!node.position?.start || !node.position.end) unplaced.push(node.tagName)
  })
  return unplaced
}

// The plugin changes only places: `output.html` shows each element's as `data-pos`
// (`none` where the HTML parser made an element up and nothing filled it in).
// It reports nothing, so no case has messages.
describe('rehype-fill-positions', () => {
  fixtureTests('rehype-fill-positions', {
    positions: true,
    assert: {
      'positions-kept': async (result) => {
        expect(await unplacedBefore(result)).toEqual([])
      },
      // The cases are worth having only if the parser really made elements up.
      'implied-tbody': async (result) => {
        expect(await unplacedBefore(result)).toEqual(['tbody'])
        expect(result.html).not.toContain('data-pos="none"')
      },
      'implied-table-row': async (result) => {
        expect(await unplacedBefore(result)).toEqual(['tbody', 'tr'])
        expect(result.html).not.toContain('data-pos="none"')
      },
    },
  })
})
