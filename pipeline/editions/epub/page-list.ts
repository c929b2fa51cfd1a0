import type { Element, ElementContent, Text } from 'hast'
import { h } from 'hastscript'
import { matches } from 'hast-util-select'
import { visit } from 'unist-util-visit'
import { blockKeyOf, uncountedInEpub, uncountedPattern } from '../block-keys.ts'
import type { PageStart } from '../edition.ts'

/** One entry of the nav document's page-list. */
export interface PageTarget {
  label: string
  /** `file.xhtml#id` of the page-break marker. */
  href: string
}

const uncounted = new RegExp(`^${uncountedPattern}$`, 'u')
const wordCharacter = /^[\p{L}\p{M}\p{N}]$/u
/** Blocks whose content model has no room for a `<span>`. */
const noPhrasing = new Set(['ul', 'ol', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'hr'])

/**
 * Put a page-break marker (`<span epub:type="pagebreak" role="doc-pagebreak">`,
 * labelled with the page number) where each printed page begins, in the
 * content documents' bodies (file name → keyed `<body>`). `starts[i]` is
 * where page `i + 1` begins. A page that begins inside a word (the print
 * edition hyphenated it) is marked after that word, so no word is cut.
 * `firstFile` is the document a page without a block (the title page)
 * starts. Returns the page-list entries, in page order.
 */
export function placePageBreaks(documents: Readonly<Record<string, Element>>, firstFile: string, starts: readonly PageStart[]): PageTarget[] {
  const blocks = new Map<string, { file: string; element: Element }>()
  const ids = new Set<string>()
  for (const [file, body] of Object.entries(documents)) {
    visit(body, 'element', (node) => {
      const key = blockKeyOf(node)
      if (key !== undefined) blocks.set(key, { file, element: node })
      if (typeof node.properties.id === 'string') ids.add(node.properties.id)
    })
  }
  const targets: PageTarget[] = []
  const byBlock = new Map<Element, Array<{ offset: number; marker: Element }>>()
  starts.forEach((start, index) => {
    const label = String(index + 1)
    let id = `page-${label}`
    for (let n = 1; ids.has(id); n++) id = `page-${label}-${n}`
    ids.add(id)
    const marker = h('span', { 'epub:type': 'pagebreak', role: 'doc-pagebreak', id, ariaLabel: label })
    const found = start.block === undefined ? undefined : (blocks.get(start.block) ?? following(blocks, start.block))
    const place = found ?? { file: firstFile, element: documents[firstFile] as Element }
    targets.push({ label, href: `${place.file}#${id}` })
    if (!found) {
      // The title page (at the start), or past the last block the EPUB has (at the end).
      place.element.children.splice(start.block === undefined ? 0 : place.element.children.length, 0, marker)
      return
    }
    const list = byBlock.get(found.element) ?? []
    list.push({ offset: found === blocks.get(start.block as string) ? start.offset : 0, marker })
    byBlock.set(found.element, list)
  })
  for (const [block, markers] of byBlock) {
    // Last place first, so inserting never moves a place still to come; at one place, pages stay in order.
    for (const { offset, marker } of [...markers].sort((a, b) => b.offset - a.offset)) insertAt(block, offset, marker)
  }
  return targets
}

/** The first block after `key` (keys are in document order) that the EPUB has and that can hold a marker. */
function following(blocks: ReadonlyMap<string, { file: string; element: Element }>, key: string): { file: string; element: Element } | undefined {
  const wanted = Number(key)
  let best: { key: number; place: { file: string; element: Element } } | undefined
  for (const [other, place] of blocks) {
    const n = Number(other)
    if (n > wanted && (!best || n < best.key) && !noPhrasing.has(place.element.tagName)) best = { key: n, place }
  }
  return best?.place
}

/** One UTF-16 unit of a block's own text, where it sits. */
interface Position {
  node: Text
  parent: Element
  index: number
  character: string
  /** Whether it follows the previous position directly (no nested block or uncounted markup between). */
  joined: boolean
}

/** Insert `marker` before the block's `offset`-th counted character (past the end: at the block's end). */
function insertAt(block: Element, offset: number, marker: Element): void {
  const positions = ownText(block)
  let k = 0
  for (let seen = 0; k < positions.length; k++) {
    if (uncounted.test((positions[k] as Position).character)) continue
    if (seen === offset) break
    seen++
  }
  const character = (at: number) => positions[at]?.character ?? ''
  const inWord = (at: number) => positions[at]?.joined === true && wordCharacter.test(character(at - 1)) && wordCharacter.test(character(at))
  // Never between two halves of a surrogate pair, nor inside a word.
  while (k < positions.length && (/[\uDC00-\uDFFF]/.test(character(k)) || inWord(k))) k++
  const at = positions[k]
  if (!at) {
    block.children.push(marker)
    return
  }
  const index = at.parent.children.indexOf(at.node)
  if (at.index === 0) {
    at.parent.children.splice(index, 0, marker)
    return
  }
  const rest: Text = { type: 'text', value: at.node.value.slice(at.index) }
  at.node.value = at.node.value.slice(0, at.index)
  at.parent.children.splice(index + 1, 0, marker, rest)
}

/** The characters of text that belongs to `block` itself: not to a nested block, nor to uncounted markup. */
function ownText(block: Element): Position[] {
  const positions: Position[] = []
  let joined = false
  const walk = (parent: Element): void => {
    for (const child of parent.children as ElementContent[]) {
      if (child.type === 'text') {
        for (let index = 0; index < child.value.length; index++) {
          positions.push({ node: child, parent, index, character: child.value.charAt(index), joined })
          joined = true
        }
      } else if (child.type === 'element' && blockKeyOf(child) === undefined && !matches(uncountedInEpub, child)) {
        walk(child)
      } else if (child.type === 'element') {
        joined = false
      }
    }
  }
  walk(block)
  return positions
}

/** The nav document's page-list (hidden: reading systems use it, readers do not need to see it). */
export function pageListNav(targets: readonly PageTarget[]): Element {
  return h('nav', { 'epub:type': 'page-list', id: 'page-list', hidden: true }, [
    h(
      'ol',
      targets.map((target) => h('li', [h('a', { href: target.href }, target.label)])),
    ),
  ])
}
