import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSource } from '../../pipeline/source/read-source.ts'
import { collectSources } from '../../pipeline/build/collect-sources.ts'

/** Sources that are symbolic links: read only when they lead inside their own folder. */
describe('symbolic links among sources', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'offprint-links-'))
    await mkdir(path.join(dir, 'src', 'sub'), { recursive: true })
    await mkdir(path.join(dir, 'elsewhere'))
    await writeFile(path.join(dir, 'src', 'real.md'), '---\nlang: en\n---\n\nReal text.\n')
    await writeFile(path.join(dir, 'src', 'sub', 'other.md'), '---\nlang: en\n---\n\nOther text.\n')
    await writeFile(path.join(dir, 'elsewhere', 'hidden.md'), '---\nlang: en\n---\n\nHidden text.\n')
    await symlink('real.md', path.join(dir, 'src', 'alias.md'))
    await symlink('/etc/passwd', path.join(dir, 'src', 'passwd.md'))
    await symlink('../real.md', path.join(dir, 'src', 'sub', 'up.md'))
    await symlink(path.join(dir, 'elsewhere'), path.join(dir, 'src', 'linked-folder'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('lists linked Markdown files for reading to judge, and follows no linked folder', async () => {
    const found = (await collectSources([path.join(dir, 'src')])).map((ref) => path.relative(path.join(dir, 'src'), ref.path))
    expect(found).toEqual(['alias.md', 'passwd.md', 'real.md', path.join('sub', 'other.md'), path.join('sub', 'up.md')])
  })

  it('reads a link whose target is in its own folder', async () => {
    const file = await readSource(path.join(dir, 'src', 'alias.md'))
    expect(file.messages).toEqual([])
    expect(String(file.value)).toContain('Real text.')
  })

  it('refuses, without reading, a link leading out of its folder', async () => {
    for (const name of ['passwd.md', path.join('sub', 'up.md')]) {
      const file = await readSource(path.join(dir, 'src', name))
      expect(
        file.messages.map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.fatal}`),
        name,
      ).toEqual(['1:1 source-unreadable true'])
      expect(String(file.value), name).toBe('')
    }
  })

  it('reports a source that has gone as unreadable, without throwing', async () => {
    const file = await readSource(path.join(dir, 'src', 'gone.md'))
    expect(file.messages.map((message) => `${message.ruleId}: ${message.reason}`)).toEqual([
      'source-unreadable: Unexpected unreadable source `gone.md` (ENOENT), expected a readable Markdown file',
    ])
  })
})
