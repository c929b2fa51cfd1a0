import { defaultSchema, type Schema } from 'hast-util-sanitize'

/**
 * What raw HTML in a source may keep: GitHub's schema, without its id
 * clobbering (in-page anchors written by hand must keep working; clashes are
 * resolved by `rehypeHeadingIds`), plus the attributes that carry meaning in
 * publishing (`ol@start`, `time@datetime`, `th@scope`, image sizes), the
 * byline class and the glossary link's markers. Scripts, styles, event
 * handlers, `javascript:` and `data:` URLs, iframes and objects go.
 */
export const sanitizeSchema: Schema = {
  ...defaultSchema,
  clobber: [],
  clobberPrefix: '',
  tagNames: [...(defaultSchema.tagNames ?? []), 'time', 'figure', 'figcaption', 'abbr', 'mark', 'small', 'cite', 'u', 'section', 'aside'],
  attributes: {
    ...defaultSchema.attributes,
    a: ['ariaDescribedBy', 'ariaLabel', 'ariaLabelledBy', 'dataFootnoteBackref', 'dataFootnoteRef', ['className', 'data-footnote-backref', 'glossary-term'], 'dataTerm', 'href', 'title'],
    p: [['className', 'byline'], 'align'],
    td: ['align', 'vAlign'],
    th: ['align', 'vAlign'],
    time: ['dateTime'],
    img: [...(defaultSchema.attributes?.img ?? []), 'alt', 'width', 'height', 'title'],
    section: [...(defaultSchema.attributes?.section ?? []), 'id'],
  },
  // `className` values are limited: only the ones offprint itself styles.
  strip: ['script', 'style', 'template', 'svg'],
}
