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

/**
 * The paths of an SVG that resvg wrote: its own plain serialisation, every
 * element one tag with double-quoted attributes, read by pattern. Parsing it
 * as HTML took about 40 ms of a cover's drawing (its two trees, with a path
 * per grapheme), this a few.
 */
export function outlinedPaths(svg: string): OutlinedPath[] {
  const open: Array<string | undefined> = []
  const paths: OutlinedPath[] = []
  for (const [, closing, name, rest = '', selfClosing] of svg.matchAll(tag)) {
    if (name === 'g') {
      if (closing) open.pop()
      else if (!selfClosing) open.push(attributesOf(rest).get('id'))
    } else if (!closing) {
      const attributes = attributesOf(rest)
      paths.push({ d: attributes.get('d') ?? '', fill: attributes.get('fill'), groups: open.filter((id) => id !== undefined) })
    }
  }
  return paths
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const [, name, value] of text.matchAll(attribute)) if (name !== undefined && value !== undefined) attributes.set(name, value)
  return attributes
}
