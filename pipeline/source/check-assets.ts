import { readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Element, Root } from 'hast'
import type { Position } from 'unist'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { ArticleData } from '../common/article.ts'
import { imagePlaceholder } from '../common/image-placeholder.ts'
import { messageSource, type RuleId } from '../common/rules.ts'
import { imageProblem } from './image-check.ts'
import { isInsideFolder } from '../common/inside-folder.ts'

interface Refusal {
  problem: string
  expected: string
  ruleId: RuleId
}

/**
 * Check the local images of an article on disk: a missing file, one whose
 * real path (symbolic links followed) leaves the source folder, and one whose
 * bytes are not a whole image of the type its name says (or an SVG with
 * scripts, entities or outside references) becomes a placeholder in `tree`
 * with a warning at each use, and is dropped from `article.assets`.
 */
export async function checkAssets(file: VFile, tree: Root, article: ArticleData, sourceDir: string): Promise<void> {
  const realDir = await realpath(sourceDir)
  const refused = new Map<string, Refusal & { name: string }>()
  for (const asset of article.assets) {
    const refusal = await check(asset.source, realDir)
    if (refusal) refused.set(asset.href, { ...refusal, name: path.relative(sourceDir, asset.source) })
  }
  if (refused.size === 0) return
  article.assets = article.assets.filter((asset) => !refused.has(asset.href))
  const lang = article.meta.lang
  visit(tree, 'element', (node: Element, index, parent) => {
    const refusal = node.tagName === 'img' ? refused.get(String(node.properties.src)) : undefined
    if (!refusal || !parent || index === undefined) return
    file.message(`Unexpected image \`${refusal.name}\` that ${refusal.problem}, expected ${refusal.expected}; it is shown as a placeholder`, {
      place: node.position ?? ({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } satisfies Position),
      ruleId: refusal.ruleId,
      source: messageSource,
    })
    const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
    parent.children[index] = imagePlaceholder(alt, refusal.name, lang)
  })
}

async function check(source: string, realDir: string): Promise<Refusal | undefined> {
  let real: string
  try {
    real = await realpath(source)
    if (!(await stat(real)).isFile()) return { problem: 'is not a file', expected: 'an image file in the source folder', ruleId: 'image-missing' }
  } catch {
    return { problem: 'does not exist', expected: 'an image file in the source folder', ruleId: 'image-missing' }
  }
  if (!isInsideFolder(real, realDir)) return { problem: 'leads outside the source folder', expected: 'an image file in the source folder', ruleId: 'link-outside' }
  const problem = imageProblem(await readFile(real), source)
  if (problem) return { problem, expected: 'a whole PNG, JPEG, GIF or WebP, or an SVG without scripts, entities or outside references', ruleId: 'image-invalid' }
  return undefined
}
