/** A path of the SVG resvg writes of its outlined tree (`Resvg#toString`). */
export interface OutlinedPath {
  /** Its outline (`d`). */
  d: string
  fill: string | undefined
  /** The ids of the groups it is in, outermost first. */
  groups: readonly string[]
}

const tag = /<(\/?)(g|path)\b([^>]*?)(\/?)>/g
const attribute = /([\w:-]+)="([^"]*)"/g

/** What `readOutlined` finds: every path, and the id of every group, in document order. */
export interface Outlined {
  paths: OutlinedPath[]
  /** Groups with an id, empty ones included. */
  groups: string[]
}

/**
 * The paths and groups of an SVG that resvg wrote: its own plain
 * serialisation, every element one tag with double-quoted attributes, read by
 * pattern. Parsing it as HTML took about 40 ms of a cover's drawing (its two
 * trees, with a path per grapheme), this a few.
 */
export function readOutlined(svg: string): Outlined {
  const open: Array<string | undefined> = []
  const paths: OutlinedPath[] = []
  const groups: string[] = []
  for (const [, closing, name, rest = '', selfClosing] of svg.matchAll(tag)) {
    if (name === 'g') {
      if (closing) {
        open.pop()
        continue
      }
      const id = attributesOf(rest).get('id')
      if (id !== undefined) groups.push(id)
      if (!selfClosing) open.push(id)
    } else if (!closing) {
      const attributes = attributesOf(rest)
      paths.push({ d: attributes.get('d') ?? '', fill: attributes.get('fill'), groups: open.filter((id) => id !== undefined) })
    }
  }
  return { paths, groups }
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const [, name, value] of text.matchAll(attribute)) if (name !== undefined && value !== undefined) attributes.set(name, value)
  return attributes
}
