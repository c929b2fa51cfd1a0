import type { Root } from 'hast'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize from 'rehype-sanitize'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'
import { rehypeAlignClasses } from '../plugins/rehype-align-classes.ts'
import { rehypeContentModel } from '../plugins/rehype-content-model.ts'
import { rehypeDropFormControls } from '../plugins/rehype-drop-form-controls.ts'
import { rehypeEmptyHeadings } from '../plugins/rehype-empty-headings.ts'
import { rehypeEmptyLinks } from '../plugins/rehype-empty-links.ts'
import { rehypeEncodeUrls } from '../plugins/rehype-encode-urls.ts'
import { rehypeFillPositions } from '../plugins/rehype-fill-positions.ts'
import { rehypeFlagUnsafe } from '../plugins/rehype-flag-unsafe.ts'
import { rehypeFootnoteIds } from '../plugins/rehype-footnote-ids.ts'
import { rehypeGlossarySection } from '../plugins/rehype-glossary-section.ts'
import { rehypeHeadingIds } from '../plugins/rehype-heading-ids.ts'
import { rehypeImages } from '../plugins/rehype-images.ts'
import { rehypeLocalLinks } from '../plugins/rehype-local-links.ts'
import { rehypeHighlightCode } from '../plugins/rehype-highlight-code.ts'
import { rehypeMathml } from '../plugins/rehype-mathml.ts'
import { remarkProseDollars } from '../plugins/remark-prose-dollars.ts'
import { maskProseDollars } from '../common/prose-dollars.ts'
import remarkMath from 'remark-math'
import { rehypeLinkCheck } from '../plugins/rehype-link-check.ts'
import { rehypeUniqueIds } from '../plugins/rehype-unique-ids.ts'
import { remarkFootnoteCheck } from '../plugins/remark-footnote-check.ts'
import { remarkGlossary } from '../plugins/remark-glossary.ts'
import { remarkNestingLimit } from '../plugins/remark-nesting-limit.ts'
import { reportFailure } from './failure.ts'
import { sanitizeSchema } from './sanitize-schema.ts'
import { readSource } from './read-source.ts'
import { uiStrings } from '../common/strings.ts'
import { defaultBuildOptions } from '../common/config.ts'
import type { GlossaryEntry } from '../common/article.ts'
import type { ArticleMeta } from '../common/article.ts'

/**
 * The one processor every edition uses, in this order: Markdown (front matter
 * already read by `source.ts`) → GFM → nesting limit → footnote check →
 * glossary links → hast → raw HTML parsed → positions filled in → links out of
 * the source folder unlinked → form controls dropped → unsafe HTML reported → sanitized → content
 * model repaired → empty headings removed → alignment as classes → ASCII
 * footnote ids → glossary section → unique ids → heading ids and outline →
 * offline images → empty links → link check → addresses written as valid URLs
 * → TeX math as MathML (unless `math: false`) → code blocks coloured. With
 * math on, remark-math reads `$…$` and `$$…$$` right after GFM.
 */
export function createProcessor(lang: string, options: { math?: boolean } = {}) {
  const strings = uiStrings(lang)
  const math = options.math ?? true
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(math ? [remarkMath, remarkProseDollars] : [])
    .use(remarkNestingLimit)
    .use(remarkFootnoteCheck)
    .use(remarkGlossary)
    .use(remarkRehype, {
      allowDangerousHtml: true,
      clobberPrefix: '',
      footnoteLabel: strings.notes,
      footnoteBackLabel: (referenceIndex: number, rereferenceIndex: number) =>
        `${strings.backToReference} ${referenceIndex + 1}${rereferenceIndex > 1 ? `-${rereferenceIndex}` : ''}`,
    })
    .use(rehypeRaw)
    .use(rehypeFillPositions)
    .use(rehypeLocalLinks)
    .use(rehypeDropFormControls)
    .use(rehypeFlagUnsafe, sanitizeSchema)
    .use(rehypeSanitize, sanitizeSchema)
    .use(rehypeContentModel)
    .use(rehypeEmptyHeadings)
    .use(rehypeAlignClasses)
    .use(rehypeFootnoteIds)
    .use(rehypeGlossarySection)
    .use(rehypeUniqueIds)
    .use(rehypeHeadingIds)
    .use(rehypeImages)
    .use(rehypeEmptyLinks)
    .use(rehypeLinkCheck)
    .use(rehypeEncodeUrls)
    .use(math ? [rehypeMathml] : [])
    .use(rehypeHighlightCode)
}

/** Result of processing one source. */
export interface ProcessedSource {
  file: VFile
  /** The canonical tree; `undefined` when a fatal message means no edition can be made. */
  tree: Root | undefined
}

/**
 * Read, parse and enrich one source. Problems are messages on `file`; a
 * fatal one leaves `tree` undefined. Never throws: a plugin's exception (a
 * stack overflow on hostile nesting, or a bug) becomes a fatal message.
 */
export async function parseSource(
  sourcePath: string,
  glossary: GlossaryEntry[] = [],
  options: { paper?: ArticleMeta['paper']; publisher?: string } = {},
): Promise<ProcessedSource> {
  const file = await readSource(sourcePath, { paper: options.paper ?? defaultBuildOptions.paper, ...(options.publisher !== undefined ? { publisher: options.publisher } : {}) })
  if (file.messages.some((message) => message.fatal)) return { file, tree: undefined }
  file.data.glossary = glossary
  const math = file.data.article?.meta.math !== false
  const processor = createProcessor(file.data.article?.meta.lang ?? 'en', { math })
  try {
    // Dollars in prose are hidden from remark-math while parsing (see common/prose-dollars.ts); positions stay those of `file`.
    const masked = math ? maskProseDollars(String(file.value)) : undefined
    const tree = processor.parse(masked === undefined ? file : new VFile({ path: file.path, value: masked }))
    return { file, tree: (await processor.run(tree, file)) as Root }
  } catch (error) {
    // `file.fail` in a plugin has put its message on the file already.
    if (!file.messages.includes(error as VFileMessage)) reportFailure(file, error)
    return { file, tree: undefined }
  }
}
