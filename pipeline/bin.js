#!/usr/bin/env node
// Entry for `npx offprint` and `make`: runs the bundle that `make` compiles
// into `.build/` (scripts/bundle.mjs), with its code cache, while it is newer
// than every file under `pipeline/`, else the TypeScript itself through tsx's loader.
import { fileURLToPath } from 'node:url'
import { bundleIsFresh } from './bundle-fresh.js'
import { runBundle } from './run-bundle.js'

const bundle = new URL('../.build/cli.cjs', import.meta.url)

if (bundleIsFresh(fileURLToPath(bundle), fileURLToPath(new URL('./', import.meta.url)))) {
  runBundle(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./cli/cli.ts')
}
