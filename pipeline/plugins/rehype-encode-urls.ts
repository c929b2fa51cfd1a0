import type { Root } from 'hast'
import { visit } from 'unist-util-visit'

/** Attributes holding one URL, on the elements the sanitizer keeps them on. */
const urlAttributes = ['href', 'src', 'cite'] as const

/** ASCII that a valid URL string holds as written (the URL standard's URL code points, less `%` and `#`). */
const asciiKept = /[A-Za-z0-9!$&'()*+,\-./:;=?@_~]/
/** Schemes whose paths treat `\` as `/` (the URL standard's special schemes). */
const specialScheme = /^(?:https?|wss?|ftp|file):/i

/**
 * Write `href`, `src` and `cite` addresses as valid URL strings, so the page
 * validates (the W3C Nu checker rejects `[`, `|`, a space… in an address) and
 * the link still goes where a browser would have taken it: ASCII that a URL
 * may not hold as written is percent-encoded as UTF-8, the way the URL
 * standard's serialiser writes it; `%XX` escapes already there stay; tabs and
 * newlines go and leading or trailing spaces are trimmed (a browser ignores
 * them); `\` in the path of a web address becomes `/` (as a browser reads it);
 * a second `#` is `%23`. Letters beyond ASCII are valid and stay, so
 * hand-written Cyrillic anchors read as written.
 *
 * Not `normalizeUri` of micromark-util-sanitize-uri (what mdast-util-to-hast
 * applies to Markdown links): it also encodes every non-ASCII letter, leaves
 * `\` and a second `#` as they are, and does not strip whitespace.
 */
export function rehypeEncodeUrls() {
  return function (tree: Root): void {
    visit(tree, 'element', (node) => {
      for (const name of urlAttributes) {
        const value = node.properties[name]
        if (typeof value === 'string') node.properties[name] = encodeUrl(value)
      }
    })
  }
}

/** `url` as a valid URL string that a browser resolves to the same address. */
export function encodeUrl(url: string): string {
  // The URL standard drops tabs and newlines, and strips C0 controls and spaces around a URL.
  const trimmed = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  const special = specialScheme.test(trimmed) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)
  let out = ''
  let inPath = true
  let inFragment = false
  for (let index = 0; index < trimmed.length; index++) {
    const char = trimmed[index] as string
    const code = char.codePointAt(0) as number
    if (code > 0xffff) {
      out += trimmed.slice(index, index + 2)
      index++
    } else if (char === '%') out += /^[0-9A-Fa-f]{2}$/.test(trimmed.slice(index + 1, index + 3)) ? '%' : '%25'
    else if (char === '#' && !inFragment) {
      inFragment = true
      inPath = false
      out += '#'
    } else if (char === '?' && inPath) {
      inPath = false
      out += '?'
    } else if (char === '\\' && inPath && special) out += '/'
    else if (code < 0x80) out += asciiKept.test(char) ? char : percentEncode(char)
    else if (code >= 0xd800 && code <= 0xdfff) out += percentEncode('\uFFFD')
    else out += char
  }
  return out
}

function percentEncode(char: string): string {
  return [...new TextEncoder().encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}
