import { describe, expect, it } from 'vitest'
import { isInsideFolder } from '../../pipeline/common/inside-folder.ts'

describe('isInsideFolder', () => {
  it.each([
    ['/a/b/c.md', '/a/b', true],
    ['/a/b/deep/c.png', '/a/b', true],
    ['/a/b/c.md', '/a/b/', true],
    ['/a/bc/d.md', '/a/b', false],
    ['/a/b', '/a/b', false],
    ['/a/c.md', '/a/b', false],
    ['/etc/hostname', '/', true],
  ])('%s in %s: %s', (file, folder, inside) => {
    expect(isInsideFolder(file, folder)).toBe(inside)
  })
})
