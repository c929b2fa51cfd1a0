import type { Element } from 'hast'
import { h } from 'hastscript'
import { uiStrings } from './strings.ts'

/** What stands in for an image an edition cannot show: its alt text, or a note that it is not included. */
export function imagePlaceholder(alt: string, src: string, lang: string): Element {
  const label = alt || uiStrings(lang).imageNotIncluded
  return h('span.image-placeholder', { role: 'img', ariaLabel: label, title: src }, [label])
}
