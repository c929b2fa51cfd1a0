import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ruleIds } from '../../pipeline/common/rules.ts'
import { projectRoot } from '../helpers/corpus.ts'

describe('README', () => {
  it('lists every message rule id offprint reports, and no other', async () => {
    const readme = await readFile(path.join(projectRoot, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Message rule ids'), readme.indexOf('\n## ', readme.indexOf('## Message rule ids') + 1))
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1])
    expect([...listed].sort()).toEqual([...ruleIds].sort())
  })
})
