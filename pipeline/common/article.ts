/** One glossary entry, as `glossary/schema.ts` reads it from `glossary.yaml`. */
export interface GlossaryEntry {
  /** The headword, matched case-sensitively as a whole word. */
  term: string
  definition: string
  /** Other forms linking to the same entry; default none. */
  variants: string[]
}

/** Resolved metadata of an article: front matter with every gap filled. */
export interface ArticleMeta {
  title: string
  subtitle?: string
  /** Authors, in order; may be empty. */
  authors: string[]
  publisher?: string
  /** `YYYY-MM-DD`; may be missing for documents without a date. */
  date?: string
  lang: string
  description?: string
  keywords: string[]
  paper: 'A4' | 'Letter'
  /** `false` when the front matter turns TeX math off (`$…$` stays text); absent: math is on. */
  math?: false
  license?: string
  /** True when the title came from the document's own first `h1`. */
  titleFromContent: boolean
}

/** One heading of the outline, in document order. */
export interface OutlineHeading {
  depth: 1 | 2 | 3 | 4 | 5 | 6
  id: string
  text: string
}

/** One footnote, numbered in order of first reference. */
export interface ArticleNote {
  /** 1-based number shown to the reader. */
  number: number
  /** `fn-N`. */
  id: string
  /** `fnref-N`, `fnref-N-2`, … one per reference. */
  refIds: string[]
  /** Plain text of the note, for previews. */
  text: string
}

/** A glossary entry the document uses. */
export interface ArticleTerm {
  entry: GlossaryEntry
  /** Id of the entry in the glossary section, `gloss-<slug>`. */
  id: string
  /** Id of the first (linked) use in the text. */
  refId: string
}

/** A local file (an image) an edition must ship beside its output. */
export interface ArticleAsset {
  /** Absolute path of the file in the source folder. */
  source: string
  /** ASCII path the editions use, relative to the edition's folder: `assets/…`. */
  href: string
}

/** Everything the pipeline learns about an article; shared by all editions. */
export interface ArticleData {
  slug: string
  meta: ArticleMeta
  headings: OutlineHeading[]
  notes: ArticleNote[]
  terms: ArticleTerm[]
  /** Local images, `src` already rewritten to `href` in the tree. */
  assets: ArticleAsset[]
  /**
   * Absolute paths of every local file the source refers to (its images),
   * found or not, kept even when an image is replaced by a placeholder: their
   * bytes are part of the cache key, so adding or fixing one rebuilds the source.
   */
  inputs?: string[]
}

declare module 'vfile' {
  interface DataMap {
    /** Set in stages: `source.ts` sets `slug`, `meta`; plugins fill the rest. */
    article: ArticleData
    /** The glossary in force for this file, loaded by `glossary/load.ts`. */
    glossary: GlossaryEntry[]
  }
}
