/**
 * The closed list of message rule ids offprint reports. Every `file.message`
 * and `file.fail` names one of these; the README documents each.
 */
export const ruleIds = [
  'encoding-invalid', // bytes that are not UTF-8, or NUL bytes
  'source-empty', // a file with no body text
  'source-limit', // past a safety limit: size, nesting depth, table cells (error before parsing, warning after)
  'frontmatter-yaml', // front matter that is not valid YAML
  'frontmatter-field', // a front matter field with a wrong type or value
  'frontmatter-unknown', // a front matter field offprint does not know
  'frontmatter-unclosed', // `---` at the top with no closing fence
  'frontmatter-multimarkdown', // MultiMarkdown `Title:` lines instead of YAML front matter
  'project-yaml', // offprint.yaml that is not valid YAML, or not a mapping
  'project-field', // a project file field with a wrong type or value, or naming a file that is missing or outside the project
  'project-unknown', // a project file field offprint does not know
  'glossary-yaml', // glossary.yaml that is not valid YAML
  'glossary-entry', // a glossary entry with a missing or wrong field
  'glossary-duplicate', // a term or variant listed twice
  'glossary-unused', // a glossary entry the document never uses
  'footnote-undefined', // a reference to a footnote with no definition
  'footnote-unused', // a footnote definition nobody references
  'footnote-duplicate', // two definitions with the same label
  'link-broken', // an in-document `#anchor` link with no target
  'id-duplicate', // an id written twice, or one offprint uses itself: renamed
  'link-outside', // a link or image pointing outside the source folder
  'link-empty', // a link with no text: its address is shown
  'heading-empty', // a heading with no text: removed
  'image-remote', // a remote image, replaced by a placeholder offline
  'image-missing', // a local image that does not exist or cannot be read
  'image-alt-missing', // an image without a text alternative
  'image-invalid', // a local image that is corrupt, not of the type its name says, or an SVG with scripts or external references
  'html-removed', // raw HTML that was removed as unsafe
  'html-invalid', // raw HTML where HTML does not allow it (a block in a heading): its tags removed, its content kept
  'math-invalid', // TeX math that does not parse: its source is shown as code
  'lang-guessed', // no `lang`: the language was guessed from the script
  'edition-failed', // an edition writer failed (PDF, EPUB, HTML)
  'timeout', // a stage hit its time limit
  'source-unreadable', // a source that cannot be read (gone, no permission, or a symbolic link leading outside its folder)
  'internal-error', // offprint itself failed on a source (a bug): no output for it
] as const

export type RuleId = (typeof ruleIds)[number]

/** The `source` every offprint message carries. */
export const messageSource = 'offprint'
