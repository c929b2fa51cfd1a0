import { readFile } from 'node:fs/promises'
import type { Element, Root } from 'hast'
import { h } from 'hastscript'
import type { EditionName } from '../../common/config.ts'
import { uiStrings } from '../../common/strings.ts'
import type { EditionFile, EditionInput } from '../edition.ts'
import { relevelHeadings } from '../heading-levels.ts'
import { serializeHtml } from '../serialize-html.ts'
import { editionStylesheet } from '../stylesheet.ts'
import { previewsScript, hasPreviews } from './previews.ts'
import { titleBlock } from '../title-block.ts'
import { appendCss, brandCss, brandFolder, logoName } from '../brand.ts'
import { tocList } from '../toc.ts'

/** Options of the HTML edition. */
export interface HtmlOptions {
  /** Other editions built beside this page, linked from it; default none. */
  editions?: readonly EditionName[]
}

/**
 * The HTML edition: one standalone page, `index.html`, readable offline from
 * `file://`: CSS inlined, no script needed, nothing requested from elsewhere.
 * Footnote and glossary previews are built in the browser by the page's one
 * script (see `previews.ts`), never put in the text.
 * Local images are copied to `assets/`.
 */
export async function writeHtml(input: EditionInput, options: HtmlOptions = {}): Promise<EditionFile[]> {
  const { article } = input
  const { meta } = article
  const strings = uiStrings(meta.lang)
  const css = await editionStylesheet(input.templatesDir, 'site.css', appendCss(input.theme?.html, brandCss(input.brand, `../${brandFolder}/`)))
  // The edition's own copy of the tree (see `EditionInput`): changed in place.
  const tree = input.tree
  const logo = input.brand?.logo
  // The logo's one copy is next to the front page (see `brand.ts`).
  const header = titleBlock(meta, tree, { logo: logo && { src: `../${brandFolder}/${logoName(logo)}`, alt: logo.alt } })
  // The title is the page's only h1; the document's headings follow it without skipping a level.
  relevelHeadings(tree, 2)
  const outline = meta.titleFromContent ? article.headings.slice(1) : article.headings
  const toc = outline.length >= 2 ? h('nav.toc', { ariaLabelledBy: 'toc-label' }, [h('h2#toc-label', strings.contents), tocList(outline)]) : undefined
  const editionLinks = (options.editions ?? [])
    .filter((name) => name !== 'html')
    .map((name) => h('li', [h('a', { href: `${article.slug}.${name}`, type: name === 'pdf' ? 'application/pdf' : 'application/epub+zip', download: '' }, name.toUpperCase())]))
  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: meta.lang }, [
        h('head', [
          h('meta', { charSet: 'utf-8' }),
          h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
          h('title', meta.title),
          ...metaTags(input),
          h('style', css),
          h('script', { type: 'application/ld+json' }, JSON.stringify(jsonLd(input)).replace(/</g, '\\u003c')),
        ]),
        h('body', [
          h('a.skip-link', { href: '#main' }, strings.skipToContent),
          h('main#main', { tabIndex: -1 }, [h('article', [header, toc, ...(tree.children as Element[])])]),
          h('footer.site-footer', [
            h('nav', { ariaLabel: strings.editions }, [
              h('ul', [h('li', [h('a', { href: '../index.html' }, [h('span', { ariaHidden: 'true' }, '↑ '), strings.allArticles])]), ...editionLinks]),
            ]),
            meta.license ? h('p.license', meta.license) : undefined,
          ]),
          hasPreviews(tree) ? h('script', previewsScript) : undefined,
        ]),
      ]),
    ],
  }
  const files: EditionFile[] = [{ path: 'index.html', data: serializeHtml(page) }]
  for (const asset of article.assets) {
    files.push({ path: asset.href, data: await readFile(asset.source) })
  }
  return files
}

function metaTags(input: EditionInput): Element[] {
  const { meta } = input.article
  const tags: Element[] = []
  const add = (attribute: 'name' | 'property', key: string, content: string | undefined) => {
    if (content) tags.push(h('meta', { [attribute]: key, content }))
  }
  add('name', 'description', meta.description)
  add('name', 'author', meta.authors.join(', '))
  add('name', 'keywords', meta.keywords.join(', '))
  add('name', 'color-scheme', 'light dark')
  add('name', 'generator', 'offprint')
  add('property', 'og:type', 'article')
  add('property', 'og:title', meta.title)
  add('property', 'og:description', meta.description)
  add('property', 'og:site_name', meta.publisher)
  add('property', 'og:locale', meta.lang)
  add('property', 'article:published_time', meta.date)
  for (const author of meta.authors) add('property', 'article:author', author)
  for (const keyword of meta.keywords) add('property', 'article:tag', keyword)
  return tags
}

/** schema.org `NewsArticle` for search engines and archives. */
function jsonLd(input: EditionInput): Record<string, unknown> {
  const { meta } = input.article
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: meta.title,
    inLanguage: meta.lang,
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.date ? { datePublished: meta.date } : {}),
    ...(meta.keywords.length > 0 ? { keywords: meta.keywords.join(', ') } : {}),
    ...(meta.authors.length > 0 ? { author: meta.authors.map((name) => ({ '@type': 'Person', name })) } : {}),
    ...(meta.publisher ? { publisher: { '@type': 'Organization', name: meta.publisher } } : {}),
  }
}
