import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { isMap, isScalar, type Document } from 'yaml'
import { decodeUtf8 } from '../common/encoding.ts'
import { messageSource } from '../common/rules.ts'
import { nodeAt, parseYamlBlock, report, validateYaml } from '../common/yaml-source.ts'
import { fontFaces, knownProjectKeys, projectSchema, themeFileFields, type ProjectFields } from './project-schema.ts'
import { location } from 'vfile-location'
import { builtInTemplatesDir } from '../common/project-root.ts'
import { type Brand, type BrandFont, checkFont, checkLogo, type FaceName, insideProject, templateFiles } from './project-assets.ts'

/** A theme field that names a stylesheet. */
export type ThemeFileField = (typeof themeFileFields)[number]

/** A project file read and checked. */
export interface Project {
  /** The project file's fields; `{}` without a file or with an empty one. */
  fields: ProjectFields
  /** The text of each stylesheet the theme names. */
  sheets: Partial<Record<ThemeFileField, string>>
  /** Absolute paths of the project file and every file it names (for `serve` to watch). */
  files: string[]
  /** The logo and fonts (`site.logo`, `theme.fonts`); default none. */
  brand?: Brand
  /** `templates`: the folder's real path and the files in it that replace built-in ones; default none. */
  templates?: { dir: string; files: string[] }
}

/** What `readProject` found: the project, or the file with its errors. */
export interface ProjectResult {
  /** The project file, with its messages; undefined when there is none. */
  file?: VFile
  /** Undefined when the file has errors: nothing may be built. */
  project?: Project
}

/**
 * Read, parse and validate the project file at `filePath` (none: the empty
 * project). Errors, at their own line and column, leave `project` undefined;
 * unknown fields are warnings. Files named by `theme` are read from the
 * project file's folder and must lie inside it.
 */
export async function readProject(filePath: string | undefined): Promise<ProjectResult> {
  if (filePath === undefined) return { project: { fields: {}, sheets: {}, files: [] } }
  const value = await readFile(filePath, 'utf8')
  const file = new VFile({ path: filePath, value })
  const block = { text: value, offset: 0 }
  const doc = parseYamlBlock(file, block, 'project-yaml')
  if (!doc) return { file }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { file, project: { fields: {}, sheets: {}, files: [filePath] } }
  if (!isMap(doc.contents)) {
    report(file, doc.contents.range?.[0] ?? 0, 'Unexpected project file that is not a mapping, expected `site:`, `theme:` and `pdf:` sections', 'project-yaml')
    return { file }
  }
  warnUnknown(file, doc)
  const fields = validateYaml(file, doc, block, projectSchema, 'project-field', (at) => `project field \`${at.join('.')}\``)
  if (!fields) return { file }
  const sheets: Project['sheets'] = {}
  const files = [filePath]
  for (const field of themeFileFields) {
    const named = fields.theme?.[field]
    if (named === undefined) continue
    const offset = nodeAt(doc, ['theme', field])?.range?.[0] ?? 0
    const resolved = insideProject(path.dirname(filePath), named)
    if (typeof resolved !== 'string') {
      report(file, offset, `Unexpected \`theme.${field}\` \`${named}\` ${resolved.reason}, expected a stylesheet inside the project's folder`, 'project-field')
      continue
    }
    const css = decode(await readFile(resolved))
    const refused = css === undefined ? 'bytes that are not UTF-8' : refusedCss(css)
    if (css === undefined || refused !== undefined) {
      report(file, offset, `Unexpected ${refused} in \`theme.${field}\` \`${named}\`, expected a UTF-8 stylesheet that loads nothing`, 'project-field')
      continue
    }
    sheets[field] = css
    files.push(resolved)
  }
  const folder = path.dirname(filePath)
  const brand = await readBrand(file, doc, folder, fields, files)
  const templates = readTemplates(file, doc, folder, fields.templates, files)
  if (file.messages.some((message) => message.fatal)) return { file }
  return { file, project: { fields, sheets, files, ...(Object.keys(brand).length > 0 ? { brand } : {}), ...(templates ? { templates } : {}) } }
}

/** `site.logo` and `theme.fonts`: files inside the project, of the right kind; an error at the field otherwise. */
async function readBrand(file: VFile, doc: Document, folder: string, fields: ProjectFields, files: string[]): Promise<Brand> {
  const accent = fields.theme?.accent
  const brand: Brand = accent === undefined ? {} : { accent }
  const resolve = (at: string[], named: string, expected: string): string | undefined => {
    const resolved = insideProject(folder, named)
    if (typeof resolved === 'string') return resolved
    report(
      file,
      nodeAt(doc, at)?.range?.[0] ?? 0,
      `Unexpected \`${at.join('.')}\` \`${named}\` ${resolved.reason}, expected ${expected} inside the project's folder`,
      'project-field',
    )
    return undefined
  }
  const logo = fields.site?.logo
  if (logo !== undefined) {
    const expected = 'a PNG, JPEG or SVG image'
    const real = resolve(['site', 'logo'], logo, expected)
    const checked = real === undefined ? undefined : await checkLogo(real, logo, fields.site?.title ?? 'offprint')
    if (typeof checked === 'string')
      report(file, nodeAt(doc, ['site', 'logo'])?.range?.[0] ?? 0, `Unexpected \`site.logo\` \`${logo}\` ${checked}, expected ${expected}`, 'project-field')
    else if (checked && real) {
      brand.logo = checked
      files.push(real)
    }
  }
  for (const family of ['body', 'mono'] as const) {
    const named = fields.theme?.fonts?.[family]
    if (named === undefined) continue
    const faces: Array<[FaceName, string, string[]]> =
      typeof named === 'string'
        ? [['regular', named, ['theme', 'fonts', family]]]
        : (Object.keys(fontFaces) as FaceName[]).flatMap((face) =>
            named[face] === undefined ? [] : ([[face, named[face] as string, ['theme', 'fonts', family, face]]] as Array<[FaceName, string, string[]]>),
          )
    const found: BrandFont[] = []
    for (const [face, name, at] of faces) {
      const expected = 'a WOFF2, WOFF, TrueType or OpenType font'
      const real = resolve(at, name, expected)
      const checked = real === undefined ? undefined : await checkFont(real, face)
      if (typeof checked === 'string')
        report(file, nodeAt(doc, at)?.range?.[0] ?? 0, `Unexpected \`${at.join('.')}\` \`${name}\` ${checked}, expected ${expected}`, 'project-field')
      else if (checked && real) {
        found.push(checked)
        files.push(real)
      }
    }
    if (found.length > 0) brand.fonts = { ...brand.fonts, [family]: found }
  }
  return brand
}

/** The built-in templates a project's `templates` folder may replace: the files of `templates/`. */
const knownTemplates = (): Set<string> =>
  new Set(
    readdirSync(builtInTemplatesDir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name),
  )

/**
 * `templates`: a folder inside the project. Its files named as built-in
 * templates replace them (a stylesheet checked as the theme's are); any
 * other file is a warning and ignored.
 */
function readTemplates(file: VFile, doc: Document, folder: string, named: string | undefined, files: string[]): Project['templates'] {
  if (named === undefined) return undefined
  const offset = nodeAt(doc, ['templates'])?.range?.[0] ?? 0
  const real = insideProject(folder, named, 'folder')
  if (typeof real !== 'string') {
    report(file, offset, `Unexpected \`templates\` \`${named}\` ${real.reason}, expected a folder inside the project's folder`, 'project-field')
    return undefined
  }
  const known = knownTemplates()
  const used: string[] = []
  for (const name of templateFiles(real)) {
    if (!known.has(name)) {
      const place = location(file).toPoint(offset)
      file.message(
        `Unexpected template \`${name}\` in \`${named}\`, expected one of ${[...known]
          .sort()
          .map((k) => `\`${k}\``)
          .join(', ')}; it is ignored`,
        {
          ...(place ? { place } : {}),
          ruleId: 'project-unknown',
          source: messageSource,
        },
      )
      continue
    }
    if (name.endsWith('.css')) {
      const css = decode(readFileSync(path.join(real, name)))
      const refused = css === undefined ? 'bytes that are not UTF-8' : refusedCss(css)
      if (refused !== undefined) {
        report(file, offset, `Unexpected ${refused} in template \`${name}\` of \`${named}\`, expected a UTF-8 stylesheet that loads nothing`, 'project-field')
        continue
      }
    }
    used.push(name)
    files.push(path.join(real, name))
  }
  return { dir: real, files: used }
}

/** Fields outside the schema, top level and per section: warned of at their key, then ignored. */
function warnUnknown(file: VFile, doc: Document): void {
  const warn = (key: { range?: [number, number] } | null, name: string, expected: Iterable<string>): void => {
    const place = location(file).toPoint(key?.range?.[0] ?? 0)
    file.message(`Unexpected project field \`${name}\`, expected one of ${[...expected].map((k) => `\`${k}\``).join(', ')}; it is ignored`, {
      ...(place ? { place } : {}),
      ruleId: 'project-unknown',
      source: messageSource,
    })
  }
  if (!isMap(doc.contents)) return
  for (const pair of doc.contents.items) {
    const key = pair.key as { value?: unknown; range?: [number, number] } | null
    const name = String(key?.value)
    const known = knownProjectKeys.get(name)
    if (!known) {
      warn(key, name, knownProjectKeys.keys())
      continue
    }
    if (!isMap(pair.value)) continue
    for (const inner of pair.value.items) {
      const innerKey = inner.key as { value?: unknown; range?: [number, number] } | null
      if (!known.has(String(innerKey?.value)))
        warn(
          innerKey,
          `${name}.${String(innerKey?.value)}`,
          [...known].map((k) => `${name}.${k}`),
        )
    }
  }
}

/**
 * What a theme stylesheet may not contain: `</style` (it would end the HTML
 * edition's inline `<style>`), and `url(`, `image-set(` or `@import`, which
 * would load files or addresses from elsewhere (themes' own fonts and images
 * are a later step), or an escape outside a string that could spell one.
 * Comments and strings are not searched.
 */
function refusedCss(css: string): string | undefined {
  if (/<\/style/i.test(css)) return '`</style`'
  // Comments and strings out: what is left is where a load (or an escape spelling one) could be.
  const code = css.replace(/\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, '""')
  const loads = /@import|\b(?:url|image-set|src)\s*\(|\\/i.exec(code)
  if (!loads) return undefined
  return loads[0] === '\\' ? 'a backslash escape outside a string' : `\`${loads[0]}\``
}

/** The stylesheet's text (a byte-order mark dropped), or undefined when it is not UTF-8. */
function decode(bytes: Uint8Array): string | undefined {
  const decoded = decodeUtf8(bytes)
  return 'text' in decoded ? decoded.text.replace(/^\uFEFF/, '') : undefined
}
