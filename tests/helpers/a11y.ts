import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Page, SerializedAXNode } from 'puppeteer-core'
import { findBrowser } from '../../pipeline/editions/chromium-process.ts'
import { projectRoot } from './corpus.ts'

/** axe-core's rule sets we hold every page to: WCAG 2.0–2.2 A and AA, and axe's best practices. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] as const

/** The colour schemes a page is judged in. */
export const colorSchemes = ['light', 'dark'] as const
export type ColorScheme = (typeof colorSchemes)[number]

let axeSource: string | undefined
function axeScript(): string {
  try {
    axeSource ??= readFileSync(path.join(projectRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')
  } catch (error) {
    throw new Error('Unexpected missing axe-core, expected `node_modules/axe-core/axe.min.js`: run `npm install`', { cause: error })
  }
  return axeSource
}

/** Turn the page's scripting on (for our own checks only) and inject axe-core once. */
export async function injectAxe(page: Page): Promise<void> {
  await page.setJavaScriptEnabled(true)
  const present = await page.evaluate(() => 'axe' in window)
  if (!present) await page.addScriptTag({ content: axeScript() })
}

/** One axe violation, flattened for a readable test failure. */
export interface AxeFinding {
  rule: string
  impact: string
  /** `selector :: summary` of the first few nodes. */
  nodes: string[]
  count: number
}

/**
 * Run axe on the page (or on the elements matching `include`) with `axeTags`,
 * or only `rules` when given. Returns the violations; incomplete results
 * ("needs review") are returned separately so a test can print them.
 */
export async function runAxe(page: Page, options: { include?: string; rules?: readonly string[] } = {}): Promise<{ violations: AxeFinding[]; incomplete: AxeFinding[] }> {
  await injectAxe(page)
  return page.evaluate(
    async (include, rules, tags) => {
      type Result = { id: string; impact?: string | null; nodes: Array<{ target: unknown[]; failureSummary?: string }> }
      const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Result[]; incomplete: Result[] }> } }).axe
      const runOnly = rules ? { type: 'rule', values: rules } : { type: 'tag', values: tags }
      const result = await axe.run(include ? { include: [[include]] } : document, { runOnly, resultTypes: ['violations', 'incomplete'] })
      const flat = (items: Result[]) =>
        items.map((item) => ({
          rule: item.id,
          impact: item.impact ?? '',
          count: item.nodes.length,
          nodes: item.nodes.slice(0, 3).map((node) => `${node.target.join(' ')} :: ${(node.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)}`),
        }))
      return { violations: flat(result.violations), incomplete: flat(result.incomplete) }
    },
    options.include ?? null,
    options.rules ? [...options.rules] : null,
    [...axeTags],
  )
}

/** Heading levels in document order, `role="heading"` included. */
export function headingLevels(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')).map((node) => Number(node.getAttribute('aria-level') ?? node.tagName.slice(1))),
  )
}

/** Places where the outline skips a level going down (`h2` → `h4`), as `"2→4 at #n"`. */
export function levelJumps(levels: readonly number[]): string[] {
  const jumps: string[] = []
  levels.forEach((level, index) => {
    const previous = index === 0 ? 0 : (levels[index - 1] as number)
    if (level > previous + 1) jumps.push(`${previous}→${level} at heading ${index + 1}`)
  })
  return jumps
}

/** Landmark roles in Chromium's accessibility tree, as `role` or `role:name`. */
export async function landmarks(page: Page): Promise<string[]> {
  const roles = new Set(['banner', 'main', 'navigation', 'contentinfo', 'complementary', 'region', 'search', 'form'])
  const found: string[] = []
  const walk = (node: SerializedAXNode | null | undefined): void => {
    if (!node) return
    if (roles.has(node.role)) found.push(node.name ? `${node.role}:${node.name}` : node.role)
    for (const child of node.children ?? []) walk(child)
  }
  walk(await page.accessibility.snapshot())
  return found
}

/**
 * Reach `selector` with a real Tab key press: focus the tabbable element just
 * before it in tab order (or nothing, for the first), press Tab, and say
 * whether focus landed on it. An element out of the tab order is not reached.
 */
export async function tabTo(page: Page, selector: string): Promise<boolean> {
  const target = await page.$(selector)
  if (!target) throw new Error(`Unexpected missing \`${selector}\`, expected it on the page`)
  await page.evaluate((element) => {
    const tabbable = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')).filter(
      (node) => node.tabIndex >= 0 && !node.hasAttribute('disabled') && node.getClientRects().length > 0,
    )
    const index = tabbable.indexOf(element as HTMLElement)
    ;(document.activeElement as HTMLElement | null)?.blur()
    if (index > 0) tabbable[index - 1]?.focus()
  }, target)
  await page.keyboard.press('Tab')
  return page.evaluate((element) => document.activeElement === element, target)
}

/** How the focused element looks: outline, `:focus-visible`, place in the viewport, colours around it. */
export interface FocusLook {
  focusVisible: boolean
  outlineStyle: string
  outlineWidth: number
  outlineColor: string
  /** Background colour behind the element (first opaque ancestor background). */
  background: string
  inViewport: boolean
}

export function focusLook(page: Page): Promise<FocusLook> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement
    const style = getComputedStyle(element)
    let background = 'rgb(255, 255, 255)'
    for (let node: Element | null = element.parentElement; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor
      if (color !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(color)) {
        background = color
        break
      }
    }
    const box = element.getBoundingClientRect()
    return {
      focusVisible: element.matches(':focus-visible'),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      outlineColor: style.outlineColor,
      background,
      inViewport: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    }
  })
}

/** The tooltip the focused element points at with `aria-describedby`, and whether it shows. */
export function describedTooltip(page: Page): Promise<{ role: string | null; text: string; shown: boolean; withinViewport: boolean } | undefined> {
  return page.evaluate(() => {
    const ids = document.activeElement?.getAttribute('aria-describedby')?.split(/\s+/) ?? []
    const tip = ids.map((id) => document.getElementById(id)).find(Boolean)
    if (!tip) return undefined
    const style = getComputedStyle(tip)
    const box = tip.getBoundingClientRect()
    return {
      role: tip.getAttribute('role'),
      text: (tip.textContent ?? '').trim(),
      shown: style.display !== 'none' && style.visibility === 'visible' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0,
      withinViewport: box.left >= 0 && box.right <= document.documentElement.clientWidth,
    }
  })
}

/**
 * The accessible description Chromium announces for each element matching
 * `selector`, in document order (from its accessibility tree, node by node).
 */
export async function announcedDescriptions(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.createCDPSession()
  try {
    const descriptions: string[] = []
    for (const handle of await page.$$(selector)) {
      const backendNodeId = await handle.backendNodeId()
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId, fetchRelatives: false })
      const value = nodes[0]?.description?.value
      descriptions.push(typeof value === 'string' ? value : '')
      await handle.dispose()
    }
    return descriptions
  } finally {
    await cdp.detach()
  }
}

/** WCAG contrast ratio of two CSS `rgb()`/`rgba()` colours (alpha ignored: callers pass opaque colours). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (color: string): number => {
    const parts = color
      .match(/[\d.]+/g)
      ?.slice(0, 3)
      .map(Number)
    if (!parts || parts.length < 3) throw new Error(`Unexpected colour \`${color}\`, expected rgb()`)
    const [r, g, bl] = parts.map((value) => {
      const channel = value / 255
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (high + 0.05) / (low + 0.05)
}

// ---------------------------------------------------------------- Ace by DAISY (EPUB)

const aceBin = path.join(projectRoot, 'node_modules', '@daisy', 'ace-cli', 'bin', 'ace.js')
const aceInstallHint =
  'install it with `npm install --no-audit --no-fund -D @daisy/ace-cli` (never `@daisy/ace`, which pulls in electron); it runs the system Chromium through puppeteer, with `PUPPETEER_EXECUTABLE_PATH` or `findBrowser`'

/** The parts of Ace's `report.json` the tests read. */
export interface AceReport {
  'earl:result': { 'earl:outcome': 'pass' | 'fail' }
  'earl:testSubject': { metadata: Record<string, string | string[]> }
  'a11y-metadata': { missing: string[]; empty: string[]; present: string[] }
  properties: Record<string, boolean>
  outlines: { toc?: string; headings?: string; html?: string }
  data: { images?: Array<{ src: string; alt?: string; role?: string | null }>; videos?: unknown[]; audios?: unknown[] }
  assertions: Array<{
    'earl:testSubject': { url: string }
    assertions?: Array<{
      'earl:test': { 'dct:title': string; 'earl:impact': string }
      'earl:result': { 'dct:description': string; 'earl:pointer'?: { css?: string[] } }
    }>
  }>
}

/**
 * Run Ace (`@daisy/ace-cli`) on `epub`, writing its report to `outDir`, with
 * the system Chromium (never a downloaded one). Ace's page runner blocks
 * http(s) requests, so the check works offline.
 */
export async function runAce(epub: string, outDir: string): Promise<AceReport> {
  await access(aceBin).catch((error: unknown) => {
    throw new Error(`Unexpected missing Ace by DAISY at \`${aceBin}\`: ${aceInstallHint}`, { cause: error })
  })
  const browser = await findBrowser()
  const env = { ...process.env, PUPPETEER_EXECUTABLE_PATH: browser.path, PUPPETEER_SKIP_DOWNLOAD: '1' }
  try {
    await promisify(execFile)(process.execPath, [aceBin, '--silent', '--force', '--outdir', outDir, epub], { env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`Unexpected failure of Ace on \`${epub}\`: ${stderr.trim() || String(error)}`, { cause: error })
  }
  return JSON.parse(await readFile(path.join(outDir, 'report.json'), 'utf8')) as AceReport
}

/** Ace's violations as `impact rule file selector: description`. */
export function aceViolations(report: AceReport): string[] {
  return report.assertions.flatMap((subject) =>
    (subject.assertions ?? []).map((assertion) => {
      const test = assertion['earl:test']
      const result = assertion['earl:result']
      return `${test['earl:impact']} ${test['dct:title']} ${subject['earl:testSubject'].url} ${(result['earl:pointer']?.css ?? []).join(' ')}: ${result['dct:description']}`
    }),
  )
}

/** Facts about the book that Ace does not report, read from the package by the caller. */
export interface BookFacts {
  /** The nav document has `epub:type="page-list"`. */
  pageList: boolean
  /** Some content element has a `role` attribute. */
  usesAria: boolean
}

/**
 * Where the package's accessibility metadata says something Ace's findings
 * contradict, or leaves out what they show; empty when they agree.
 */
export function metadataMismatches(report: AceReport, facts: BookFacts): string[] {
  const metadata = report['earl:testSubject'].metadata
  const list = (key: string): string[] => {
    const value = metadata[key]
    return value === undefined ? [] : Array.isArray(value) ? value : [value]
  }
  const modes = list('schema:accessMode')
  const sufficient = list('schema:accessModeSufficient').map((set) =>
    set
      .split(',')
      .map((mode) => mode.trim())
      .sort()
      .join(','),
  )
  const features = new Set(list('schema:accessibilityFeature'))
  const hazards = list('schema:accessibilityHazard')
  const summary = list('schema:accessibilitySummary').join(' ')
  const images = report.data.images ?? []
  const informative = images.filter((image) => image.alt !== '' || image.role === 'img')
  const undescribed = images.filter((image) => image.alt === undefined)
  const media = (report.data.videos ?? []).length + (report.data.audios ?? []).length
  const problems: string[] = []
  const require = (condition: boolean, message: string) => {
    if (!condition) problems.push(message)
  }

  for (const key of ['schema:accessMode', 'schema:accessModeSufficient', 'schema:accessibilityFeature', 'schema:accessibilityHazard', 'schema:accessibilitySummary']) {
    require(report['a11y-metadata'].present.includes(key) && !report['a11y-metadata'].empty.includes(key), `missing or empty \`${key}\``)
  }
  require(modes.includes('textual'), '`accessMode` lacks `textual` for a text book')
  require(modes.includes('visual') ===
    informative.length > 0, `\`accessMode\` visual ${modes.includes('visual') ? 'claimed' : 'missing'} with ${informative.length} informative images`)
  require(!sufficient.includes('textual') || undescribed.length === 0, `\`accessModeSufficient\` textual claimed with ${undescribed.length} images lacking \`alt\``)
  require(features.has('alternativeText') ===
    (informative.length > 0 &&
      undescribed.length ===
        0), `\`alternativeText\` ${features.has('alternativeText') ? 'claimed' : 'missing'} with ${informative.length} informative and ${undescribed.length} undescribed images`)
  require(features.has('MathML') === Boolean(report.properties.hasMathML), '`MathML` feature disagrees with Ace')
  require((features.has('pageBreakMarkers') || features.has('printPageNumbers')) ===
    Boolean(report.properties.hasPageBreaks), '`pageBreakMarkers`/`printPageNumbers` feature disagrees with the page breaks Ace found')
  require(features.has('pageNavigation') === facts.pageList, '`pageNavigation` feature disagrees with the nav document’s page-list')
  require(!facts.pageList ||
    list('a11y:pageBreakSource').length + list('dc:source').length > 0, 'page-list without `a11y:pageBreakSource` (or `dc:source`) naming the print edition')
  require(!features.has('tableOfContents') || /<li/.test(report.outlines.toc ?? ''), '`tableOfContents` claimed but Ace found no table of contents')
  require(!features.has('structuralNavigation') || /<li/.test(report.outlines.headings ?? ''), '`structuralNavigation` claimed but Ace found no headings')
  require(!features.has('ARIA') || facts.usesAria, '`ARIA` claimed but the content has no roles')
  require(hazards.length > 0 && (!hazards.includes('none') || media === 0), `\`accessibilityHazard\` none with ${media} audio/video items`)
  require(!/no images/i.test(summary) || images.length === 0, `summary says there are no images, Ace found ${images.length}`)
  const conforms = list('dcterms:conformsTo').join(' ')
  if (conforms) {
    require(report['earl:result']['earl:outcome'] === 'pass', `\`conformsTo\` ${conforms} claimed but Ace fails the book`)
    require(list('a11y:certifiedBy').length > 0, '`conformsTo` without `a11y:certifiedBy`')
  }
  return problems
}

// ---------------------------------------------------------------- tagged PDF

/** One structure element of a tagged PDF, in reading (structure tree) order. */
export interface PdfTag {
  role: string
  depth: number
  /** 1-based page whose structure tree holds it. */
  page: number
  /** Its text, from the marked content it owns (soft hyphens removed). */
  text: string
  alt?: string
  lang?: string
}

/** The structure tree, page by page, and text drawn outside any marked content (neither tagged nor an artifact). */
export interface PdfStructure {
  tags: PdfTag[]
  untagged: Array<{ page: number; text: string }>
}

interface StructNode {
  role?: string
  type?: string
  id?: string
  alt?: string
  lang?: string
  children?: StructNode[]
}

/** Read a tagged PDF's structure with pdf.js: roles, text, `Alt` and `Lang` of every element. */
export async function pdfStructure(data: Uint8Array): Promise<PdfStructure> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const document = await getDocument({ data: new Uint8Array(data), verbosity: 0 }).promise
  const tags: PdfTag[] = []
  const untagged: PdfStructure['untagged'] = []
  try {
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number)
      const content = await page.getTextContent({ includeMarkedContent: true })
      const textOf = new Map<string, string>()
      const open: string[] = []
      for (const item of content.items) {
        if ('type' in item) {
          if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') open.push(item.id ?? (item as { tag?: string }).tag ?? 'marked')
          else if (item.type === 'endMarkedContent') open.pop()
          continue
        }
        const text = item.str.replace(/\u00AD/g, '') + (item.hasEOL ? ' ' : '')
        const current = open.at(-1)
        if (current === undefined) {
          if (item.str.trim() !== '') untagged.push({ page: number, text: item.str })
        } else textOf.set(current, (textOf.get(current) ?? '') + text)
      }
      const walk = (node: StructNode, depth: number): string => {
        if (node.type === 'content' && node.id) return textOf.get(node.id) ?? ''
        if (!node.role) return ''
        const tag: PdfTag = { role: node.role, depth, page: number, text: '' }
        if (node.alt !== undefined) tag.alt = node.alt
        if (node.lang !== undefined) tag.lang = node.lang
        tags.push(tag)
        tag.text = (node.children ?? [])
          .map((child) => walk(child, depth + 1))
          .join('')
          .replace(/\s+/g, ' ')
        return tag.text
      }
      const tree = (await page.getStructTree()) as StructNode | null
      for (const child of tree?.children ?? []) walk(child, 0)
      page.cleanup()
    }
  } finally {
    await document.destroy()
  }
  return { tags, untagged }
}

/** `pdfinfo -struct`: the structure element types in order (poppler's own reading of the tree). */
export async function popplerStructTypes(pdfPath: string): Promise<string[]> {
  let stdout: string
  try {
    ;({ stdout } = await promisify(execFile)('pdfinfo', ['-struct', pdfPath], { maxBuffer: 256 * 1024 * 1024 }))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('`pdfinfo` is missing: install it with `apt-get install poppler-utils` (22.12 or later, for `-struct`)', { cause: error })
    throw error
  }
  return stdout
    .split('\n')
    .map((line) => /^\s*([A-Za-z][A-Za-z0-9]*)\b/.exec(line)?.[1])
    .filter((type): type is string => type !== undefined && type !== 'Object')
}
