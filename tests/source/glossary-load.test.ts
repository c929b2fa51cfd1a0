import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGlossary, type LoadedGlossary } from '../../pipeline/glossary/load.ts'

let dir: string
let count = 0
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offprint-glossary-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function load(content: string | Uint8Array): Promise<LoadedGlossary> {
  const file = path.join(dir, `glossary-${++count}.yaml`)
  await writeFile(file, content)
  return loadGlossary(file)
}

/** Messages as `line:column ruleId` (and `!` when fatal). */
const places = (glossary: LoadedGlossary): string[] => glossary.file.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}${m.fatal ? ' !' : ''}`)

/** An alias bomb: 10 levels of 10 aliases each, 10^10 nodes when expanded. */
function aliasBomb(): string {
  const lines = ['- term: bomb', '  definition: &a0 [x, x, x, x, x, x, x, x, x, x]']
  for (let level = 1; level < 10; level++) {
    lines.push(`- term: t${level}`, `  definition: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`)
  }
  return `${lines.join('\n')}\n`
}

describe('glossary loading', () => {
  it('loads entries, with variants defaulting to none', async () => {
    const text = '- term: tenge\n  definition: Money.\n  variants: [tenges]\n- term: akim\n  definition: Head of an administration.\n'
    const glossary = await load(text)
    expect(places(glossary)).toEqual([])
    expect(glossary.entries).toEqual([
      { term: 'tenge', definition: 'Money.', variants: ['tenges'] },
      { term: 'akim', definition: 'Head of an administration.', variants: [] },
    ])
    // Each entry's offset is where its mapping starts, to report on it later.
    expect([...glossary.offsets.values()]).toEqual([text.indexOf('term: tenge'), text.indexOf('term: akim')])
  })

  it('reports bad YAML at its place, with no entries', async () => {
    const glossary = await load('- term: tenge\n  definition: a: b\n')
    expect(places(glossary)).toEqual(['2:15 glossary-yaml !'])
    expect(glossary.entries).toEqual([])
  })

  it('reports an unclosed `[` on its own line', async () => {
    const glossary = await load('- term: tenge\n  definition: [unclosed\n')
    expect(places(glossary)).toEqual(['2:15 glossary-yaml !'])
  })

  it('reports a glossary that is not a list', async () => {
    const glossary = await load('term: tenge\ndefinition: Money.\n')
    expect(places(glossary)).toEqual(['1:1 glossary-yaml !'])
  })

  it('reports a missing definition at its entry', async () => {
    const glossary = await load('- term: tenge\n  definition: Money.\n- term: akim\n  variants: [akims]\n')
    expect(places(glossary)).toEqual(['3:3 glossary-entry !'])
    expect(glossary.file.messages[0]?.reason).toMatch(/`definition` of glossary entry 2/)
    expect(glossary.entries).toEqual([])
  })

  it('reports an unknown field of an entry', async () => {
    const glossary = await load('- term: tenge\n  definition: Money.\n  colour: blue\n')
    expect(places(glossary)).toEqual(['1:3 glossary-entry !'])
    expect(glossary.file.messages[0]?.reason).toMatch(/colour/)
  })

  it('reports an empty or blank term at the term', async () => {
    const glossary = await load('- term: ""\n  definition: Empty.\n- term: "  "\n  definition: Blank.\n')
    expect(places(glossary)).toEqual(['1:9 glossary-entry !', '3:9 glossary-entry !'])
  })

  it('reports a duplicate term at the second one, with the first as its cause', async () => {
    const glossary = await load('- term: tenge\n  definition: Money.\n- term: akim\n  definition: Head.\n- term: tenge\n  definition: Again.\n')
    expect(places(glossary)).toEqual(['5:9 glossary-duplicate !'])
    expect(glossary.file.messages[0]?.reason).toMatch(/`tenge`/)
    expect(causePlace(glossary)).toBe('1:9')
    expect(glossary.entries).toEqual([])
  })

  it('reports a variant that repeats another entry’s term', async () => {
    const glossary = await load('- term: tenge\n  definition: Money.\n  variants: [tenges]\n- term: tenges\n  definition: Plural.\n')
    expect(places(glossary)).toEqual(['4:9 glossary-duplicate !'])
    expect(causePlace(glossary)).toBe('3:14')
  })

  it('reports an alias bomb as bad YAML without expanding it', async () => {
    const glossary = await load(aliasBomb())
    expect(places(glossary)).toEqual(['1:1 glossary-yaml !'])
    expect(glossary.file.messages[0]?.reason).toMatch(/alias/i)
    expect(glossary.entries).toEqual([])
  })

  it('reports an alias bomb that is not even a list', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (const [index, name] of [...'bcdefghij'].entries()) lines.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${'abcdefghij'[index]}`).join(', ')}]`)
    const glossary = await load(`${lines.join('\n')}\n`)
    expect(places(glossary)).toEqual(['1:1 glossary-yaml !'])
  })

  it('reads a glossary with a BOM and CRLF line ends', async () => {
    const glossary = await load('\uFEFF- term: tenge\r\n  definition: Money.\r\n')
    expect(places(glossary)).toEqual([])
    expect(glossary.entries).toEqual([{ term: 'tenge', definition: 'Money.', variants: [] }])
  })

  it('reports bytes that are not UTF-8 at their place', async () => {
    const glossary = await load(Buffer.concat([Buffer.from('- term: tenge\n  definition: Mo'), Buffer.from([0xc3, 0x28]), Buffer.from('ney.\n')]))
    expect(places(glossary)).toEqual(['2:17 encoding-invalid !'])
    expect(glossary.entries).toEqual([])
  })

  it('loads an empty file as no entries, silently', async () => {
    const glossary = await load('')
    expect(places(glossary)).toEqual([])
    expect(glossary.entries).toEqual([])
  })
})

/** Line and column of the first message's cause: the first of two duplicates. */
function causePlace(glossary: { file: { messages: Array<{ cause?: unknown }> } }): string | undefined {
  const cause = glossary.file.messages[0]?.cause as { line?: number; column?: number } | undefined
  return cause ? `${cause.line}:${cause.column}` : undefined
}
