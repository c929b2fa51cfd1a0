import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'hast'
import { h } from 'hastscript'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { ArticleData } from '../article.ts'
import { messageSource } from '../rules.ts'

/**
 * Check the local images of an article on disk: a missing file, or one whose
 * real path (symbolic links followed) leaves the source folder, becomes a
 * placeholder in `tree` with a warning, and is dropped from `article.assets`.
 */
export async function checkAssets(file: VFile, tree: Root, article: ArticleData, sourceDir: string): Promise<void> {
  const realDir = await realpath(sourceDir)
  const bad = new Set<string>()
  for (const asset of article.assets) {
    let problem: string | undefined
    try {
      const real = await realpath(asset.source)
      if (!real.startsWith(realDir + path.sep)) problem = 'leads outside the source folder'
      else if (!(await stat(real)).isFile()) problem = 'is not a file'
    } catch {
      problem = 'does not exist'
    }
    if (problem) bad.add(asset.href)
    if (problem) {
      file.message(`Unexpected image \`${path.relative(sourceDir, asset.source)}\` that ${problem}, expected an image file in the source folder; it is shown as a placeholder`, {
        place: { line: 1, column: 1 },
        ruleId: problem.includes('outside') ? 'link-outside' : 'image-missing',
        source: messageSource,
      })
    }
  }
  if (bad.size === 0) return
  article.assets = article.assets.filter((asset) => !bad.has(asset.href))
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'img' || !parent || index === undefined || !bad.has(String(node.properties.src))) return
    const alt = typeof node.properties.alt === 'string' ? node.properties.alt : String(node.properties.src)
    parent.children[index] = h('span.image-placeholder', { role: 'img', ariaLabel: alt }, alt)
  })
}
