import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ArticleAsset } from '../../common/article.ts'
import { uiStrings } from '../../common/strings.ts'
import type { EditionInput, EditionResult, EditionWarning } from '../edition.ts'
import { epubBodies, glossaryFile, textFile } from './content.ts'
import { packageMetadata } from './metadata.ts'
import { bookNavigation, type NcxPoint } from './nav.ts'
import { pageListNav } from './page-list.ts'
import { zipEpub, type ContentDocument, type PackagedResource } from './zip.ts'
import { toXhtmlFragment } from './xhtml.ts'
import { editionStylesheet } from '../stylesheet.ts'
import { mediaTypeOf } from '../../source/image-check.ts'
import { select } from 'hast-util-select'
import { appendCss, brandCss, brandFiles, logoName } from '../brand.ts'

/**
 * The EPUB edition's CPU work, without the browser: XHTML of the article and
 * its glossary, navigation, and the book packaged by epub-gen-memory through
 * its template options (`templates/epub-*.ejs`, `templates/epub.css` and `align.css`) around
 * the `cover` PNG already rendered. Local images are packaged; nothing is
 * fetched. With the PDF of the same run (`input.printPages`), the book has
 * that PDF's page numbers: page-break markers and a page-list. Its inputs are
 * plain data (structured-clone-able), so it runs in a worker thread as well as
 * here. Rebuilding the same input gives the same bytes.
 */
export async function makeEpubBook(input: EditionInput, cover: Uint8Array): Promise<EditionResult> {
  const { article, templatesDir } = input
  const { meta } = article
  const warnings: EditionWarning[] = []
  const resources = await readImages(article.assets, input.sourceDir, warnings)
  const images = new Set(resources.map((resource) => resource.href))
  // The brand's logo and fonts (see `brand.ts`): in `theme/`, next to the stylesheet that names them.
  for (const [index, file] of brandFiles(input.brand).entries())
    resources.push({ id: `theme-${index + 1}`, href: `theme/${file.name}`, mediaType: file.mediaType, data: new Uint8Array(await readFile(file.path)) })
  const logo = input.brand?.logo
  const bodies = epubBodies(input.tree, article, images, input.printPages?.starts, logo && { src: `theme/${logoName(logo)}`, alt: logo.alt })
  const navigation = bookNavigation(article, bodies.glossary !== undefined)
  const printEdition = bodies.pages.length > 0 ? input.printPages?.file : undefined
  const paged = printEdition !== undefined
  // MathML in the text (footnotes included): the document's `mathml` property and the book's accessibility feature.
  const math = select('math', bodies.text) !== undefined
  const book = packageMetadata(article.slug, meta, input.epoch, { images: bodies.images, notes: article.notes.length > 0, math, ...(paged ? { printEdition } : {}) })
  const template = (name: string) => readFile(path.join(templatesDir, name), 'utf8')
  const [contentOPF, tocXHTML, tocNCX, chapterXHTML, css] = await Promise.all([
    ...['epub-content.opf.ejs', 'epub-nav.xhtml.ejs', 'epub-toc.ncx.ejs', 'epub-chapter.xhtml.ejs'].map(template),
    editionStylesheet(templatesDir, 'epub.css', appendCss(input.theme?.epub, brandCss(input.brand, 'theme/'))),
  ])
  const documents: ContentDocument[] = [
    { id: 'text', filename: textFile, title: meta.title, ...(math ? { properties: 'mathml' } : {}), body: toXhtmlFragment(bodies.text), content: '' },
  ]
  if (bodies.glossary) {
    documents.push({ id: 'glossary', filename: glossaryFile, title: uiStrings(meta.lang).glossary, properties: 'glossary', body: toXhtmlFragment(bodies.glossary), content: '' })
  }
  const data = await zipEpub({
    options: {
      title: meta.title,
      author: meta.authors,
      lang: meta.lang,
      cover: new File([new Uint8Array(cover)], 'cover.png', { type: 'image/png' }),
      version: 3,
      css: css as string,
      contentOPF: contentOPF as string,
      tocXHTML: tocXHTML as string,
      tocNCX: tocNCX as string,
      chapterXHTML: chapterXHTML as string,
      verbose: false,
      book,
      resources: resources.map(({ data: _data, ...entry }) => entry),
      navigation: {
        ...navigation,
        listXhtml: toXhtmlFragment(navigation.list),
        pageListXhtml: paged ? toXhtmlFragment(pageListNav(bodies.pages)) : '',
        depth: Math.max(1, depth(navigation.points)),
      },
    },
    documents,
    identifier: book.identifier,
    resources,
    epoch: input.epoch,
  })
  return {
    files: [
      { path: `${article.slug}.epub`, data },
      { path: 'cover.png', data: cover },
    ],
    warnings,
  }
}

/** Read the article's local images; one that cannot be read or is not an EPUB core image type is left out, with a warning. */
async function readImages(assets: readonly ArticleAsset[], sourceDir: string, warnings: EditionWarning[]): Promise<PackagedResource[]> {
  const resources: PackagedResource[] = []
  for (const asset of assets) {
    const name = path.relative(sourceDir, asset.source)
    let data: Uint8Array
    try {
      data = new Uint8Array(await readFile(asset.source))
    } catch {
      warnings.push({ reason: `Unexpected unreadable image \`${name}\`, expected a readable file; it is shown as a placeholder in the EPUB`, ruleId: 'image-missing' })
      continue
    }
    const mediaType = imageType(data)
    if (!mediaType) {
      warnings.push({
        reason: `Unexpected image format of \`${name}\`, expected PNG, JPEG, GIF or SVG (what every EPUB reader shows); it is shown as a placeholder in the EPUB`,
        ruleId: 'image-missing',
      })
      continue
    }
    resources.push({ id: `image-${resources.length + 1}`, href: asset.href, mediaType, data })
  }
  return resources
}

/** EPUB 3 core media types of images: what every reader shows (WebP is not one). */
const epubImageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'])

/** The EPUB 3 core media type of an image, from its first bytes. */
function imageType(data: Uint8Array): string | undefined {
  const type = mediaTypeOf(data)
  return type && epubImageTypes.has(type) ? type : undefined
}

/** Levels of nesting of the table of contents (the NCX's `dtb:depth`). */
function depth(points: readonly NcxPoint[]): number {
  return points.reduce((deepest, point) => Math.max(deepest, 1 + depth(point.children)), 0)
}
