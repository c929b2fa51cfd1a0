import type { Page } from 'puppeteer-core'

/**
 * Whether Chromium draws frames of `page`: an animation frame asked of a new
 * iframe's own window (the page's `requestAnimationFrame` may be replaced, as
 * the print page's is) comes within 2 s. The page needs JavaScript on.
 */
export function drawsFrames(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      new Promise<boolean>((done) => {
        const frame = document.createElement('iframe')
        document.body.append(frame)
        frame.contentWindow?.requestAnimationFrame(() => done(true))
        setTimeout(() => done(false), 2000)
      }),
  )
}
