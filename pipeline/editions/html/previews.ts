import type { Root } from 'hast'
import { selectAll } from 'hast-util-select'

/** The links that get a preview: glossary terms and footnote calls. */
const previewedLinks = 'a.glossary-term[href^="#"], a[data-footnote-ref][href^="#"]'

/**
 * The HTML edition's one script (the page works without it). The page's
 * markup holds no preview: each note and definition is only in its own
 * section, so a client that reads the markup without running this script
 * (Reader View, text browsers, feed readers, search snippets, no-script)
 * reads each footnote call as its number and each term as a plain word, and
 * the link itself leads to the note or the definition.
 *
 * In a browser, the script copies each note's and definition's text into a
 * `role="tooltip"` preview, `hidden`, tied to its link by `aria-describedby`,
 * and puts all of them in one layer after the page's footer, outside the
 * article, so copying a paragraph never takes a preview with it. A preview
 * shows under the line of its link, as wide as the link's text block (it
 * stays on a narrow screen), on hover and on keyboard focus; the pointer can
 * move onto it, and Escape hides it until focus or the pointer reaches
 * another link (WCAG 1.4.13).
 */
export const previewsScript = `(() => {
  const tipOf = new Map(), linkOf = new Map(), layer = document.createElement('div')
  layer.className = 'tips'
  for (const link of document.querySelectorAll('article :is(${previewedLinks})')) {
    const target = document.getElementById(link.getAttribute('href').slice(1))
    const source = target && target.matches('dt') ? target.nextElementSibling : target
    if (!source || !link.id) continue
    const copy = source.cloneNode(true)
    for (const back of copy.querySelectorAll('[data-footnote-backref]')) back.remove()
    const tip = Object.assign(document.createElement('div'), { className: 'tip', id: 'tip-' + link.id, hidden: true })
    tip.setAttribute('role', 'tooltip')
    tip.textContent = copy.textContent.replace(/\\s+/g, ' ').trim()
    layer.append(tip)
    link.setAttribute('aria-describedby', tip.id)
    tipOf.set(link, tip)
    linkOf.set(tip, link)
  }
  if (tipOf.size === 0) return
  document.body.append(layer)
  let hovered = null, focused = null, dismissed = false, shown = null
  const update = () => {
    const link = dismissed ? null : hovered || focused
    const tip = link ? tipOf.get(link) : null
    if (shown && shown !== tip) shown.hidden = true
    shown = tip
    const line = link ? Array.from(link.getClientRects()).pop() : null
    if (!tip || !line) return
    const block = (link.closest('p, li, dt, dd, td, th, blockquote, figcaption') || link.parentElement).getBoundingClientRect()
    Object.assign(tip.style, { left: block.left + scrollX + 'px', width: block.width + 'px', top: line.bottom + scrollY + 'px' })
    tip.hidden = false
  }
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !shown) return
    dismissed = true
    update()
  })
  document.addEventListener('focusin', (event) => {
    focused = tipOf.has(event.target) ? event.target : null
    dismissed = false
    update()
  })
  document.addEventListener('focusout', () => {
    focused = null
    update()
  })
  document.addEventListener('pointerover', (event) => {
    const at = event.target instanceof Element ? event.target : null
    const tip = at && at.closest('.tip')
    const link = tip ? linkOf.get(tip) : at && at.closest(${JSON.stringify(previewedLinks)})
    if (link !== hovered) dismissed = false
    hovered = tipOf.has(link) ? link : null
    update()
  })
  addEventListener('resize', update)
})()`

/** Whether the page has links to preview, and so needs the script. */
export function hasPreviews(tree: Root): boolean {
  return selectAll(previewedLinks, tree).length > 0
}
