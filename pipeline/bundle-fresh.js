// Plain JavaScript: bin.js calls it before any TypeScript loader exists.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * Whether the compiled CLI `bundle` may run: it exists and is newer than
 * every file under `sourceDir` (an edit since `make` means the TypeScript
 * must run instead, through tsx).
 * @param {string} bundle
 * @param {string} sourceDir
 * @returns {boolean}
 */
export function bundleIsFresh(bundle, sourceDir) {
  let built
  try {
    built = statSync(bundle).mtimeMs
  } catch {
    return false
  }
  for (const entry of readdirSync(sourceDir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(path.join(entry.parentPath, entry.name)).mtimeMs > built) return false
  }
  return true
}
