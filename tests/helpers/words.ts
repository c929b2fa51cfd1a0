import type { Nodes as HastNodes } from 'hast'
import type { Nodes as MdastNodes } from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { readSource } from '../../pipeline/source/read-source.ts'

/** Words: runs of Unicode letters, marks and digits. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
}

/**
 * Every word of a Markdown source's text, read independently of the
 * editions: text, code, image alt and the text inside raw HTML (tags and
 * comments removed, script and style contents left out as they never render).
 * Front matter is not body text and is left out.
 */
export async function sourceWords(sourcePath: string): Promise<string[]> {
  const file = await readSource(sourcePath)
  const tree = unified().use(remarkParse).use(remarkGfm).parse(String(file.value)) as MdastNodes
  const parts: string[] = []
  visit(tree, (node) => {
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') parts.push(node.value)
    if (node.type === 'image' || node.type === 'imageReference') parts.push(node.alt ?? '')
    if (node.type === 'html') {
      parts.push(
        node.value
          .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
          .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
          .replace(/<img\b[^>]*\balt="([^"]*)"[^>]*>/gi, ' $1 ')
          .replace(/<[^>]*>/g, ' ')
          .replace(/&[a-z]+;|&#\d+;/gi, ' '),
      )
    }
  })
  return wordsOf(parts.join(' '))
}

/**
 * Words of an edition's rendered text: text nodes joined by spaces (as the
 * source's are, so inline markup cannot merge two words), plus image alt
 * text; script and style contents are not text.
 */
export function renderedWords(tree: HastNodes): string[] {
  const parts: string[] = []
  visit(tree, (node) => {
    if (node.type === 'element' && (node.tagName === 'script' || node.tagName === 'style' || node.tagName === 'title')) return 'skip'
    if (node.type === 'text') parts.push(node.value)
    if (node.type === 'element' && node.tagName === 'img' && typeof node.properties.alt === 'string') parts.push(node.properties.alt)
    // Math's text alternative is its TeX (`$O(log n)$` sets l, o, g apart as three variables).
    if (node.type === 'element' && node.tagName === 'math' && typeof node.properties.alttext === 'string') parts.push(node.properties.alttext)
    return undefined
  })
  return wordsOf(parts.join(' '))
}

/** Words of `expected` missing from `actual`, counting repeats. */
export function missingWords(expected: readonly string[], actual: readonly string[]): string[] {
  const counts = new Map<string, number>()
  for (const word of actual) counts.set(word, (counts.get(word) ?? 0) + 1)
  const missing: string[] = []
  for (const word of expected) {
    const left = counts.get(word) ?? 0
    if (left === 0) missing.push(word)
    else counts.set(word, left - 1)
  }
  return missing
}
