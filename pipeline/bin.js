#!/usr/bin/env node
// Entry for `npx offprint` and `make`: runs the bundle that `make` compiles
// into `.build/` (scripts/bundle.mjs) when it is newer than every file under
// `pipeline/`, else the TypeScript itself through tsx's loader.
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = new URL('../.build/cli.js', import.meta.url)

function bundleIsFresh() {
  let built
  try {
    built = statSync(bundle).mtimeMs
  } catch {
    return false
  }
  const dir = fileURLToPath(new URL('./', import.meta.url))
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > built) return false
  }
  return true
}

if (bundleIsFresh()) {
  await import(bundle.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./cli.ts')
}
