import type { Element } from 'hast'
import { visit } from 'unist-util-visit'

/** Schemes a link may keep in the book: they leave it for the reader's browser or mail program. */
const outsideSchemes = /^(https?|mailto|ftp|tel):/i

/**
 * Make every link of the content documents resolve inside the book, as
 * epubcheck requires (a dangling fragment or a missing file is an error):
 * - `#id` links point at the document that holds `id` (`glossary.xhtml#…`),
 *   percent-encoded fragments decoded to the id they name;
 * - a link to a packaged image keeps its `assets/…` path;
 * - `http(s)`, `mailto`, `ftp` and `tel` links stay as they are;
 * - any other link (an anchor nobody defines, a file of the source folder
 *   that is not in the book, an unknown scheme) loses its `href` and keeps
 *   its text. The link check of the pipeline has already reported those.
 * `aria-labelledby` and `aria-describedby` keep only ids of their own document.
 */
export function resolveLinks(documents: Readonly<Record<string, Element>>, packaged: ReadonlySet<string>): void {
  const idsOf = new Map<string, Set<string>>()
  const home = new Map<string, string>()
  for (const [name, body] of Object.entries(documents)) {
    const ids = new Set<string>()
    visit(body, 'element', (node) => {
      const id = node.properties.id
      if (typeof id !== 'string') return
      ids.add(id)
      if (!home.has(id)) home.set(id, name)
    })
    idsOf.set(name, ids)
  }
  for (const [name, body] of Object.entries(documents)) {
    const ids = idsOf.get(name) ?? new Set<string>()
    visit(body, 'element', (node) => {
      for (const key of ['ariaLabelledBy', 'ariaDescribedBy'] as const) {
        const value = node.properties[key]
        if (value === undefined) continue
        const kept = (Array.isArray(value) ? value : String(value).split(/\s+/)).map(String).filter((id) => ids.has(id))
        if (kept.length > 0) node.properties[key] = kept
        else delete node.properties[key]
      }
      if (node.tagName !== 'a' || node.properties.href === undefined) return
      const href = String(node.properties.href)
      const target = resolveHref(href, name, home, packaged)
      if (target === undefined) delete node.properties.href
      else node.properties.href = target
    })
  }
}

function resolveHref(href: string, from: string, home: ReadonlyMap<string, string>, packaged: ReadonlySet<string>): string | undefined {
  if (outsideSchemes.test(href)) return href
  if (href.startsWith('#')) {
    const id = decode(href.slice(1))
    const file = home.get(id) ?? (home.has(href.slice(1)) ? home.get(href.slice(1)) : undefined)
    if (file === undefined) return undefined
    const fragment = home.has(id) ? id : href.slice(1)
    return file === from ? `#${fragment}` : `${file}#${fragment}`
  }
  const path = href.split('#')[0] ?? ''
  return packaged.has(decode(path)) ? decode(path) : undefined
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
