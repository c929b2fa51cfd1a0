import type { Root } from 'hast'
import type { ArticleData } from '../common/article.ts'
import type { RuleId } from '../common/rules.ts'
import type { EditionName } from '../common/config.ts'
import type { Brand } from '../source/project-assets.ts'

/**
 * What every edition writer receives. The tree is the canonical hast shared by
 * all editions. `build/write-editions.ts` gives each writer its own copy (the one
 * clone per edition; the last writer gets the tree itself when its caller
 * reads it no more), so a writer may change the tree it gets.
 *
 * Canonical tree shape (made by `source/parse-source.ts`):
 * - the article's content, headings with GitHub-compatible ids;
 * - footnote calls `<sup><a href="#fn-N" id="fnref-N" data-footnote-ref>N</a></sup>`
 *   (a repeated call gets `fnref-N-2`, …);
 * - `<section class="footnotes" data-footnotes>` with `<h2 id="footnote-label" class="sr-only">`
 *   and `<ol><li id="fn-N">…<a href="#fnref-N" data-footnote-backref>↩</a></li></ol>`;
 * - glossary links `<a href="#gloss-<slug>" id="gloss-ref-<slug>" class="glossary-term"
 *   data-term="<term>">…</a>` on the first use of each term;
 * - `<section id="glossary" class="glossary" role="doc-glossary">` with `<h2 id="glossary-label">`
 *   and `<dl>` of `<dt id="gloss-<slug>"><dfn>term</dfn></dt><dd>definition</dd>`.
 * - local images with `src` rewritten to `article.assets[].href` (`assets/…`); remote or
 *   outside images are already `<span class="image-placeholder" role="img">` placeholders.
 * The title is not in the tree (unless `meta.titleFromContent`, where the
 * document's own first `h1` is the title): each edition makes its title block.
 */
export interface EditionInput {
  tree: Root
  article: ArticleData
  /** Absolute path of the Markdown source. */
  sourcePath: string
  /** Absolute folder of the source: the only folder local resources come from. */
  sourceDir: string
  /** Absolute path of the project's `templates/` folder. */
  templatesDir: string
  /** Build time in seconds since the epoch: `SOURCE_DATE_EPOCH`, else the article's date. */
  epoch: number
  /** CSS the project's theme appends to each edition's built-in styles (see `editionStylesheet`); default none. */
  theme?: Partial<Record<EditionName, string>>
  /** The project's logo, fonts and accent beyond its CSS (`site.logo`, `theme.fonts`, `theme.accent`); default none. */
  brand?: Brand
  /** The PDF edition made from the same tree, when the run has one: the EPUB's page-list follows its pages. */
  printPages?: PrintPages
}

/** Where the pages of a PDF edition begin (see `pdf-pages.ts`). */
export interface PrintPages {
  /** The PDF's file name, `<slug>.pdf`: named in the EPUB as the source of its page numbers. */
  file: string
  /** `starts[i]` is where page `i + 1` begins. */
  starts: PageStart[]
}

/** One file an edition writes, relative to `dist/<slug>/`. */
export interface EditionFile {
  path: string
  data: Uint8Array | string
}

/** A problem an edition found and worked around; the build puts it on the article's file. */
export interface EditionWarning {
  reason: string
  ruleId: RuleId
}

/** What an edition writer returns. */
export interface EditionResult {
  /** Files relative to `dist/<slug>/`. */
  files: EditionFile[]
  warnings: EditionWarning[]
}

/**
 * Where one printed page begins, in terms both editions share: the block
 * (its `data-block-key`) holding the page's first text, and how many
 * characters of that block's own text (not counting white space, soft
 * hyphens, or text of nested blocks) come before it on earlier pages.
 * No block: the page begins the book (its title block).
 */
export interface PageStart {
  block?: string
  offset: number
}
