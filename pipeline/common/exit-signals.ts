/** The signals that end a build: Ctrl-C, `kill`, and a closed terminal. */
const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * Run `action` when SIGINT, SIGTERM or SIGHUP arrives, then let the signal's
 * default action (exit) happen when no other listener (another user of this
 * function, `serve`) is left to handle it. Node runs the handler between two
 * steps of JavaScript, never inside a synchronous one. Returns the function
 * that removes the handler; it is removed before `action` runs, too.
 */
export function onExitSignal(action: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    remove()
    action()
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }
  const remove = (): void => {
    for (const signal of exitSignals) process.off(signal, onSignal)
  }
  for (const signal of exitSignals) process.on(signal, onSignal)
  return remove
}
