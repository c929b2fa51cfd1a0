import type { Element } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select } from 'hast-util-select'
import { h } from 'hastscript'
import { serializeHtml } from '../editions/serialize-html.ts'

/** The Server-Sent Events stream the reload client listens to. */
export const eventsPath = '/__offprint/events'

/** Id of the error overlay, for tests and for the reader's stylesheet. */
export const overlayId = 'offprint-error-overlay'

/**
 * The reload client: reload on a `reload` event, and when the stream opens
 * again after the server went away (a restarted `offprint serve`).
 */
const client = `(() => {
  let opened = false
  const events = new EventSource(${JSON.stringify(eventsPath)})
  events.addEventListener('reload', () => location.reload())
  events.addEventListener('open', () => {
    if (opened) location.reload()
    opened = true
  })
})()`

const overlayStyle = [
  'position:fixed',
  'inset:auto 0 0 0',
  'z-index:2147483647',
  'max-height:60vh',
  'overflow:auto',
  'margin:0',
  'padding:1rem 1.25rem',
  'background:#1e1e1e',
  'color:#f5f5f5',
  'border-top:4px solid #d33',
  'font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace',
  'box-shadow:0 -4px 16px rgba(0,0,0,.4)',
].join(';')

/**
 * A served HTML page with the reload client and, when the last build had
 * errors, an overlay with their report text. Works on the tree (parsed with
 * hast), never on the bytes; only served responses get it, files on disk stay
 * as the build wrote them.
 */
export function injectClient(html: string, errors: string): string {
  const tree = fromHtml(html)
  const body = select('body', tree) as Element | undefined
  // `fromHtml` always makes a document with a body; this is a guard for the types.
  if (!body) return html
  if (errors) {
    body.children.unshift(
      h(`div#${overlayId}`, { role: 'alert', style: overlayStyle }, [
        h('p', { style: 'margin:0 0 .5rem;font-weight:bold;color:#ff8a8a' }, 'offprint: the last build has errors; the pages served are the last good output.'),
        h('pre', { style: 'margin:0;white-space:pre-wrap' }, errors),
      ]),
    )
  }
  body.children.push(h('script', { dataOffprint: 'reload' }, client))
  return serializeHtml(tree)
}
