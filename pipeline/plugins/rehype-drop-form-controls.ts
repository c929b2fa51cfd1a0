import type { Element, Root } from 'hast'
import { SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/** Form elements and controls: a page to read has nothing to submit. */
const formElements = new Set(['form', 'input', 'button', 'select', 'option', 'optgroup', 'datalist', 'textarea', 'label', 'fieldset', 'legend', 'output', 'meter', 'progress'])

/**
 * Drop form controls written in raw HTML (`<form>`, `<input>`, `<button>`,
 * `<select>`, `<textarea>`, …) as GitHub does, keeping any text they hold (a
 * button's label, the options of a select, a textarea's text): they would
 * print as small empty boxes in the PDF and show in the EPUB. Each is an
 * `html-removed` warning at its place. A task list's checkbox (the first thing
 * in a `li.task-list-item`) stays. Runs before `rehypeFlagUnsafe`, so each is
 * reported once.
 */
export function rehypeDropFormControls() {
  return function (tree: Root, file: VFile): void {
    const kept = taskCheckboxes(tree)
    visit(tree, 'element', (node, index, parent) => {
      if (!formElements.has(node.tagName) || !parent || index === undefined || kept.has(node)) return undefined
      const text = node.tagName === 'input' ? '' : ', its text kept'
      file.message(`Unexpected form control \`<${node.tagName}>\`, expected text to read; it is removed as GitHub does${text}`, {
        ...(node.position ? { place: node.position } : {}),
        ruleId: 'html-removed',
        source: messageSource,
      })
      // Its children, now the parent's, are visited from `index` on.
      // Options are separate words, not one: `<option>stable</option><option>nightly</option>`.
      const gap = node.tagName === 'option' || node.tagName === 'optgroup' ? [{ type: 'text' as const, value: ' ' }] : []
      parent.children.splice(index, 1, ...node.children, ...gap)
      return [SKIP, index]
    })
  }
}

/** The checkbox opening each task list item (`- [x] done`), directly or in its first paragraph (a loose list). */
function taskCheckboxes(tree: Root): Set<Element> {
  const found = new Set<Element>()
  visit(tree, 'element', (node) => {
    const classes = node.properties.className
    if (node.tagName !== 'li' || !Array.isArray(classes) || !classes.includes('task-list-item')) return
    let first = firstElement(node)
    if (first?.tagName === 'p') first = firstElement(first)
    if (first?.tagName === 'input' && first.properties.type === 'checkbox') found.add(first)
  })
  return found
}

function firstElement(node: Element): Element | undefined {
  const first = node.children.find((child) => child.type === 'element' || (child.type === 'text' && child.value.trim() !== ''))
  return first?.type === 'element' ? first : undefined
}
