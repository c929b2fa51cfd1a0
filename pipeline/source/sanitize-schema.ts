import { defaultSchema, type Schema } from 'hast-util-sanitize'

/**
 * Attributes GitHub's schema allows on every element that offprint keeps only
 * where HTML allows them (below), or not at all: obsolete presentational ones
 * (`border`, `cellpadding`, `clear`, `noshade`, `a@name`, …), those of forms and
 * image maps it never keeps, positive `tabindex` and `accesskey`. On any other
 * element they would make the page invalid.
 */
const scoped = new Set([
  'abbr',
  'accept',
  'acceptCharset',
  'accessKey',
  'action',
  'alt',
  'axis',
  'border',
  'cellPadding',
  'cellSpacing',
  'char',
  'charOff',
  'charSet',
  'checked',
  'clear',
  'color',
  'cols',
  'colSpan',
  'compact',
  'coords',
  'dateTime',
  'encType',
  'frame',
  'hSpace',
  'headers',
  'height',
  'hrefLang',
  'htmlFor',
  'isMap',
  'label',
  'maxLength',
  'media',
  'method',
  'multiple',
  'name',
  'noHref',
  'noShade',
  'noWrap',
  'open',
  'prompt',
  'readOnly',
  'rev',
  'rowSpan',
  'rows',
  'rules',
  'scope',
  'selected',
  'shape',
  'size',
  'span',
  'start',
  'summary',
  'tabIndex',
  'useMap',
  'value',
  'width',
])
const defaults = defaultSchema.attributes ?? {}
const cell = ['align', 'vAlign', 'colSpan', 'rowSpan', 'headers']

/**
 * What raw HTML in a source may keep: GitHub's schema, without its id
 * clobbering (in-page anchors written by hand must keep working; clashes are
 * resolved by `rehypeHeadingIds` and `rehypeUniqueIds`), each attribute only
 * on the elements HTML allows it on, plus the attributes that carry meaning in
 * publishing (`ol@start`, `time@datetime`, `th@scope`, image sizes), the
 * byline class and the glossary link's markers. Scripts, styles, event
 * handlers, `javascript:` and `data:` URLs, iframes, objects, forms and SVG go
 * (`rehypeFlagUnsafe` reports them).
 */
export const sanitizeSchema: Schema = {
  ...defaultSchema,
  clobber: [],
  clobberPrefix: '',
  // `<source srcset>` would make the reader's browser fetch a remote image: offline editions never fetch.
  tagNames: [...(defaultSchema.tagNames ?? []).filter((name) => name !== 'source'), 'time', 'figure', 'figcaption', 'abbr', 'mark', 'small', 'cite', 'u', 'section', 'aside'],
  attributes: {
    ...defaults,
    '*': (defaults['*'] ?? []).filter((attribute) => typeof attribute !== 'string' || !scoped.has(attribute)),
    // `name` makes an old-style anchor; `rehypeUniqueIds` turns it into an `id`.
    a: [
      'ariaDescribedBy',
      'ariaLabel',
      'ariaLabelledBy',
      'dataFootnoteBackref',
      'dataFootnoteRef',
      ['className', 'data-footnote-backref', 'glossary-term'],
      'dataTerm',
      'href',
      'hrefLang',
      'name',
      'title',
    ],
    p: [['className', 'byline'], 'align'],
    td: cell,
    th: [...cell, 'scope', 'abbr'],
    ol: [...(defaults.ol ?? []), 'start', 'reversed'],
    li: [...(defaults.li ?? []), 'value'],
    details: ['open'],
    del: ['cite', 'dateTime'],
    ins: ['cite', 'dateTime'],
    input: [...(defaults.input ?? []), 'checked'],
    time: ['dateTime'],
    img: [...(defaults.img ?? []), 'alt', 'width', 'height', 'title'],
    section: [...(defaults.section ?? []), 'id'],
  },
  // `className` values are limited: only the ones offprint itself styles.
  strip: ['script', 'style', 'template', 'svg'],
}
