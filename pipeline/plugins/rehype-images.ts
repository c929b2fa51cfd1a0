import { createHash } from 'node:crypto'
import path from 'node:path'
import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { decodeUri } from '../common/decode-uri.ts'
import { imagePlaceholder } from '../common/image-placeholder.ts'
import { messageSource } from '../common/rules.ts'
import type { ArticleAsset } from '../common/article.ts'

/**
 * Make images offline-safe. A remote image (http, https, protocol-relative)
 * becomes a visible placeholder with its alt text and a warning: a build
 * never fetches. A path leaving the source folder becomes a placeholder too.
 * Local images get an ASCII `assets/…` path and are listed in
 * `file.data.article.assets`. Pure: whether the file exists is the editions' check.
 */
export function rehypeImages() {
  return function (tree: Root, file: VFile): void {
    const sourceDir = file.dirname ? path.resolve(file.cwd, file.dirname) : file.cwd
    const assets = new Map<string, ArticleAsset>()
    const lang = file.data.article?.meta.lang ?? 'en'
    // An offline edition has one file per image, so `<picture>` (whose `<source>`s the
    // sanitizer removed) is unwrapped to its `<img>`: a placeholder cannot stand inside it.
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'picture' || !parent || index === undefined) return undefined
      parent.children.splice(index, 1, ...node.children)
      return index
    })
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'img' || !parent || index === undefined) return
      const src = typeof node.properties.src === 'string' ? node.properties.src.trim() : ''
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
      if (typeof node.properties.alt !== 'string') {
        // Raw HTML images may lack alt; the text alternative is the author's to write.
        node.properties.alt = ''
        file.message(`Unexpected image \`${src.slice(0, 200)}\` without \`alt\`, expected a text alternative (\`alt=""\` if decorative); it is treated as decorative`, {
          ...(node.position ? { place: node.position } : {}),
          ruleId: 'image-alt-missing',
          source: messageSource,
        })
      }
      if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(src) || src === '') {
        file.message(`Unexpected remote image \`${src.slice(0, 200)}\`, expected a file in the source folder; it is shown as a placeholder`, {
          ...(node.position ? { place: node.position } : {}),
          ruleId: 'image-remote',
          source: messageSource,
        })
        parent.children[index] = imagePlaceholder(alt, src, lang)
        return
      }
      const target = path.resolve(sourceDir, decodeUri(src.split(/[?#]/)[0] ?? ''))
      if (!target.startsWith(sourceDir + path.sep)) {
        file.message(`Unexpected image path \`${src.slice(0, 200)}\` outside the source folder, expected a file inside it`, {
          ...(node.position ? { place: node.position } : {}),
          ruleId: 'link-outside',
          source: messageSource,
        })
        parent.children[index] = imagePlaceholder(alt, src, lang)
        return
      }
      let asset = assets.get(target)
      if (!asset) {
        const relative = path.relative(sourceDir, target).split(path.sep).join('/')
        asset = { source: target, href: `assets/${asciiPath(relative)}` }
        assets.set(target, asset)
      }
      node.properties.src = asset.href
    })
    if (file.data.article) {
      file.data.article.assets = [...assets.values()]
      file.data.article.inputs = [...assets.keys()]
    }
  }
}

/**
 * An ASCII form of a relative path (EPUB paths must be ASCII). When
 * characters had to be replaced, a hash of the original keeps two names
 * that differ only there apart (`Фото 1.png`, `Фаза 1.png`).
 */
function asciiPath(relative: string): string {
  const ascii = relative.replace(/[^A-Za-z0-9._/-]+/g, '_').replace(/\.\.+/g, '.')
  if (ascii === relative) return ascii
  const hash = createHash('sha256').update(relative).digest('hex').slice(0, 8)
  const extension = path.extname(ascii)
  return `${ascii.slice(0, ascii.length - extension.length)}-${hash}${extension}`
}
