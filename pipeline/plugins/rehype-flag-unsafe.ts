import type { Element, Properties, Root } from 'hast'
import { sanitize, type Schema } from 'hast-util-sanitize'
import { SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { messageSource } from '../common/rules.ts'

/**
 * Report, as `html-removed` warnings at their place, what the sanitizer that
 * follows will remove as unsafe: elements it does not allow (scripts, styles,
 * iframes, objects, forms, SVG, …), event handlers (`on*`), `style`, and
 * addresses with a scheme it does not allow (`javascript:`, `data:`,
 * `file:`, …). Harmless attributes it drops (`class`, `target`) are not
 * reported. Changes nothing: `rehype-sanitize` with the same `schema` removes.
 */
export function rehypeFlagUnsafe(schema: Schema) {
  const allowed = new Set(schema.tagNames ?? [])
  const stripped = new Set(schema.strip ?? [])
  // Each element is judged alone, so required ancestors (`td` in `table`) are not asked for.
  const shallowSchema: Schema = { ...schema, ancestors: {} }
  return function (tree: Root, file: VFile): void {
    const warn = (node: Element, reason: string): void => {
      file.message(reason, { ...(node.position ? { place: node.position } : {}), ruleId: 'html-removed', source: messageSource })
    }
    visit(tree, 'element', (node) => {
      if (!allowed.has(node.tagName)) {
        const strip = stripped.has(node.tagName)
        warn(node, `Unexpected raw HTML element \`<${node.tagName}>\`, expected safe HTML; it is removed${strip ? ' with its content' : ', its text kept'}`)
        return strip ? SKIP : undefined
      }
      const names = Object.keys(node.properties)
      if (names.length === 0) return undefined
      const kept = sanitize({ type: 'element', tagName: node.tagName, properties: node.properties, children: [] }, shallowSchema)
      const keptProperties: Properties = kept.type === 'element' ? kept.properties : {}
      const removed = names.filter((name) => keptProperties[name] === undefined && isUnsafe(name, node.properties[name]))
      if (removed.length > 0) {
        const list = removed.map((name) => `\`${attributeName(name)}\`${isAddress(node.properties[name]) ? ` (\`${String(node.properties[name]).slice(0, 80)}\`)` : ''}`).join(', ')
        warn(
          node,
          `Unexpected ${removed.length > 1 ? 'attributes' : 'attribute'} ${list} on \`<${node.tagName}>\`, expected safe HTML (web or mail addresses, no scripts or styles); ${removed.length > 1 ? 'they are' : 'it is'} removed`,
        )
      }
      return undefined
    })
  }
}

/** Worth a warning when removed: script handlers, styles, and addresses with a scheme. */
function isUnsafe(name: string, value: unknown): boolean {
  return /^on/i.test(name) || name === 'style' || isAddress(value)
}

/** A value that is an address with a scheme (`javascript:`, `data:`, `file:`, `http:`). */
function isAddress(value: unknown): boolean {
  // Browsers ignore tabs and newlines inside a scheme (`java\tscript:`).
  return typeof value === 'string' && /^[\s\0-\x1f]*[a-z][a-z0-9+.\-\t\n\r]*:/i.test(value)
}

/** The HTML attribute a hast property stands for, near enough for a message: `onClick` → `onclick`, `dataX` → `data-x`. */
function attributeName(property: string): string {
  if (/^data[A-Z]/.test(property))
    return `data-${property
      .slice(4)
      .replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`)
      .replace(/^-/, '')}`
  return property === 'className' ? 'class' : property === 'htmlFor' ? 'for' : property.toLowerCase()
}
